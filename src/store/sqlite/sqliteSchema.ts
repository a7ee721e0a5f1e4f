import { closeSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ChartlogError } from '../../error/chartlogError.js';
import { translateSqliteError } from './translateSqliteError.js';

/** The `format` recorded in every chartlog SQLite file's `meta` table. */
export const SQLITE_STORE_FORMAT = 'chartlog.eventlog';
/** The schema version this build writes and reads; older files it can read are migrated on open. */
export const SQLITE_SCHEMA_VERSION = 4;
/**
 * The oldest schema version this build opens. Files of version 1 hold events whose ids
 * were random, from before ids were derived from the event's content (docs/architecture.md,
 * "Event identity"): ids are inside every hash, chain and signature, so such events
 * cannot be converted, and this build refuses the file rather than read it as damaged.
 */
export const SQLITE_OLDEST_READABLE_VERSION = 2;
/**
 * The page size, in bytes, of the SQLite files chartlog creates (stores and EventStoreDB
 * projection files). A file keeps the size it was created with; an older file with
 * SQLite's default 4096 is read and written as it is. A projection row (a resource's
 * canonical JSON, its hash and per-field write keys) is about 2.5 KB, so a 4 KiB page held
 * one and left the rest empty. The practice stores, each VACUUMed to both sizes: 500k
 * 1.71 → 1.34 GB, its rebuild 12.2–12.9 s at 4 KiB and 10.8–12.0 s at 8 KiB (alternating
 * runs; 16 KiB: 1.29 GB, 11.1–11.8 s), durable record and cold read p99 unchanged; 5M
 * 17.3 → 13.5 GB, its three-site catch-up 23.6 s at 4 KiB and 17.0–19.1 s at 8 KiB.
 */
export const SQLITE_PAGE_SIZE = 8192;

/** SQLite `application_id` of chartlog stores ('CHLG'), so `file(1)` and tools can tell them apart. */
export const SQLITE_APPLICATION_ID = 0x43484c47;

/**
 * The projection's tables (`projection_streams`, `projection_resources`, `projection_meta`)
 * as schema version 3 creates them: in a store's own file, and in the local projection
 * file of the eventstoredb store (see `openSqliteProjectionFile`).
 */
export const PROJECTION_TABLES_SQL = `
      -- Written in the same transaction as the events they fold (sqliteEventLog.ts, createProjector).
      CREATE TABLE projection_streams (
        stream     TEXT PRIMARY KEY,
        events     INTEGER NOT NULL,
        digest     TEXT    NOT NULL,
        hash       TEXT    NOT NULL,
        conflicts  TEXT    NOT NULL,
        retracted  TEXT    NOT NULL,
        conflicted INTEGER NOT NULL
      );
      -- The conflict index: only streams with an open conflict are in it.
      CREATE INDEX projection_conflicted ON projection_streams (stream) WHERE conflicted = 1;
      -- body is the resource's canonical JSON, hash its SHA-256 (checked on read), last the key of each field's last folded write.
      -- A rowid table, not WITHOUT ROWID: rows of a kilobyte or more would overflow its pages.
      CREATE TABLE projection_resources (
        id       INTEGER PRIMARY KEY,
        stream   TEXT NOT NULL,
        resource TEXT NOT NULL,
        body     TEXT NOT NULL,
        hash     TEXT NOT NULL,
        last     TEXT NOT NULL
      );
      CREATE UNIQUE INDEX projection_resources_key ON projection_resources (stream, resource);
      CREATE TABLE projection_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
`;

/**
 * The resource-key index of the projection (schema version 4): which streams hold a
 * resource `<Type>/<id>` (`ChartView.locate`), and a type's resources in key order
 * (`ChartView.resourceKeys`, a range scan from `<Type>/` to `<Type>0`). It holds the
 * stream too, so both read the index alone, never a row and its body. Kept by SQLite as
 * rows are written and deleted, so a resource deleted from a stream's state leaves it.
 */
export const PROJECTION_RESOURCE_INDEX_SQL = `
      CREATE INDEX projection_resources_resource ON projection_resources (resource, stream);
`;

