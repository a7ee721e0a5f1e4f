import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import {
  addTerm,
  digestTerm,
  EMPTY_DIGEST_SUM,
  formatDigestSum,
  parseDigestSum,
} from '../../chart/digestSum.js';
import { PROJECTION_META } from '../../chart/projector.js';
import { streamDigestItem } from '../../chart/stateHash.js';
import { ChartlogError, type ChartlogErrorCode } from '../../error/chartlogError.js';
import type { StreamId } from '../../event/ids.js';
import { progressAt } from '../progressAt.js';
import type { ProjectionProgress, SchemaModule } from '../storeProjection.js';
import type { DamagedSignatureReporter } from './decodeEventRow.js';
import { rebuildWorkerSource } from './rebuildWorkerSource.js';
import type { FromRebuildWorker, RebuildWorkerData, ToRebuildWorker } from './rebuildWorkerProtocol.js';
import type { SqliteProjectionTables } from './sqliteProjectionTables.js';

/** Options for {@link rebuildInWorkers}. */
export interface RebuildInWorkersOptions {
  /** The store's own (writing) connection: the rows are written through it. */
  readonly db: Database.Database;
  /** The store file, which every worker opens read-only. */
  readonly path: string;
  /** The projection's tables on `db`. */
  readonly tables: SqliteProjectionTables;
  /** The fingerprint of the schema the projection folds with: every worker's must be this. */
  readonly fingerprint: string;
  /** Worker threads to start (at least 1). */
  readonly workers: number;
  /** Where the workers import the schema from; undefined: among the schemas they know built in. */
  readonly schemaModule: SchemaModule | undefined;
  /** The highest event position to fold (the checkpoint the rebuild will record). */
  readonly upTo: number;
  /** Events at or below `upTo`, for progress. */
  readonly total: number;
  /** Called after every transaction of rows. */
  readonly onProgress: ((progress: ProjectionProgress) => void) | undefined;
  /** Told of each damaged signature a worker read past (as the store's own reads tell it). */
  readonly damagedSignature: DamagedSignatureReporter | undefined;
  /** Called once every worker holds the schema, before the first row is written: empties the projection. */
  readonly begin: () => void;
  /** Events per write transaction. @defaultValue `20000` */
  readonly batchEvents?: number;
}

/** Most events per task handed to a worker: small enough to keep memory bounded, big enough to keep messages few. */
const TASK_EVENTS = 2000;
/** Tasks per worker at least, on a small store: so the streams are shared out, not all handed to the first worker. */
const MIN_TASKS_PER_WORKER = 8;
/** Tasks a worker holds at once: one it folds, one waiting, so it never idles on the main thread. */
const TASKS_PER_WORKER = 2;
/** A worker that neither posts nor finishes a stream for this long has died without a word (an out-of-memory kill). */
const STALL_MS = 120_000;
/**
 * The workers' young generations together, in MiB, shared out evenly (at least
 * {@link MIN_WORKER_YOUNG_GENERATION_MB} each). A worker that folds makes mostly
 * short-lived objects, so a small young generation is collected over and over: on the
 * 500k practice store with 2 workers (bench/practice replay job, alternating runs) 8 MiB
 * each took 15.5–15.7 s at 333–386 MiB peak RSS, 16 MiB 14.0–14.5 s, 32 MiB 12.7–13.3 s
 * at 358–391 MiB, and 64 MiB 12.3–12.5 s at 420–426 MiB. A total, not a size per worker,
 * so more cores do not take the rebuild past its memory goal (512 MiB). Only the young
 * generation: a task's survivors move to the old one, which is not capped, so a large
 * stream never runs a worker out of memory.
 */
const WORKERS_YOUNG_GENERATION_MB = 64;
/** The least young generation a worker gets, in MiB (what every worker had before {@link WORKERS_YOUNG_GENERATION_MB}). */
const MIN_WORKER_YOUNG_GENERATION_MB = 8;

interface Slot {
  readonly worker: Worker;
  readonly port: MessagePort;
  outstanding: number;
}

