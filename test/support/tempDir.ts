import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A temporary directory removed after the test file; returns a function naming files in it. */
export function useTempDir(prefix: string): (name: string) => string {
  const dir = mkdtempSync(join(tmpdir(), `chartlog-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return (name) => join(dir, name);
}
