import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { ProjectionTables } from '../../chart/projectionTables.js';
import { ChartlogError, isChartlogError } from '../../error/chartlogError.js';
import { hashCanonical } from '../../event/eventHash.js';
import { createIdleCheckpoints } from './idleCheckpoints.js';
import { createSqliteProjectionTables } from './sqliteProjectionTables.js';
import { PROJECTION_RESOURCE_INDEX_SQL, PROJECTION_TABLES_SQL, SQLITE_PAGE_SIZE } from './sqliteSchema.js';
import { translateSqliteError } from './translateSqliteError.js';
import { acquireWriterLock, type WriterLock } from './writerLock.js';

/** The `format` recorded in a local projection file's `local_meta` table. */
export const SQLITE_PROJECTION_FILE_FORMAT = 'chartlog.eventstoredb-projection';
/** SQLite `application_id` of local projection files ('CHLP'), distinct from a store's ('CHLG'). */
export const SQLITE_PROJECTION_FILE_APPLICATION_ID = 0x43484c50;

/** Where the eventstoredb store's read model keeps its rows: a local SQLite file, or memory. */
export interface SqliteProjectionFile {
  /** The file, or undefined in memory. */
  readonly path: string | undefined;
  /** The projection's rows; a damaged row read is `STORE_CORRUPT` naming the file. */
  readonly tables: ProjectionTables;
  /** Runs `write` in one local transaction (memory: just runs it). */
  transact<T>(write: () => T): T;
  /** Closes the file and releases its lock. Idempotent. */
  close(): void;
}

/**
 * Opens (creating if needed) the local SQLite file of the eventstoredb store's read
 * model (`projectionFile`). The file holds the projection's
 * tables (as a SQLite store holds them) and a `local_meta` table naming its format, the
 * store prefix it belongs to and the layout of its tables. It is taken with a writer
 * lock (`<file>.lock`): two processes folding into one file would fold events twice.
 *
 * A file with another table layout (an older chartlog) is emptied and rebuilt: it is a
 * cache of the database. A file of the layout before the resource-key index gets the
 * index, built from its rows, and keeps them. A file that is not one of these (not SQLite, another format,
 * another prefix) is refused and left as it was: it may be someone's data.
 *
 * @throws ChartlogError `STORE_INCOMPATIBLE` (not a projection file, or another prefix's),
 *   `STORE_CORRUPT` (SQLite finds it damaged), `STORE_LOCKED`, `STORE_UNAVAILABLE`, each
 *   with `details.path` and a hint.
 */
export function openSqliteProjectionFile(path: string, prefix: string): SqliteProjectionFile {
  if (!existsSync(dirname(resolve(path))))
    throw new ChartlogError(
      'STORE_UNAVAILABLE',
      `cannot create the projection file ${path}: its directory does not exist`,
      { details: { path } },
    );
  const refuse = (why: string): ChartlogError =>
    new ChartlogError(
      'STORE_INCOMPATIBLE',
      `${path} is not usable as this store's projection file: ${why}. It was left as it was; set ` +
        'projectionFile to another path (or move this file away)',
      { details: { path, prefix } },
    );
  if (existsSync(path) && statSync(path).size > 0 && !isSqliteFile(path))
    throw refuse('it is not a SQLite database');
  let lock: WriterLock | undefined;
  let db: Database.Database | undefined;
  try {
    lock = acquireWriterLock(path);
    db = new Database(path);
    // Takes effect only in a new file; an existing one keeps its own.
    db.pragma(`page_size = ${SQLITE_PAGE_SIZE}`);
    db.pragma('journal_mode = WAL');
    // A lost last commit is caught up again from EventStoreDB: the file is a cache of it.
    db.pragma('synchronous = NORMAL');
    prepareFile(db, prefix, refuse);
    const conn = db;
    const tables = withHint(createSqliteProjectionTables(conn, path), path);
    // As the SQLite store's own: a catch-up's commit never pays for copying the WAL back.
    const checkpoints = createIdleCheckpoints(conn);
    let closed = false;
    const held = lock;
    return {
      path,
      tables,
      transact: (write) => {
        const result = conn.transaction(write).immediate();
        checkpoints.afterWrite();
        return result;
      },
      close() {
        if (closed) return;
        closed = true;
        checkpoints.stop();
        conn.close();
        held.release();
      },
    };
  } catch (error) {
    db?.close();
    lock?.release();
    throw translateSqliteError(error, path, 'opening the projection file');
  }
}