/** One step of the schema: applied in a write transaction, in order, exactly once. */
interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

// Append-only: a released migration is never edited, a change is a new step.
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description:
      'events with (site, seq), stream total-order and insertion-order indexes; site heads; snapshots',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      -- pos is the rowid: local insertion order, the readAll cursor.
      CREATE TABLE events (
        pos    INTEGER PRIMARY KEY,
        site   TEXT    NOT NULL,
        seq    INTEGER NOT NULL,
        stream TEXT    NOT NULL,
        hlc    TEXT    NOT NULL,
        hash   TEXT    NOT NULL,
        body   TEXT    NOT NULL,
        sig    TEXT
      );
      CREATE UNIQUE INDEX events_site_seq ON events (site, seq);
      CREATE INDEX events_stream_order ON events (stream, hlc, site, seq);
      -- Where each site's chain ends; written in the same transaction as its events.
      CREATE TABLE sites (site TEXT PRIMARY KEY, seq INTEGER NOT NULL, hash TEXT NOT NULL) WITHOUT ROWID;
      -- body is the snapshot's canonical JSON, hash its SHA-256, checked on every read.
      CREATE TABLE snapshots (stream TEXT PRIMARY KEY, hash TEXT NOT NULL, body TEXT NOT NULL) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    description: 'sig_check: a checksum of each stored signature, checked on every read',
    sql: `
      -- SHA-256 of (hash, sig) for a signed row, NULL for an unsigned one (see signatureCheck.ts).
      ALTER TABLE events ADD COLUMN sig_check TEXT;
    `,
  },
  {
    version: 3,
    description:
      'the persisted projection: per stream its row, per resource its folded state, and the projection ' +
      'meta (schema fingerprint, checkpoint, digest sum)',
    sql: PROJECTION_TABLES_SQL,
  },
  {
    version: 4,
    description:
      "the resource-key index of the projection: the streams holding each resource, and each type's resources in key order",
    sql: PROJECTION_RESOURCE_INDEX_SQL,
  },
];

/** What {@link inspectSqliteEventLog} found at a path. */
export interface SqliteStoreInfo {
  /** `missing`: no file (or an empty one); `chartlog`: a store this build can open. */
  readonly kind: 'missing' | 'chartlog';
  /** The file's schema version (0 when missing). */
  readonly schemaVersion: number;
}

const SQLITE_MAGIC = 'SQLite format 3\u0000';

/**
 * Looks at a file without changing it (read-only connection, no writes, no migration)
 * and says whether {@link openSqliteEventLog} may open it.
 *
 * @throws ChartlogError `STORE_INCOMPATIBLE` when the file is not a chartlog store or was
 *   written by a newer schema or one older than {@link SQLITE_OLDEST_READABLE_VERSION}; `STORE_CORRUPT` when SQLite finds it damaged;
 *   `STORE_UNAVAILABLE` when it cannot be read.
 */