/**
 * A SQLite projection's rebuild with worker threads over disjoint streams: each worker
 * opens the file read-only, reads its streams' events (at or below `upTo`), folds each
 * from empty with the projector's own new-stream fold and posts the rows; this thread
 * writes them in transactions of about `batchEvents` events (progress with rate and ETA
 * after each), sums the replica digest (order-independent) and sets the projection's
 * digest, event count and latest stamp as the serial rebuild leaves them (the caller sets
 * the checkpoint and the schema fingerprint last). Synchronous, like the serial rebuild:
 * this thread blocks on the workers' messages (`Atomics.wait`, `receiveMessageOnPort`),
 * so no append or read of the store can come between its writes. Memory is bounded: each
 * worker holds at most {@link TASKS_PER_WORKER} tasks of about {@link TASK_EVENTS} events.
 *
 * Returns undefined, having changed nothing, when the workers cannot have the schema (no
 * `schemaModule`, and it is not one they know built in) or the worker entry is missing:
 * the caller rebuilds in its own thread.
 *
 * @throws ChartlogError `INVALID_OPTION` (the schema module's fingerprint is not the
 *   schema's, or it cannot be imported: nothing changed), a worker's own error (e.g.
 *   `STORE_CORRUPT`), or `STORE_FAILED` (a worker died); after `begin`, the projection is
 *   left without its schema fingerprint, so the next open rebuilds it.
 */
