import { realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { ChartlogError } from '../../error/chartlogError.js';
import { translateSqliteError } from './translateSqliteError.js';

/** The one-writer guard of a store file, held from open to close. */
export interface WriterLock {
  /** The sidecar file whose lock is held: `<store>.lock`. */
  readonly lockPath: string;
  /** Lets the next writer in. Idempotent. */
  release(): void;
}

/**
 * Takes the store's writer lock, or fails at once: a store has one writer at a time, so a
 * second process recording into the same file (which would serve a stale chart and make
 * its own records fail with FORK) is refused before it writes anything.
 *
 * The lock is an exclusive SQLite lock on a sidecar file, `<store>.lock`, not on the store
 * itself: `locking_mode = EXCLUSIVE` on the store's WAL database would keep its readers
 * out too, and read-only openers (the CLI's status, verify, conflicts and replay) must
 * keep working next to a running server. It is an OS lock (POSIX `fcntl`), so it ends
 * with the process that holds it: a killed writer leaves no stale lock to clean up. The
 * file stays in place after close; deleting it while a writer runs would let a second one
 * in. The lock file is named after the store's real path, so a store reached through a
 * symbolic link or a relative path has the same one (a hard link does not). Like SQLite's
 * own locks it needs a local file system (not every network one honours them).
 *
 * @throws ChartlogError `STORE_LOCKED` naming the store's path when another writer holds
 *   it (another process, or another connection in this one); the store's own translated
 *   errors when the lock file cannot be created.
 */
export function acquireWriterLock(path: string): WriterLock {
  const lockPath = `${realPath(path)}.lock`;
  let db: Database.Database | undefined;
  try {
    db = new Database(lockPath, { timeout: 0 });
    // Exclusive locking mode keeps the lock the first write transaction takes until close.
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
  } catch (e) {
    db?.close();
    const driverCode = (e as { code?: unknown }).code;
    if (typeof driverCode === 'string' && driverCode.startsWith('SQLITE_BUSY')) {
      throw new ChartlogError(
        'STORE_LOCKED',
        `${path} is already open for writing (by another process, or another connection in this one): a store has one writer at a time. ` +
          'Stop the other writer, or open the store read-only (readOnly: true, as chartlog status, verify, conflicts and replay do).',
        { cause: e, details: { path, lockPath, action: 'open' } },
      );
    }
    throw translateSqliteError(e, path, `taking the writer lock (${lockPath})`);
  }
  const held = db;
  let released = false;
  return {
    lockPath,
    release() {
      if (released) return;
      released = true;
      held.close();
    },
  };
}

/** The file's path with symbolic links resolved; for a file not created yet, its directory's. */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(path)), basename(path));
    } catch {
      return path;
    }
  }
}
