import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string): string => readFileSync(`${root}/${path}`, 'utf8');

describe('examples/site-from-files.ts', () => {
  it('is in the README verbatim, and loads two sites from their key and peers files and syncs them over HTTP', () => {
    expect(read('README.md')).toContain(read('examples/site-from-files.ts').trim());
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/site-from-files.ts'], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
    expect(out).toBe('1 true');
  });
});