export function inspectSqliteEventLog(path: string): SqliteStoreInfo {
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory())
      throw new ChartlogError('STORE_UNAVAILABLE', `${path} is a directory, not a store file`, {
        details: { path },
      });
    size = stat.size;
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return { kind: 'missing', schemaVersion: 0 };
    throw translateSqliteError(e, path, 'inspect');
  }
  if (size === 0) return { kind: 'missing', schemaVersion: 0 };
  const header = readHeader(path);
  if (header !== SQLITE_MAGIC)
    throw new ChartlogError('STORE_INCOMPATIBLE', `${path} is not a chartlog store: not a SQLite database`, {
      details: { path },
    });
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const tables = new Set(
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[],
    );
    if (tables.size === 0) return { kind: 'missing', schemaVersion: 0 };
    if (!tables.has('meta')) throw incompatible(path, 'it has tables but no chartlog meta table');
    const meta = new Map(db.prepare('SELECT key, value FROM meta').raw().all() as [string, string][]);
    if (meta.get('format') !== SQLITE_STORE_FORMAT)
      throw incompatible(
        path,
        `its format is ${JSON.stringify(meta.get('format') ?? null)}, not ${SQLITE_STORE_FORMAT}`,
      );
    const version = Number(meta.get('schema_version'));
    if (!Number.isSafeInteger(version) || version < 1)
      throw new ChartlogError(
        'STORE_CORRUPT',
        `${path}: unreadable schema version ${JSON.stringify(meta.get('schema_version') ?? null)}`,
        { details: { path } },
      );
    if (version < SQLITE_OLDEST_READABLE_VERSION) throw tooOld(path, version);
    if (version > SQLITE_SCHEMA_VERSION) {
      throw new ChartlogError(
        'STORE_INCOMPATIBLE',
        `${path} was written by a newer chartlog (schema version ${version}; this build reads up to ` +
          `${SQLITE_SCHEMA_VERSION}): upgrade chartlog to open it`,
        {
          details: { path, schemaVersion: version, supportedVersion: SQLITE_SCHEMA_VERSION },
        },
      );
    }
    return { kind: 'chartlog', schemaVersion: version };
  } catch (e) {
    throw translateSqliteError(e, path, 'inspect');
  } finally {
    db?.close();
  }
}

/** Runs the integrity check SQLite offers, read-only. @throws ChartlogError `STORE_CORRUPT` listing what it found. */
export function checkSqliteIntegrity(db: Database.Database, path: string, mode: 'quick' | 'full'): void {
  const found = db.pragma(mode === 'quick' ? 'quick_check(20)' : 'integrity_check(20)', {
    simple: false,
  }) as { [k: string]: string }[];
  const problems = found.map((row) => Object.values(row)[0] as string).filter((m) => m !== 'ok');
  if (problems.length > 0)
    throw new ChartlogError(
      'STORE_CORRUPT',
      `${path} failed SQLite's ${mode} check: ${problems.slice(0, 3).join('; ')}`,
      { details: { path, problems } },
    );
}

/**
 * Brings a writable connection's schema to {@link SQLITE_SCHEMA_VERSION}, in one write
 * transaction (re-reading the version under the lock, in case another process migrated).
 */
export function migrateSqliteSchema(db: Database.Database, path: string): number {
  return db
    .transaction(() => {
      const hasMeta =
        db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get() !== undefined;
      const from = hasMeta
        ? Number(
            (db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get() as
              string | undefined) ?? 0,
          )
        : 0;
      if (from > SQLITE_SCHEMA_VERSION)
        throw incompatible(path, `schema version ${from} is newer than ${SQLITE_SCHEMA_VERSION}`);
      if (from > 0 && from < SQLITE_OLDEST_READABLE_VERSION) throw tooOld(path, from);
      for (const step of MIGRATIONS) {
        if (step.version <= from) continue;
        db.exec(step.sql);
        if (step.version === 1) {
          db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('format', SQLITE_STORE_FORMAT);
          db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(
            'created_at',
            new Date().toISOString(),
          );
        }
        db.prepare(
          "INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        ).run(String(step.version));
      }
      if (from < SQLITE_SCHEMA_VERSION) {
        db.pragma(`application_id = ${SQLITE_APPLICATION_ID}`);
        db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION}`);
      }
      return SQLITE_SCHEMA_VERSION;
    })
    .immediate();
}

function tooOld(path: string, version: number): ChartlogError {
  return new ChartlogError(
    'STORE_INCOMPATIBLE',
    `${path} was written by an earlier chartlog (schema version ${version}), whose event ids were ` +
      `random: this build derives every id from its event's content and cannot read those events. Keep the ` +
      'file, and start this site on a new store',
    { details: { path, schemaVersion: version, oldestReadableVersion: SQLITE_OLDEST_READABLE_VERSION } },
  );
}

function incompatible(path: string, why: string): ChartlogError {
  return new ChartlogError('STORE_INCOMPATIBLE', `${path} is not a chartlog store: ${why}`, {
    details: { path },
  });
}

function readHeader(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    return buf.subarray(0, n).toString('latin1');
  } finally {
    closeSync(fd);
  }
}
