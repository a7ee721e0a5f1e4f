import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { ChartlogError } from '../../error/chartlogError.js';
import { canonicalJson } from '../../event/canonicalJson.js';
import type { ChartEvent } from '../../event/chartEvent.js';
import type { SiteHead } from '../../event/eventWriter.js';
import type { EventHash, SiteId, StreamId } from '../../event/ids.js';
import type { Json } from '../../event/json.js';
import { checkMarkerName } from '../markerName.js';
import {
  createProjector,
  type PendingProjection,
  type ProjectionRead,
  type Projector,
} from '../../chart/projector.js';
import { projectorView } from '../../chart/projectorView.js';
import { schemaFingerprint } from '../../merge/schemaFingerprint.js';
import { foldIntoProjection } from '../foldIntoProjection.js';
import type {
  ProjectionOpening,
  ProjectionProgress,
  RebuildParallelism,
  StoreProjection,
  StoreProjectionOptions,
  StoreRebuildOptions,
} from '../storeProjection.js';
import { rebuildInWorkers } from './rebuildInWorkers.js';
import { createSqliteProjectionTables } from './sqliteProjectionTables.js';
import { ABANDON_STORE, type AbandonableStore } from '../abandonStore.js';
import { planAppend, type AppendPlan } from '../checkAppend.js';
import type { AppendOptions, AppendResult, EventLog, EventPage, VersionVector } from '../eventLog.js';
import {
  checkFromSeq,
  checkLimit,
  DEFAULT_READ_ALL_LIMIT,
  formatPositionCursor,
  parsePositionCursor,
  storeClosed,
} from '../positionCursor.js';
import {
  corruptRow,
  decodeEventRow,
  EVENT_ROW_COLUMNS,
  EVENT_ROW_COLUMNS_V1,
  type DamagedSignatureReporter,
  type EventRow,
} from './decodeEventRow.js';
import { createDamageReporter } from '../damageReporter.js';
import { signatureCheck, signatureIntact } from '../signatureCheck.js';
import {
  checkSqliteIntegrity,
  inspectSqliteEventLog,
  migrateSqliteSchema,
  SQLITE_PAGE_SIZE,
} from './sqliteSchema.js';
import { createIdleCheckpoints } from './idleCheckpoints.js';
import { translateSqliteError } from './translateSqliteError.js';
import { acquireWriterLock, type WriterLock } from './writerLock.js';

/** Options for {@link openSqliteEventLog}. */
export interface SqliteEventLogOptions {
  /**
   * `full`: every acknowledged append is on disk (fsync per commit) and survives power
   * loss. `normal`: survives a process crash, but the last commits may be lost on power
   * loss; faster. @defaultValue `'full'`
   */
  readonly synchronous?: 'full' | 'normal';
  /**
   * How long a call waits for a SQLite lock another connection holds (a tool writing to
   * the file directly, a checkpoint) before `STORE_LOCKED`, in ms. A second writer does
   * not wait: see {@link openSqliteEventLog}. @defaultValue `5000`
   */
  readonly busyTimeoutMs?: number;
  /**
   * Open without write access: reads work, `append` and `putMarker` fail with `STORE_READ_ONLY`. The file
   * must exist.
   * @defaultValue `false`
   */
  readonly readOnly?: boolean;
  /** Largest canonical event accepted, in bytes. @defaultValue 1 MiB */
  readonly maxEventBytes?: number;
  /** Cap on the database file's size, in bytes: appends past it fail with `STORE_FULL`. @defaultValue no cap */
  readonly maxSizeBytes?: number;
  /** Check the whole file with SQLite's `quick_check` (or full `integrity_check`) before using it: O(file size). @defaultValue `'none'` */
  readonly integrityCheck?: 'none' | 'quick' | 'full';
}

/** Projection meta: the schema fingerprint it was folded with. */
const PROJECTION_SCHEMA = 'schema';
/** Projection meta: the highest event position (rowid) folded. */
const PROJECTION_CHECKPOINT = 'checkpoint';

