import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/**
 * The layers of src/, lowest first (docs/architecture.md, "Layers"): a module may import from its own layer and
 * from any layer before it, never from one after it. The one place this order is written.
 *
 * - `error` is imported by every layer, so it comes first.
 * - `event → merge → chart → store → sync → replica` is the core, one way only.
 * - `sync/http` is the HTTP transport: it serves and drives a replica (status, forks,
 *   keyring), so it sits above `replica`, as the CLI does; the sync protocol itself
 *   (`sync/`) stays below.
 * - `fhir` (FHIR R4 records: the R4 definitions, rules per element, reading and writing
 *   resources; the `chartlog/fhir` subpath) sits on the core; `clinical` (the schema pack,
 *   FHIR R4 resources with its own rule choices and commands) and `testing` (helpers over
 *   replicas) sit on top of it, side by side; `index.ts` is the core's public entry and
 *   gathers them, as `adapter/index.ts` (the `chartlog/adapter` entry) does for store and transport authors; `cli` is the top.
 * - `workers` holds worker-thread entries (a SQLite rebuild's): each is an entry point
 *   like `index.ts` that may name the schema packs, and nothing imports it.
 *
 * A path belongs to the layer of its longest matching prefix (so `sync/http/x.ts` is in
 * `sync/http`, `sync/x.ts` in `sync`).
 */
const LAYERS: readonly (readonly string[])[] = [
  ['error'],
  ['event'],
  ['merge'],
  ['chart'],
  ['store'],
  ['sync'],
  ['replica'],
  ['sync/http'],
  ['fhir'],
  ['clinical', 'testing'],
  ['index.ts', 'adapter', 'workers'],
  ['cli'],
];

const layerPrefixes = LAYERS.flatMap((names, rank) => names.map((name) => ({ name, rank }))).sort(
  (a, b) => b.name.length - a.name.length,
);

function layerOf(path: string): { name: string; rank: number } {
  const found = layerPrefixes.find(({ name }) => path === name || path.startsWith(`${name}/`));
  if (found === undefined)
    throw new Error(
      `src/${path} is in no layer: add its folder to LAYERS in test/architecture/layers.test.ts`,
    );
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

// Static imports and re-exports (`import … from`, `export … from`, `import '…'`) and dynamic
// `import('…')`, type-only ones included: a type import couples layers as much as a value one.
const IMPORT = /(?:\b(?:import|export)\b[^;'"]*?\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;

/** Every relative import in src/ as `{ from, to }`, both relative to src/ with `/` separators. */
function relativeImports(): { from: string; to: string; specifier: string }[] {
  const toSrcPath = (absolute: string): string => relative(SRC, absolute).split(sep).join('/');
  return sourceFiles(SRC).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(IMPORT)]
      .map((match) => match[1] as string)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => ({
        from: toSrcPath(file),
        to: toSrcPath(resolve(dirname(file), specifier)).replace(/\.js$/, '.ts'),
        specifier,
      })),
  );
}

describe('architecture', () => {
  it('finds the imports it checks (the scan is not vacuous)', () => {
    const imports = relativeImports();
    expect(imports.length).toBeGreaterThan(500);
    expect(imports).toContainEqual({
      from: 'replica/replica.ts',
      to: 'chart/conflicts.ts',
      specifier: '../chart/conflicts.js',
    });
  });

  it('imports run one way: no module imports from a layer above its own', () => {
    const upward = relativeImports()
      .filter(({ from, to }) => layerOf(to).rank > layerOf(from).rank)
      .map(
        ({ from, specifier, to }) =>
          `src/${from} (${layerOf(from).name}) imports '${specifier}' (${layerOf(to).name})`,
      );
    expect(upward).toEqual([]);
  });
});
