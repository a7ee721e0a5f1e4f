import { existsSync, statSync } from 'node:fs';
import { ChartlogError, isChartlogError } from '../error/chartlogError.js';
// Type-only: the driver modules are loaded on demand below, so a missing better-sqlite3 is a clear error.
import type * as SqliteModule from '../store/sqlite/index.js';
import type { SqliteEventLog } from '../store/sqlite/index.js';

/** How long opening for writing waits for another writer's lock, in ms (the store's own default). */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens a SQLite store file for a command. better-sqlite3 is loaded only here, so
 * `chartlog --help` and `chartlog demo` work without it. Reading commands open the file
 * read-only and require it to exist (a typo must not create an empty store). Writing
 * commands first check that an existing store can really be written (a read-only file
 * opens without complaint and fails only at the first append), so `serve` fails before
 * it listens rather than answering every sync with an error. `update` writes a store that
 * must already exist (`replay` rebuilds one; a typo must not create an empty file).
 * @throws ChartlogError `STORE_UNAVAILABLE` (missing file, a directory, or better-sqlite3 not
 *   installed), `STORE_READ_ONLY`, `STORE_LOCKED` (saying to stop the `chartlog serve` that most
 *   likely holds the store) and the store's own errors.
 */
export async function openStoreFile(
  path: string,
  mode: 'read' | 'write' | 'update',
): Promise<SqliteEventLog> {
  if (mode !== 'write' && !existsSync(path))
    throw new ChartlogError('STORE_UNAVAILABLE', `${path} does not exist`, { details: { path } });
  if (isDirectory(path))
    throw new ChartlogError(
      'STORE_UNAVAILABLE',
      `${path} is a directory: --store names the store file, e.g. ${path.replace(/\/+$/, '')}/site.chartlog`,
      { details: { path } },
    );
  const [sqlite, probe] = await loadSqliteStore(() => import('../store/sqlite/probeSqliteWritable.js'));
  if (mode === 'read') return sqlite.openSqliteEventLog(path, { readOnly: true });
  try {
    if (sqlite.inspectSqliteEventLog(path).kind === 'chartlog')
      probe.probeSqliteWritable(path, BUSY_TIMEOUT_MS);
    return sqlite.openSqliteEventLog(path, { busyTimeoutMs: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw isChartlogError(error) && error.code === 'STORE_LOCKED' ? heldByAnotherWriter(path, error) : error;
  }
}

/**
 * The SQLite store module (`chartlog/sqlite`), and `also` beside it, loaded on demand: the
 * only place the CLI loads better-sqlite3, so commands that use no store work without it.
 * @throws ChartlogError `STORE_UNAVAILABLE` saying to install better-sqlite3 when it cannot load.
 */
export async function loadSqliteStore<T = undefined>(
  also: () => Promise<T> = async () => undefined as T,
): Promise<[typeof SqliteModule, T]> {
  try {
    return await Promise.all([import('../store/sqlite/index.js'), also()]);
  } catch (cause) {
    throw new ChartlogError(
      'STORE_UNAVAILABLE',
      `the SQLite store needs better-sqlite3: npm install better-sqlite3 (${(cause as Error).message.split('\n')[0]})`,
      { cause },
    );
  }
}

/** STORE_LOCKED as an operator reads it: the other writer is most likely a `chartlog serve` on the store. */
export function heldByAnotherWriter(path: string, cause: ChartlogError): ChartlogError {
  return new ChartlogError(
    'STORE_LOCKED',
    `${path} is open for writing in another process, most likely a chartlog serve on this store: a store ` +
      'has one writer at a time, so stop chartlog serve on this store first, then run this command again ' +
      '(status, conflicts and verify read a store next to a running serve)',
    { cause, details: cause.details },
  );
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // missing or unreadable: the store's open says which
  }
}