/**
 * Worker threads a rebuild uses unless told (see `RebuildParallelism.workers`): as many as
 * the cores (at most 4), for a store of at least {@link AUTO_WORKERS_MIN_EVENTS} events.
 * Not one less: this thread blocks while the workers fold (it only writes their rows, a
 * fifth of the work), so a worker per core keeps every core busy. On the 2-core bench
 * machine (500k events, three interleaved rounds, bench/practice replay job) 1 worker took
 * a median 33.2 s and 2 workers 23.4 s (1.42×), at 276–280 and 398–401 MiB peak RSS with
 * each worker's young generation capped (`rebuildInWorkers`). More than 2 cores was never
 * measured.
 */
function defaultRebuildWorkers(total: number): number {
  return total >= AUTO_WORKERS_MIN_EVENTS ? Math.min(4, Math.max(1, availableParallelism())) : 0;
}

/** Below this many events a rebuild folds in its own thread unless told: starting workers costs more than it saves. */
const AUTO_WORKERS_MIN_EVENTS = 20_000;

function checkWorkers(workers: number): number {
  if (!Number.isSafeInteger(workers) || workers < 0)
    throw new ChartlogError('INVALID_OPTION', `workers must be an integer >= 0, got ${String(workers)}`, {
      details: { option: 'workers' },
    });
  return workers;
}

/** An {@link EventLog} in one SQLite file (docs/architecture.md, "Stores: the EventLog port"): the embedded default store. */
export interface SqliteEventLog extends EventLog {
  /** The database file. */
  readonly path: string;
  /** True when opened with `readOnly`. */
  readonly readOnly: boolean;
  /** The file's schema version. */
  readonly schemaVersion: number;
  /** Copies the write-ahead log into the main file and truncates it (e.g. before a file backup). */
  checkpoint(): Promise<void>;
  /**
   * Subscribes to damaged signatures found by reads (see {@link EventLog.onDamage});
   * returns the unsubscribe. While no one listens, each damaged row is reported once as
   * a Node process warning (code `CHARTLOG_STORE_CORRUPT`).
   */
  onDamage(listener: (damage: ChartlogError) => void): () => void;
  /** See {@link EventLog.putMarker}: kept in the `meta` table under `marker:<name>` (no schema change). */
  putMarker(name: string, value: Json | undefined): Promise<void>;
  /** See {@link EventLog.getMarker}. */
  getMarker(name: string): Promise<Json | undefined>;
  /**
   * See {@link EventLog.openProjection}: the projection lives in the same file, and every
   * append folds into it inside its own transaction once it is open. A read-only store
   * opens a projection only when it is current.
   * @throws ChartlogError `PROJECTION_STALE` (read-only, and the projection is missing,
   *   behind the events, or folded with another schema), `INVALID_OPTION` (a projection
   *   with another schema is already open on this connection).
   */
  openProjection(options: StoreProjectionOptions): Promise<StoreProjection>;
}

/**
 * Opens (creating if needed) a chartlog store in one SQLite file: WAL journal, fsync on
 * every commit by default, a versioned schema migrated on open, every batch in one
 * transaction, every row re-hashed (and its signature checked) on read.
 *
 * One writer per store: a writable open takes an exclusive lock on `<path>.lock` (kept
 * beside the store; it ends with the process, so a killed writer leaves nothing stale),
 * held until `close`. A second writable open, from any process, fails at once with
 * `STORE_LOCKED` naming the path; read-only opens (`readOnly: true`) take no lock and
 * read alongside the writer.
 *
 * The file is first inspected through a read-only connection: a file that is not a
 * chartlog store, was written by a newer schema, or is damaged is refused with a typed
 * error and left as it was (its bytes unchanged; for a WAL-mode file SQLite's read-only
 * connection may leave its usual empty `-wal`/`-shm` companions).
 *
 * @throws ChartlogError `STORE_INCOMPATIBLE`, `STORE_CORRUPT`, `STORE_UNAVAILABLE`,
 *   `STORE_READ_ONLY`, `STORE_LOCKED` or `INVALID_OPTION`, with `details.path`.
 *
 * @example
 * ```ts
 * import { openSqliteEventLog } from 'chartlog/sqlite';
 * const log = openSqliteEventLog('./practice-a.chartlog');
 * await log.append(writer.appendAll(drafts));
 * await log.close();
 * ```
 */
