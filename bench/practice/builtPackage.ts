/**
 * The package as built (`dist/`, what `npm install chartlog` gives a user), for
 * benchmarks that time what a user runs: built with tsup first when missing or older
 * than any source file, so a fresh clone and an edited tree both time the current code.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { progress } from '../emit.js';

/** The built `chartlog` CLI, the package's `bin`. */
const BIN = 'dist/cli/main.js';

/**
 * The tsconfig a practice worker runs under (`TSX_TSCONFIG_PATH`): the project's without
 * its `paths`, so `chartlog` and its subpaths resolve as the package exports them, to
 * `dist/`, instead of to `src/` as for type checks. Only the bench's own code is then
 * compiled by tsx; tsx also names every function it compiles (esbuild's `keepNames`),
 * which made a cold read's hundreds of getters twice as large as in the built package.
 */
export const BUILT_TSCONFIG = 'bench/practice/tsconfig.built.json';

/** Newest modification time of any file under `dir`, ms. */
function newestUnder(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  return newest;
}

// Checked once per benchmark run: every timing after the first uses the same build.
let checked = false;

/** Builds the package (`npx tsup`) when `dist/` is missing or older than `src/`. */
export function builtPackage(): void {
  if (checked) return;
  checked = true;
  if (!existsSync(BIN) || statSync(BIN).mtimeMs < newestUnder('src')) {
    progress(`building the package (tsup) for the timings: ${BIN} is missing or older than src/`);
    execFileSync('npx', ['tsup'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
}

/** The path of the built CLI, building the package first when it is missing or stale. */
export function builtCli(): string {
  builtPackage();
  return BIN;
}
