import Database from 'better-sqlite3';
import { translateSqliteError } from './translateSqliteError.js';

/**
 * Checks that an existing SQLite file can take a write right now, without changing it:
 * opens its own connection, starts a write transaction, writes (a table created and
 * rolled back) and closes. SQLite opens a file it may not write read-only without a word
 * (and takes a write lock on it happily), so only a real write finds out; a server
 * should learn this before it listens, not at its first sync.
 *
 * @throws ChartlogError `STORE_READ_ONLY` (file or directory permissions, a read-only
 *   mount), `STORE_LOCKED` (another writer held the lock past `busyTimeoutMs`), with `details.path`.
 * @example
 * ```ts
 * probeSqliteWritable('practice-a.chartlog', 5000);
 * ```
 */
export function probeSqliteWritable(path: string, busyTimeoutMs: number): void {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { fileMustExist: true, timeout: busyTimeoutMs });
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec('CREATE TABLE chartlog_write_probe (x)');
    } finally {
      db.exec('ROLLBACK');
    }
  } catch (e) {
    throw translateSqliteError(e, path, 'open for writing');
  } finally {
    db?.close();
  }
}