export function openSqliteEventLog(path: string, options: SqliteEventLogOptions = {}): SqliteEventLog {
  const opts = checkOptions(options);
  const info = inspectSqliteEventLog(path);
  if (info.kind === 'missing' && !existsSync(dirname(resolve(path))))
    throw new ChartlogError('STORE_UNAVAILABLE', `cannot create ${path}: its directory does not exist`, {
      details: { path },
    });
  if (info.kind === 'missing' && opts.readOnly)
    throw new ChartlogError(
      'STORE_UNAVAILABLE',
      `${path} does not exist (or is empty), and a read-only store cannot create it`,
      { details: { path } },
    );
  const lock = opts.readOnly ? undefined : acquireWriterLock(path);
  let db: Database.Database | undefined;
  try {
    db = new Database(path, {
      readonly: opts.readOnly,
      fileMustExist: opts.readOnly,
      timeout: opts.busyTimeoutMs,
    });
    if (opts.integrityCheck !== 'none') checkSqliteIntegrity(db, path, opts.integrityCheck);
    if (!opts.readOnly) {
      // Takes effect only in a file with no tables yet (a new store); any other keeps its own.
      db.pragma(`page_size = ${SQLITE_PAGE_SIZE}`);
      db.pragma('journal_mode = WAL');
    }
    db.pragma(`synchronous = ${opts.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    if (opts.maxSizeBytes !== undefined) {
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      db.pragma(`max_page_count = ${Math.max(1, Math.floor(opts.maxSizeBytes / pageSize))}`);
    }
    const schemaVersion = opts.readOnly ? info.schemaVersion : migrateSqliteSchema(db, path);
    return createSqliteEventLog(db, path, opts, schemaVersion, lock);
  } catch (e) {
    db?.close();
    lock?.release();
    throw translateSqliteError(e, path, 'open');
  }
}

type CheckedOptions = Required<Omit<SqliteEventLogOptions, 'maxSizeBytes' | 'maxEventBytes'>> &
  Pick<SqliteEventLogOptions, 'maxSizeBytes' | 'maxEventBytes'>;

function checkOptions(options: SqliteEventLogOptions): CheckedOptions {
  const bad = (name: string, value: unknown): never => {
    throw new ChartlogError(
      'INVALID_OPTION',
      `openSqliteEventLog: invalid ${name}: ${JSON.stringify(value)}`,
      { details: { option: name } },
    );
  };
  const synchronous = options.synchronous ?? 'full';
  if (synchronous !== 'full' && synchronous !== 'normal') bad('synchronous', synchronous);
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) bad('busyTimeoutMs', busyTimeoutMs);
  const integrityCheck = options.integrityCheck ?? 'none';
  if (!['none', 'quick', 'full'].includes(integrityCheck)) bad('integrityCheck', integrityCheck);
  if (
    options.maxSizeBytes !== undefined &&
    (!Number.isSafeInteger(options.maxSizeBytes) || options.maxSizeBytes < 1)
  )
    bad('maxSizeBytes', options.maxSizeBytes);
  return {
    synchronous,
    busyTimeoutMs,
    integrityCheck,
    readOnly: options.readOnly === true,
    ...(options.maxSizeBytes === undefined ? {} : { maxSizeBytes: options.maxSizeBytes }),
    ...(options.maxEventBytes === undefined ? {} : { maxEventBytes: options.maxEventBytes }),
  };
}

function createSqliteEventLog(
  db: Database.Database,
  path: string,
  opts: CheckedOptions,
  schemaVersion: number,
  lock: WriterLock | undefined,
): SqliteEventLog & AbandonableStore {
  // Only a read-only open leaves a file at schema version 1: no sig_check column to read or write.
  const checked = schemaVersion >= 2;
  const columns = checked ? EVENT_ROW_COLUMNS : EVENT_ROW_COLUMNS_V1;
  // Statements are prepared once and reused for the life of the connection.
  const insertEvent = checked
    ? db.prepare<[string, number, string, string, string, string, string | null, string | null]>(
        'INSERT INTO events (site, seq, stream, hlc, hash, body, sig, sig_check) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
    : undefined;
  // Only called for a row whose signature is missing or damaged (planAppend asks stored().signed).
  const setSig = checked
    ? db.prepare<[string, string, string, number]>(
        'UPDATE events SET sig = ?, sig_check = ? WHERE site = ? AND seq = ?',
      )
    : undefined;
  const upsertSite = db.prepare<[string, number, string]>(
    'INSERT INTO sites (site, seq, hash) VALUES (?, ?, ?) ON CONFLICT (site) DO UPDATE SET seq = excluded.seq, hash = excluded.hash',
  );
  const storedRef = db
    .prepare<[string, number], [string, string | null, string | null]>(
      `SELECT hash, sig, ${checked ? 'sig_check' : 'NULL'} FROM events WHERE site = ? AND seq = ?`,
    )
    .raw();
  const selectSite = db
    .prepare<[string, number, number], EventRow>(
      `SELECT ${columns} FROM events WHERE site = ? AND seq >= ? ORDER BY seq LIMIT ?`,
    )
    .raw();
  const selectStream = db
    .prepare<[string], EventRow>(`SELECT ${columns} FROM events WHERE stream = ? ORDER BY hlc, site, seq`)
    .raw();
  const selectAfter = db
    .prepare<[number, number], [number, ...EventRow]>(
      `SELECT pos, ${columns} FROM events WHERE pos > ? ORDER BY pos LIMIT ?`,
    )
    .raw();
  const selectOne = db
    .prepare<[string, number], EventRow>(`SELECT ${columns} FROM events WHERE site = ? AND seq = ?`)
    .raw();
  const selectCount = db.prepare<[], number>('SELECT count(*) FROM events').pluck();
  const selectCountAfter = db.prepare<[number], number>('SELECT count(*) FROM events WHERE pos > ?').pluck();
  const selectHeads = db.prepare<[], [string, number, string]>('SELECT site, seq, hash FROM sites').raw();
  const selectMaxSeq = db
    .prepare<[string], number | null>('SELECT max(seq) FROM events WHERE site = ?')
    .pluck();
  const putMeta = db.prepare<[string, string]>(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const deleteMeta = db.prepare<[string]>('DELETE FROM meta WHERE key = ?');
  const getMeta = db.prepare<[string], string>('SELECT value FROM meta WHERE key = ?').pluck();
  const selectDataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  const planOptions = opts.maxEventBytes === undefined ? {} : { maxEventBytes: opts.maxEventBytes };
  const selectMaxPos = db.prepare<[], number | null>('SELECT max(pos) FROM events').pluck();
  const selectStreams = db.prepare<[], string>('SELECT DISTINCT stream FROM events ORDER BY stream').pluck();
  // The projection folded by every append once openProjection attached it; `pending` carries
  // an append's folded rows from inside its transaction to after its commit.
  let attached:
    | {
        readonly projector: Projector;
        readonly tables: ReturnType<typeof createSqliteProjectionTables>;
        readonly fingerprint: string;
        readonly handle: StoreProjection;
      }
    | undefined;
  let pending: PendingProjection | undefined;

  // Per-site heads live in memory (the prev check needs one per event); they are
  // reloaded whenever another connection has committed (PRAGMA data_version moved).
  let heads = new Map<SiteId, SiteHead>();
  let dataVersion = -1;
  const refreshHeads = (): void => {
    const version = selectDataVersion.get() as number;
    if (version === dataVersion) return;
    const next = new Map<SiteId, SiteHead>();
    for (const [site, seq, hash] of selectHeads.all()) {
      const held = selectOne.get(site, seq);
      if (!held || held[4] !== hash)
        throw corruptRow(
          path,
          site,
          seq,
          "the site's recorded head is missing or differs from the stored event",
        );
      if (selectMaxSeq.get(site) !== seq)
        throw corruptRow(path, site, seq, 'events are stored past the recorded head');
      next.set(site as SiteId, { seq, hash: hash as EventHash });
    }
    heads = next;
    dataVersion = version;
  };
  refreshHeads();
  const headOf = (site: SiteId): SiteHead => heads.get(site) ?? { seq: 0, hash: null };

  // Damage reads worked around: listeners hear every find; with none, a process warning per row.
  const damage = createDamageReporter();
  const damagedSignature: DamagedSignatureReporter | undefined = checked
    ? (site, seq) => {
        const found = new ChartlogError(
          'STORE_CORRUPT',
          `${path}: the stored signature of ${site} seq ${seq} is damaged (it fails its checksum); the event is returned without it`,
          {
            details: { path, site, seq, part: 'sig' },
          },
        );
        damage.report(found, `${site}\u0000${seq}`);
      }
    : undefined;

  const appendTx = db.transaction(
    (events: readonly ChartEvent[], appendOptions: AppendOptions): AppendPlan => {
      if (insertEvent === undefined || setSig === undefined)
        throw new ChartlogError(
          'STORE_READ_ONLY',
          `append failed on ${path}: the store was opened read-only`,
          { details: { path, action: 'append' } },
        );
      refreshHeads();
      const plan = planAppend(
        events,
        {
          head: headOf,
          stored: (site, seq) => {
            const row = storedRef.get(site, seq);
            // A damaged signature counts as none, so the next signed copy replaces it.
            return (
              row && {
                hash: row[0] as EventHash,
                signed: row[1] !== null && signatureIntact(row[0], row[1], row[2]),
              }
            );
          },
        },
        { ...planOptions, ...appendOptions },
      );
      let lastPos = 0;
      for (const { event, hash, encoded } of plan.fresh) {
        const sig = event.sig ?? null;
        lastPos = Number(
          insertEvent.run(
            event.site,
            event.seq,
            event.stream,
            event.hlc,
            hash,
            encoded,
            sig,
            sig === null ? null : signatureCheck(hash, sig),
          ).lastInsertRowid,
        );
      }
      for (const { site, seq, sig } of plan.signatures) {
        const hash = (storedRef.get(site, seq) as [string, string | null, string | null])[0];
        setSig.run(sig, signatureCheck(hash, sig), site, seq);
      }
      for (const [site, head] of plan.heads) upsertSite.run(site, head.seq, head.hash as string);
      // The inline projection: folded in this transaction, so events and rows commit together.
      if (attached !== undefined && plan.fresh.length > 0) {
        pending = attached.projector.project(plan.fresh.map((f) => f.event));
        // The rows just inserted are the highest positions (pos is the rowid): no query needed.
        attached.tables.setMeta(PROJECTION_CHECKPOINT, String(lastPos));
      }
      return plan;
    },
  );

  // Read-only connections never write, so never checkpoint.
  const checkpoints = opts.readOnly ? undefined : createIdleCheckpoints(db);
  let closed = false;
  const guard = <T>(action: string, body: () => T): Promise<T> => {
    if (closed) return Promise.reject(storeClosed(`SQLite event log ${path}`));
    try {
      return Promise.resolve(body());
    } catch (e) {
      return Promise.reject(translateSqliteError(e, path, action));
    }
  };
  const decodeAll = (rows: readonly EventRow[]): ChartEvent[] => {
    const out = new Array<ChartEvent>(rows.length);
    for (let i = 0; i < rows.length; i++)
      out[i] = decodeEventRow(rows[i] as EventRow, path, 0, damagedSignature);
    return out;
  };

  return {
    path,
    readOnly: opts.readOnly,
    schemaVersion,
    append: (events, appendOptions = {}): Promise<AppendResult> =>
      guard('append', () => {
        if (opts.readOnly)
          throw new ChartlogError(
            'STORE_READ_ONLY',
            `append failed on ${path}: the store was opened read-only`,
            { details: { path, action: 'append' } },
          );
        pending = undefined;
        let plan: AppendPlan;
        try {
          plan = appendTx.immediate(events, appendOptions);
        } catch (e) {
          pending = undefined; // rolled back with the transaction: never shown
          throw e;
        }
        // Committed: only now do the in-memory heads and the projection's cache move.
        for (const [site, head] of plan.heads) heads.set(site, head);
        const folded = pending as PendingProjection | undefined;
        pending = undefined;
        folded?.commit();
        checkpoints?.afterWrite();
        return { appended: plan.fresh.length, duplicates: plan.duplicates };
      }),
    readSite: (site, fromSeq, limit) =>
      guard('readSite', () => decodeAll(selectSite.all(site, checkFromSeq(fromSeq), checkLimit(limit, -1)))),
    readStream: (stream) => guard('readStream', () => decodeAll(selectStream.all(stream))),
    readAll: (cursor, limit): Promise<EventPage> =>
      guard('readAll', () => {
        const from = parsePositionCursor(cursor);
        const n = checkLimit(limit, DEFAULT_READ_ALL_LIMIT);
        // One row more than asked tells whether this page reached the end.
        const rows = selectAfter.all(from, n + 1);
        const page = rows.length > n ? rows.slice(0, n) : rows;
        const events = new Array<ChartEvent>(page.length);
        for (let i = 0; i < page.length; i++)
          events[i] = decodeEventRow(page[i] as [number, ...EventRow], path, 1, damagedSignature);
        const last = page[page.length - 1];
        return { events, cursor: formatPositionCursor(last ? last[0] : from), done: rows.length <= n };
      }),
    get: (site, seq) =>
      guard('get', () => {
        if (!Number.isSafeInteger(seq) || seq < 1) return undefined;
        const row = selectOne.get(site, seq);
        return row && decodeEventRow(row, path, 0, damagedSignature);
      }),
    versionVector: (): Promise<VersionVector> =>
      guard('versionVector', () => {
        refreshHeads();
        const out: Record<string, number> = {};
        for (const [site, head] of heads) out[site] = head.seq;
        return out;
      }),
    head: (site) =>
      guard('head', () => {
        refreshHeads();
        return headOf(site);
      }),
    count: () => guard('count', () => selectCount.get() as number),
    putMarker: (name, value) =>
      guard('putMarker', () => {
        const key = `marker:${checkMarkerName(name)}`;
        if (opts.readOnly)
          throw new ChartlogError(
            'STORE_READ_ONLY',
            `putMarker failed on ${path}: the store was opened read-only`,
            { details: { path, action: 'putMarker' } },
          );
        if (value === undefined) deleteMeta.run(key);
        else putMeta.run(key, canonicalJson(value));
        checkpoints?.afterWrite();
      }),
    getMarker: (name) =>
      guard('getMarker', () => {
        const text = getMeta.get(`marker:${checkMarkerName(name)}`);
        if (text === undefined) return undefined;
        try {
          return JSON.parse(text) as Json;
        } catch {
          throw new ChartlogError('STORE_CORRUPT', `${path}: the marker ${name} is not JSON`, {
            details: { path, marker: name },
          });
        }
      }),
    openProjection: (options) =>
      guard('openProjection', () => {
        const fingerprint = schemaFingerprint(options.schema);
        if (options.workers !== undefined) checkWorkers(options.workers);
        if (attached !== undefined) {
          if (attached.fingerprint !== fingerprint)
            throw new ChartlogError(
              'INVALID_OPTION',
              `${path}: a projection with another schema is already open on this store`,
              { details: { path } },
            );
          return attached.handle;
        }
        const stale = (why: string): ChartlogError =>
          new ChartlogError(
            'PROJECTION_STALE',
            `${path}: ${why}, and the store is open read-only; open it for writing once (e.g. chartlog replay ` +
              `--store ${path}) to bring the projection up to date`,
            { details: { path } },
          );
        if (schemaVersion < 3)
          throw stale('the file has no projection yet (it was written by an earlier chartlog)');
        const tables = createSqliteProjectionTables(db, path);
        const projector = createProjector({
          schema: options.schema,
          tables,
          reader: { readStream: (stream) => decodeAll(selectStream.all(stream)) },
          ...(options.cacheBytes !== undefined ? { cacheBytes: options.cacheBytes } : {}),
          // A read-only connection does not see another process's writes coming, so a state
          // cannot be handed the rows they replace: it reads them all at once, in one read transaction.
          states: opts.readOnly ? 'whole' : 'lazy',
          // `read`, the store's guard, is declared below; a state's reads come only later.
          read: (action, body) => read(action, body),
        });
        const started = performance.now();
        const rebuild = (
          onProgress: ((p: ProjectionProgress) => void) | undefined,
          parallel: RebuildParallelism,
        ): { events: number; streams: number; workers?: number } => {
          if (opts.readOnly) throw stale('its projection must be rebuilt');
          const upTo = selectMaxPos.get() ?? 0;
          const total = selectCount.get() as number;
          const begin = (): void => {
            db.transaction(() => tables.clear()).immediate();
            projector.reset();
          };
          const workers =
            parallel.workers === undefined ? defaultRebuildWorkers(total) : checkWorkers(parallel.workers);
          let done: { events: number; streams: number; workers?: number } | undefined;
          if (workers > 0) {
            try {
              const folded = rebuildInWorkers({
                db,
                path,
                tables,
                fingerprint,
                workers,
                schemaModule: parallel.schemaModule,
                upTo,
                total,
                onProgress,
                damagedSignature,
                begin,
              });
              if (folded !== undefined) done = { ...folded, workers };
            } finally {
              // The rows were written past the projector: it reloads the digest, count and stamp from them.
              projector.reset();
            }
          }
          if (done === undefined) {
            begin();
            // Listed first (a connection cannot write while it iterates); each stream's events are read when folded.
            const list = selectStreams.all() as StreamId[];
            const groups = function* (): Generator<ChartEvent[]> {
              for (const stream of list) yield decodeAll(selectStream.all(stream));
            };
            done = {
              events: foldIntoProjection(projector, groups(), {
                phase: 'rebuild',
                total,
                onProgress,
                inTransaction: (write) => db.transaction(write).immediate(),
              }),
              streams: list.length,
            };
          }
          db.transaction(() => {
            tables.setMeta(PROJECTION_CHECKPOINT, String(upTo));
            tables.setMeta(PROJECTION_SCHEMA, fingerprint);
          }).immediate();
          return done;
        };
        const parallelOf = (given: RebuildParallelism): RebuildParallelism => {
          const workers = given.workers ?? options.workers;
          const schemaModule = given.schemaModule ?? options.schemaModule;
          return {
            ...(workers === undefined ? {} : { workers }),
            ...(schemaModule === undefined ? {} : { schemaModule }),
          };
        };
        let opening: ProjectionOpening;
        const checkpoint = Number(tables.meta(PROJECTION_CHECKPOINT) ?? '-1');
        const upTo = selectMaxPos.get() ?? 0;
        if (tables.meta(PROJECTION_SCHEMA) !== fingerprint) {
          if (opts.readOnly)
            throw stale(
              tables.meta(PROJECTION_SCHEMA) === undefined
                ? 'the store has no projection yet'
                : 'its projection was folded with another schema',
            );
          const { events, workers } = rebuild(options.onProgress, parallelOf({}));
          opening = {
            action: 'rebuilt',
            events,
            seconds: (performance.now() - started) / 1000,
            ...(workers === undefined ? {} : { workers }),
          };
        } else if (checkpoint < upTo) {
          if (opts.readOnly)
            throw stale(
              `its projection is behind the events (folded up to position ${checkpoint} of ${upTo})`,
            );
          let at = checkpoint;
          const pages = function* (): Generator<ChartEvent[]> {
            for (;;) {
              const rows = selectAfter.all(at, 5000);
              if (rows.length === 0) return;
              at = (rows[rows.length - 1] as [number, ...EventRow])[0];
              yield rows.map((r) => decodeEventRow(r, path, 1, damagedSignature));
            }
          };
          const total = (selectCountAfter.get(checkpoint) as number) ?? 0;
          const events = foldIntoProjection(projector, pages(), {
            phase: 'catch-up',
            total,
            onProgress: options.onProgress,
            inTransaction: (write) =>
              db
                .transaction(() => {
                  const folded = write();
                  tables.setMeta(PROJECTION_CHECKPOINT, String(at));
                  return folded;
                })
                .immediate(),
          });
          opening = { action: 'caught-up', events, seconds: (performance.now() - started) / 1000 };
        } else opening = { action: 'current', events: 0, seconds: (performance.now() - started) / 1000 };
        // Reads are synchronous, so they are guarded here rather than by `guard`. A read-only
        // connection sees another process's commits: when the file changed (data_version
        // moved) the cache is dropped, and each read runs in one read transaction, so a
        // stream's row and resources come from the same commit.
        let seenVersion = selectDataVersion.get() as number;
        const read: ProjectionRead = (action, body) => {
          if (closed) throw storeClosed(`SQLite event log ${path}`);
          try {
            if (!opts.readOnly) return body();
            return db.transaction(() => {
              const version = selectDataVersion.get() as number;
              if (version !== seenVersion) {
                projector.reset();
                seenVersion = version;
              }
              return body();
            })();
          } catch (e) {
            throw translateSqliteError(e, path, action);
          }
        };
        const handle = projectorView<StoreProjection>(
          projector,
          {
            opening,
            rebuild: (rebuildOptions: StoreRebuildOptions = {}) =>
              guard('rebuild', () => {
                const t0 = performance.now();
                const { events, streams, workers } = rebuild(
                  rebuildOptions.onProgress,
                  parallelOf(rebuildOptions),
                );
                return {
                  events,
                  streams,
                  seconds: (performance.now() - t0) / 1000,
                  ...(workers === undefined ? {} : { workers }),
                };
              }),
          },
          read,
        );
        if (!opts.readOnly) attached = { projector, tables, fingerprint, handle };
        return handle;
      }),
    checkpoint: () =>
      guard('checkpoint', () => {
        db.pragma('wal_checkpoint(TRUNCATE)');
      }),
    [ABANDON_STORE]: () => {
      // As if the process had died: nothing more is written, a checkpoint included.
      checkpoints?.stop();
      lock?.release();
    },
    onDamage: damage.onDamage,
    close: async () => {
      if (closed) return;
      closed = true;
      checkpoints?.stop();
      try {
        // Closing the last connection checkpoints the whole WAL and removes it (SQLite's own rule).
        db.close();
      } catch (e) {
        throw translateSqliteError(e, path, 'close');
      } finally {
        // After the store's connection, so the next writer never meets a half-closed one.
        lock?.release();
      }
    },
  };
}
