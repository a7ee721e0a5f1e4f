import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../cli/runChartlog.js';

interface PackedFile {
  readonly path: string;
}

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  readonly main: string;
  readonly module: string;
  readonly types: string;
  readonly bin: Record<string, string>;
  readonly exports: Record<string, string | Record<string, Record<string, string>>>;
  readonly typesVersions?: Record<string, Record<string, readonly string[]>>;
  readonly scripts: Record<string, string>;
};

/** Every file package.json points a user at: main, module, types, bin, exports, typesVersions. */
function filesNamedByManifest(): string[] {
  const named = [manifest.main, manifest.module, manifest.types, ...Object.values(manifest.bin)];
  for (const target of Object.values(manifest.exports)) {
    if (typeof target === 'string') named.push(target);
    else for (const conditions of Object.values(target)) named.push(...Object.values(conditions));
  }
  for (const paths of Object.values(manifest.typesVersions ?? {}))
    for (const targets of Object.values(paths)) named.push(...targets);
  return [...new Set(named.map((path) => path.replace(/^\.\//, '')))].sort();
}

/**
 * What `npm pack` would put in the tarball, from the dist/ that `npm test` built before
 * the suite (`--ignore-scripts`: the `prepack` build would replace dist/ under the other
 * test files that run the built bin at the same time).
 */
function packedFiles(): string[] {
  if (!existsSync(join(root, 'dist/index.js'))) {
    throw new Error(
      'dist/ is missing, so the packed file list cannot be checked: run `npm run build` first (`npm test` builds before the suite)',
    );
  }
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
  });
  const [pack] = JSON.parse(out) as { files: PackedFile[] }[];
  return pack === undefined ? [] : pack.files.map((file) => file.path).sort();
}

describe('the npm package', () => {
  it('builds dist/ before packing, so npm pack and npm publish from a fresh clone ship the code', () => {
    expect(manifest.scripts['prepack']).toBe('npm run build');
  });

  let packed: string[] | undefined;
  const files = (): string[] => (packed ??= packedFiles());

  it('ships every file package.json points to (entries, subpaths, types for every resolution, the bin)', () => {
    const missing = filesNamedByManifest().filter((path) => !files().includes(path));
    expect(missing).toEqual([]);
  });

  it('ships the SQLite rebuild worker, which is found at run time rather than imported', () => {
    expect(files()).toContain('dist/workers/sqliteRebuildWorker.js');
    expect(files()).toContain('dist/workers/sqliteRebuildWorker.cjs');
  });

  it('ships only dist/, docs/, the README, the CHANGELOG, the threat model, the licence and package.json', () => {
    const topLevel = ['README.md', 'CHANGELOG.md', 'THREAT_MODEL.md', 'LICENSE', 'package.json'];
    const others = files().filter(
      (path) => !path.startsWith('dist/') && !path.startsWith('docs/') && !topLevel.includes(path),
    );
    expect(others).toEqual([]);
    expect(files()).toEqual(expect.arrayContaining([...topLevel, 'docs/architecture.md']));
  });

  it('ships every file the README links to, so its links work in the installed package', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const linked = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)\s]*)?\)/g)]
      .map((match) => match[1] ?? '')
      .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
    expect(linked.length).toBeGreaterThan(0);
    expect([...new Set(linked)].filter((target) => !files().includes(target))).toEqual([]);
  });
});
