/**
 * Bringing a cached practice store to the page size chartlog now makes files with.
 */
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { SQLITE_PAGE_SIZE } from '../../src/store/sqlite/sqliteSchema.js';
import { progress } from '../emit.js';
import { freeBytes, gib, SPARE_BYTES } from './copyStore.js';

/**
 * Rewrites the store at `path` with {@link SQLITE_PAGE_SIZE} pages when it has others, and
 * returns the page size it ends with. A store cached before chartlog made its files with
 * 8 KiB pages has SQLite's 4 KiB, and measuring it would measure a file no fresh clone
 * makes; rebuilding it takes about 17 minutes at 5M, a VACUUM to the new size about 2 (the
 * rows are the same, so the store is what a build now writes). Refuses, changing nothing,
 * when the disk has not room for the VACUUM's copy and journal (twice the file, and 1 GiB).
 */
export function matchStorePageSize(path: string): number {
  const db = new Database(path);
  try {
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    if (pageSize === SQLITE_PAGE_SIZE) return pageSize;
    const needed = 2 * statSync(path).size + SPARE_BYTES;
    if (freeBytes(dirname(path)) < needed)
      throw new Error(
        `practice: ${path} has ${pageSize}-byte pages, and rewriting it with ${SQLITE_PAGE_SIZE} needs ` +
          `${gib(needed)} GiB free beside it: free some disk, or delete the store to rebuild it`,
      );
    progress(`practice: ${path} has ${pageSize}-byte pages; rewriting it with ${SQLITE_PAGE_SIZE} (VACUUM)…`);
    const t0 = performance.now();
    // The page size changes only in a VACUUM outside WAL mode.
    db.pragma('journal_mode = DELETE');
    db.pragma(`page_size = ${SQLITE_PAGE_SIZE}`);
    db.exec('VACUUM');
    db.pragma('journal_mode = WAL');
    progress(`practice: rewritten in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return db.pragma('page_size', { simple: true }) as number;
  } finally {
    db.close();
  }
}
