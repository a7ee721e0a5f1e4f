/**
 * A store file's SQLite page size, read and rewritten: for the tests of stores made before
 * chartlog used 8 KiB pages (test/store/sqliteSchema.test.ts, compactSqliteStore.test.ts).
 */
import Database from 'better-sqlite3';

/** The file's page size, read through a read-only connection. */
export function pageSizeOf(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma('page_size', { simple: true }) as number;
  } finally {
    db.close();
  }
}

/** Rewrites the file with `pageSize`-byte pages, as a store made with them (a VACUUM outside WAL mode, then WAL again). */
export function rewriteWithPageSize(path: string, pageSize: number): void {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = DELETE');
    db.pragma(`page_size = ${pageSize}`);
    db.exec('VACUUM');
    db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
}
