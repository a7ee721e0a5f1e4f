import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The worker entry's file name, without its extension (see tsup.config.ts and src/workers/). */
const ENTRY = 'sqliteRebuildWorker';

/**
 * The source of a rebuild worker thread (run with `eval`): it imports the worker entry,
 * and when that cannot load, says so to the main thread the way the entry would (a
 * `failed` message and a bump of the shared counter), for the main thread waits on that
 * counter and would never see the worker's `error` event.
 *
 * The built package has the entry at `dist/workers/sqliteRebuildWorker.js` (ESM, started
 * from the ESM and the CJS build alike: a worker's format need not match its caller's);
 * this module is bundled into `dist/*.js`, `dist/sqlite/*` or `dist/cli/*`, found by
 * `import.meta.url` (ESM) or `__filename` (CJS). Run from the TypeScript sources (vitest,
 * tsx) it is `src/workers/sqliteRebuildWorker.ts`, loaded through tsx, registered in the
 * thread itself (Node 20 ignores `--import` in a worker's `execArgv`, and tsx registers
 * its loader on the main thread only). Undefined when the entry cannot be found (a
 * bundler that left it behind): the caller rebuilds in its own thread.
 */
export function rebuildWorkerSource(): string | undefined {
  const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
  const fromSource = here.endsWith('.ts');
  const name = `${ENTRY}${fromSource ? '.ts' : '.js'}`;
  const dir = dirname(here);
  const file = [
    join(dir, 'workers', name),
    join(dir, '..', 'workers', name),
    join(dir, '..', '..', 'workers', name),
  ].find((f) => existsSync(f));
  if (file === undefined) return undefined;
  const entry = JSON.stringify(pathToFileURL(file).href);
  // tsx's ESM API, resolved from here (not from the working directory, which may be anywhere).
  const tsx = fromSource
    ? JSON.stringify(
        pathToFileURL(
          createRequire(here)
            .resolve('tsx/esm/api')
            .replace(/\.cjs$/, '.mjs'),
        ).href,
      )
    : undefined;
  return [
    "const { workerData } = require('node:worker_threads');",
    'const failed = (e) => {',
    "  const message = 'the worker thread could not start: ' + (e instanceof Error ? e.message : String(e));",
    "  workerData.port.postMessage({ type: 'failed', code: undefined, message, details: undefined });",
    '  const counters = new Int32Array(workerData.signal);',
    '  Atomics.add(counters, 0, 1);',
    '  Atomics.notify(counters, 0);',
    '};',
    `(async () => {${tsx === undefined ? '' : ` (await import(${tsx})).register();`} await import(${entry}); })().catch(failed);`,
  ].join('\n');
}