export function rebuildInWorkers(
  options: RebuildInWorkersOptions,
): { events: number; streams: number } | undefined {
  const { db, path, tables, total } = options;
  const source = rebuildWorkerSource();
  if (source === undefined) return undefined;
  const counters = new Int32Array(new SharedArrayBuffer(4 * (options.workers + 1)));
  const schemaUrl = options.schemaModule === undefined ? undefined : String(options.schemaModule.url);
  const pool: Slot[] = [];
  const youngGenerationMb = Math.max(
    MIN_WORKER_YOUNG_GENERATION_MB,
    Math.floor(WORKERS_YOUNG_GENERATION_MB / options.workers),
  );
  let stopped = false;
  const stopAll = (how: 'stop' | 'terminate'): void => {
    if (stopped) return;
    stopped = true;
    for (const slot of pool) {
      if (how === 'stop') slot.port.postMessage({ type: 'stop' } satisfies ToRebuildWorker);
      else void slot.worker.terminate();
      slot.port.close();
    }
  };

  /** The next message from any worker, blocking this thread until one comes. */
  const receive = (): [Slot, FromRebuildWorker] => {
    let quietSince = performance.now();
    let beats = counters.slice(1).join();
    for (;;) {
      const seen = Atomics.load(counters, 0);
      for (const slot of pool) {
        const got = receiveMessageOnPort(slot.port) as { message: FromRebuildWorker } | undefined;
        if (got === undefined) continue;
        if (got.message.type !== 'damage') return [slot, got.message];
        options.damagedSignature?.(got.message.site, got.message.seq);
        quietSince = performance.now();
      }
      if (Atomics.wait(counters, 0, seen, 1000) !== 'timed-out') continue;
      const now = counters.slice(1).join();
      if (now !== beats) [beats, quietSince] = [now, performance.now()];
      else if (performance.now() - quietSince > STALL_MS)
        throw new ChartlogError(
          'STORE_FAILED',
          `${path}: a projection rebuild worker stopped answering (${STALL_MS / 1000} s without finishing a stream)`,
          { details: { path } },
        );
    }
  };
  const failure = (message: Extract<FromRebuildWorker, { type: 'failed' }>): ChartlogError =>
    message.code !== undefined
      ? new ChartlogError(message.code as ChartlogErrorCode, message.message, {
          details: message.details ?? { path },
        })
      : new ChartlogError('STORE_FAILED', `${path}: a projection rebuild worker failed: ${message.message}`, {
          details: { path },
        });

  try {
    for (let i = 0; i < options.workers; i++) {
      const { port1, port2 } = new MessageChannel();
      const workerData: RebuildWorkerData = {
        path,
        upTo: options.upTo,
        fingerprint: options.fingerprint,
        schemaUrl,
        exportName: options.schemaModule?.exportName ?? 'default',
        slot: i + 1,
        signal: counters.buffer as SharedArrayBuffer,
        port: port2,
      };
      // execArgv: none of this process's own (a test runner's loaders, inspector flags): the source loads all it needs.
      const worker = new Worker(source, {
        eval: true,
        execArgv: [],
        resourceLimits: { maxYoungGenerationSizeMb: youngGenerationMb },
        workerData,
        transferList: [port2],
      });
      // Never what keeps a process alive; its errors reach this thread as messages, not events.
      worker.unref();
      worker.on('error', () => undefined);
      pool.push({ worker, port: port1, outstanding: 0 });
    }
    // Every worker says which schema it folds with before anything is changed.
    let missing = false;
    for (let ready = 0; ready < pool.length; ready++) {
      const [, message] = receive();
      if (message.type === 'failed') throw failure(message);
      if (message.type !== 'ready')
        throw new ChartlogError(
          'STORE_FAILED',
          `${path}: a projection rebuild worker answered out of turn (${message.type})`,
          { details: { path } },
        );
      if (message.fingerprint === undefined) missing = true;
      else if (message.fingerprint !== options.fingerprint) {
        throw new ChartlogError(
          'INVALID_OPTION',
          `${path}: the schema that schemaModule ${schemaUrl ?? ''} exports (fingerprint ` +
            `${message.fingerprint}) is not the schema the projection folds with (${options.fingerprint}); a ` +
            'rebuild never folds with another schema',
          { details: { path, option: 'schemaModule' } },
        );
      }
    }
    if (missing) {
      stopAll('terminate');
      return undefined;
    }

    options.begin();
    const list = db
      .prepare<[number], [string, number]>(
        'SELECT stream, count(*) FROM events WHERE pos <= ? GROUP BY stream ORDER BY stream',
      )
      .raw()
      .all(options.upTo);
    const taskEvents = Math.max(
      1,
      Math.min(TASK_EVENTS, Math.ceil(total / (pool.length * MIN_TASKS_PER_WORKER))),
    );
    let next = 0;
    let tasks = 0;
    let inflight = 0;
    const dispatch = (): void => {
      for (const slot of pool) {
        while (slot.outstanding < TASKS_PER_WORKER && next < list.length) {
          const streams: string[] = [];
          let events = 0;
          while (next < list.length && (streams.length === 0 || events < taskEvents)) {
            const [stream, count] = list[next++] as [string, number];
            streams.push(stream);
            events += count;
          }
          slot.port.postMessage({ type: 'fold', task: tasks++, streams } satisfies ToRebuildWorker);
          slot.outstanding++;
          inflight++;
        }
      }
    };
    const batchEvents = options.batchEvents ?? 20_000;
    const started = performance.now();
    let digest = parseDigestSum(EMPTY_DIGEST_SUM);
    let events = 0;
    let latest: string | undefined;
    while (next < list.length || inflight > 0) {
      db.transaction(() => {
        let inBatch = 0;
        while (inBatch < batchEvents && (next < list.length || inflight > 0)) {
          dispatch();
          const [slot, message] = receive();
          if (message.type === 'failed') throw failure(message);
          if (message.type !== 'rows')
            throw new ChartlogError(
              'STORE_FAILED',
              `${path}: a projection rebuild worker answered out of turn (${message.type})`,
              { details: { path } },
            );
          slot.outstanding--;
          inflight--;
          for (const rows of message.streams) {
            tables.writeEncoded(rows);
            digest = addTerm(digest, digestTerm(streamDigestItem(rows[0] as StreamId, rows[3])), 1);
          }
          events += message.events;
          inBatch += message.events;
          if (message.latest !== undefined && (latest === undefined || message.latest > latest))
            latest = message.latest;
        }
        // What the projector's own batches leave: the digest sum, the events, the latest stamp.
        tables.setMeta(PROJECTION_META.digest, formatDigestSum(digest));
        tables.setMeta(PROJECTION_META.events, String(events));
        if (latest !== undefined) tables.setMeta(PROJECTION_META.latest, latest);
      }).immediate();
      options.onProgress?.(progressAt('rebuild', events, total, (performance.now() - started) / 1000));
    }
    stopAll('stop');
    return { events, streams: list.length };
  } finally {
    stopAll('terminate');
  }
}