const LAYOUT_SQL = PROJECTION_TABLES_SQL + PROJECTION_RESOURCE_INDEX_SQL;
const LAYOUT = hashCanonical(LAYOUT_SQL);
/** The layout before the resource-key index: upgraded in place (the index is built from the rows), not rebuilt. */
const LAYOUT_WITHOUT_INDEX = hashCanonical(PROJECTION_TABLES_SQL);

/** Creates the tables in an empty file; checks an existing one is ours; re-creates tables of another layout. */
function prepareFile(db: Database.Database, prefix: string, refuse: (why: string) => ChartlogError): void {
  db.transaction(() => {
    const tables = new Set(
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[],
    );
    if (tables.size === 0) {
      db.exec('CREATE TABLE local_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;');
      db.exec(LAYOUT_SQL);
      const insert = db.prepare(
        'INSERT INTO local_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      );
      insert.run('format', SQLITE_PROJECTION_FILE_FORMAT);
      insert.run('prefix', prefix);
      insert.run('layout', LAYOUT);
      db.pragma(`application_id = ${SQLITE_PROJECTION_FILE_APPLICATION_ID}`);
      return;
    }
    if (!tables.has('local_meta'))
      throw refuse(
        tables.has('events')
          ? 'it is a chartlog SQLite store, not a projection file'
          : 'it has tables but no local_meta table',
      );
    const meta = new Map(db.prepare('SELECT key, value FROM local_meta').raw().all() as [string, string][]);
    if (meta.get('format') !== SQLITE_PROJECTION_FILE_FORMAT)
      throw refuse(
        `its format is ${JSON.stringify(meta.get('format') ?? null)}, not ${SQLITE_PROJECTION_FILE_FORMAT}`,
      );
    if (meta.get('prefix') !== prefix)
      throw refuse(
        `it holds the projection of the store with prefix ${JSON.stringify(meta.get('prefix') ?? null)}, not ${JSON.stringify(prefix)}`,
      );
    if (meta.get('layout') === LAYOUT_WITHOUT_INDEX) {
      db.exec(PROJECTION_RESOURCE_INDEX_SQL);
      db.prepare("UPDATE local_meta SET value = ? WHERE key = 'layout'").run(LAYOUT);
    } else if (meta.get('layout') !== LAYOUT) {
      // Written by a chartlog with other projection tables: a cache, so start it afresh.
      db.exec(
        'DROP TABLE IF EXISTS projection_streams; DROP TABLE IF EXISTS projection_resources; DROP TABLE IF EXISTS projection_meta;',
      );
      db.exec(LAYOUT_SQL);
      db.prepare("UPDATE local_meta SET value = ? WHERE key = 'layout'").run(LAYOUT);
    }
  }).immediate();
}

function isSqliteFile(path: string): boolean {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      db.prepare('SELECT count(*) FROM sqlite_master').get();
      return true;
    } finally {
      db.close();
    }
  } catch (error) {
    if ((error as { code?: unknown }).code === 'SQLITE_NOTADB') return false;
    throw translateSqliteError(error, path, 'opening the projection file');
  }
}

/** The SQLite tables' damage errors, with the hint that fits a read model of EventStoreDB. */
function withHint(tables: ProjectionTables, path: string): ProjectionTables {
  const hinted =
    <A extends unknown[], R>(read: (...args: A) => R) =>
    (...args: A): R => {
      try {
        return read(...args);
      } catch (error) {
        if (!isChartlogError(error) || error.code !== 'STORE_CORRUPT') throw error;
        throw new ChartlogError(
          'STORE_CORRUPT',
          `${path}: the local projection of ${String(error.details['stream'] ?? 'a stream')} is damaged (a row fails its hash check). ` +
            "It is a read model of EventStoreDB: call the projection's rebuild(), or delete the file and open " +
            'the projection again, to fold it afresh from the events',
          { cause: error, details: { ...error.details, path } },
        );
      }
    };
  return { ...tables, stream: hinted(tables.stream), resources: hinted(tables.resources) };
}
