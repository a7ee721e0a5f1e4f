/**
 * The built `chartlog` CLI (`dist/cli/main.js`, the package's `bin`), for benchmarks that
 * time what a user runs: built with tsup first when missing or older than any source file,
 * so a fresh clone and an edited tree both time the current code.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { progress } from '../emit.js';

const BIN = 'dist/cli/main.js';

/** Newest modification time of any file under `dir`, ms. */
function newestUnder(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  return newest;
}

// Checked once per benchmark run: every CLI timing after the first uses the same build.
let checked = false;

/** The path of the built CLI, building the package (`npx tsup`) when it is missing or stale. */
export function builtCli(): string {
  if (checked) return BIN;
  checked = true;
  if (!existsSync(BIN) || statSync(BIN).mtimeMs < newestUnder('src')) {
    progress(`building the package (tsup) for the CLI timings: ${BIN} is missing or older than src/`);
    execFileSync('npx', ['tsup'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return BIN;
}
