import { existsSync } from 'node:fs';
import { ChartlogError } from '../error/chartlogError.js';
import type { SqliteEventLog } from '../store/sqlite/index.js';

/**
 * Opens a SQLite store file for a command. better-sqlite3 is loaded only here, so
 * `chartlog --help` and `chartlog demo` work without it. Reading commands open the file
 * read-only and require it to exist (a typo must not create an empty store).
 * @throws ChartlogError `STORE_UNAVAILABLE` (missing file, or better-sqlite3 not installed) and the store's own errors.
 */
export async function openStoreFile(path: string, mode: 'read' | 'write'): Promise<SqliteEventLog> {
  if (mode === 'read' && !existsSync(path)) throw new ChartlogError('STORE_UNAVAILABLE', `${path} does not exist`, { details: { path } });
  let sqlite: typeof import('../store/sqlite/index.js');
  try {
    sqlite = await import('../store/sqlite/index.js');
  } catch (cause) {
    throw new ChartlogError('STORE_UNAVAILABLE', `the SQLite store needs better-sqlite3: npm install better-sqlite3 (${(cause as Error).message.split('\n')[0]})`, { cause });
  }
  return sqlite.openSqliteEventLog(path, mode === 'read' ? { readOnly: true } : {});
}
