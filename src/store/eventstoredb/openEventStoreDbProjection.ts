import { createMemoryProjectionTables } from '../../chart/memoryProjectionTables.js';
import { createProjector } from '../../chart/projector.js';
import { projectorView } from '../../chart/projectorView.js';
import { ChartlogError } from '../../error/chartlogError.js';
import type { ChartEvent } from '../../event/chartEvent.js';
import type { SiteId, StreamId } from '../../event/ids.js';
import { schemaFingerprint } from '../../merge/schemaFingerprint.js';
import type { EventPage } from '../eventLog.js';
import { foldIntoProjection } from '../foldIntoProjection.js';
import { storeClosed } from '../positionCursor.js';
import type {
  ProjectionOpening,
  ProjectionProgress,
  StoreProjection,
  StoreProjectionOptions,
} from '../storeProjection.js';
import { parseAllCursor } from './allPositionCursor.js';
import type { SqliteProjectionFile } from '../sqlite/openSqliteProjectionFile.js';
import type {
  ChartEventsHandler,
  ChartEventSubscription,
  ChartEventSubscriptionOptions,
} from './subscribeToChartEvents.js';

/** What {@link openEventStoreDbProjection} needs from the store (its reads, not guarded by `close`). */
export interface ProjectionSource {
  /** The store's prefix, recorded in the file so one file never serves two stores. */
  readonly prefix: string;
  /** The local SQLite file, or undefined to keep the projection in memory. */
  readonly projectionFile: string | undefined;
  readAll(cursor: string, limit: number): Promise<EventPage>;
  readStream(stream: StreamId): Promise<ChartEvent[]>;
  get(site: SiteId, seq: number): Promise<ChartEvent | undefined>;
  count(): Promise<number>;
  subscribe(
    from: string,
    onEvents: ChartEventsHandler,
    options: ChartEventSubscriptionOptions,
  ): ChartEventSubscription;
  /** Told about a failure of a catch-up nobody awaits (one the subscription started). */
  onError(error: ChartlogError): void;
}

/** The eventstoredb store's open read model. */
export interface EventStoreDbProjection {
  /** What `openProjection` hands out. */
  readonly handle: StoreProjection;
  /** The schema fingerprint it folds with. */
  readonly fingerprint: string;
  /** Folds every event stored after the checkpoint (queued behind any fold in progress); resolves to the events folded. */
  catchUp(): Promise<number>;
  /** Stops the subscription, waits for the fold in progress, closes the file. Idempotent. */
  close(): Promise<void>;
}

/** Projection meta: the schema fingerprint it was folded with. */
const META_SCHEMA = 'schema';
/** Projection meta: the `readAll` cursor after the last event folded. */
const META_CHECKPOINT = 'checkpoint';
/** Projection meta: per site, the highest seq folded (a site's events reach `$all` in seq order). */
const META_FOLDED = 'folded';
/** Projection meta: the last event folded, `{ site, seq, id }`: is the database still the one folded? */
const META_LAST = 'last';

const START = 'esdb:start';
/** Events per `readAll` page. */
const PAGE_EVENTS = 1000;
/** Events per local transaction. */
const CHUNK_EVENTS = 5000;

type Folded = Record<string, number>;
interface LastFolded {
  readonly site: SiteId;
  readonly seq: number;
  readonly id: string;
}

/**
 * Opens the eventstoredb store's projection: a read model (docs/architecture.md, "The persisted projection") in a local SQLite
 * file (or in memory), fed from the store's `$all` order with a checkpoint — the
 * `readAll` cursor after the last event folded — written in the same local transaction
 * as the rows it folds, so the file is never ahead of or behind its own checkpoint.
 *
 * Opening rebuilds it (from `$all`, in pages, with progress) when it has no schema
 * fingerprint or another one, or when the last event it folded is no longer in the
 * database (another database, a restore); else it catches up from the checkpoint.
 *
 * Every fold goes through one queue and reads `readAll` after the checkpoint, so the
 * checkpoint alone decides what is folded and nothing is folded twice. The catch-up
 * subscription only says when to fold: its deliveries are not folded themselves (a
 * delivery may overlap what an append's catch-up already folded, and carries no
 * per-event positions to tell which part), at the cost of reading those events twice.
 *
 * The projector re-folds a field from its stream's events synchronously; EventStoreDB
 * reads are not. So before a chunk is folded, the streams the projector says it will
 * re-fold (`streamsToRead`) are read, cut to the events folded or in the chunk (per
 * site, seq up to the folded vector), and handed to it as a reader over those arrays.
 */
export async function openEventStoreDbProjection(
  source: ProjectionSource,
  options: StoreProjectionOptions,
): Promise<EventStoreDbProjection> {
  const fingerprint = schemaFingerprint(options.schema);
  // Loaded only for a file: a store kept in memory never needs better-sqlite3 (an optional peer).
  const file: SqliteProjectionFile =
    source.projectionFile === undefined
      ? {
          path: undefined,
          tables: createMemoryProjectionTables(),
          transact: (write) => write(),
          close: () => undefined,
        }
      : (await import('../sqlite/openSqliteProjectionFile.js')).openSqliteProjectionFile(
          source.projectionFile,
          source.prefix,
        );
  const { tables } = file;
  let reading: Map<StreamId, ChartEvent[]> | undefined;
  const projector = createProjector({
    schema: options.schema,
    tables,
    reader: {
      readStream(stream) {
        const events = reading?.get(stream);
        if (events === undefined)
          throw new ChartlogError(
            'STORE_FAILED',
            `the eventstoredb projection did not read ${stream} before folding it (streamsToRead missed it)`,
            { details: { stream } },
          );
        return events;
      },
    },
    ...(options.cacheBytes !== undefined ? { cacheBytes: options.cacheBytes } : {}),
    // Every write reaches this file through the projector (the subscription's catch-up), so states can be lazy.
    read: (_action, body) => (ensureOpen(), body()),
  });

  let checkpoint = START;
  let folded: Folded = {};
  const readMeta = <T>(name: string): T | undefined => {
    const text = tables.meta(name);
    try {
      return text === undefined ? undefined : (JSON.parse(text) as T);
    } catch (error) {
      throw new ChartlogError(
        'STORE_CORRUPT',
        `${file.path ?? 'the projection'}: its ${name} record is not JSON. It is a read model of ` +
          'EventStoreDB: delete the file and open the projection again to fold it afresh',
        {
          cause: error,
          details: { ...(file.path === undefined ? {} : { path: file.path }), part: 'projection' },
        },
      );
    }
  };
  const loadMeta = (): void => {
    checkpoint = tables.meta(META_CHECKPOINT) ?? START;
    try {
      parseAllCursor(checkpoint);
    } catch (error) {
      throw new ChartlogError(
        'STORE_CORRUPT',
        `${file.path ?? 'the projection'}: its checkpoint ${JSON.stringify(checkpoint)} is not a readAll ` +
          'cursor. It is a read model of EventStoreDB: delete the file and open the projection again to fold ' +
          'it afresh',
        {
          cause: error,
          details: { ...(file.path === undefined ? {} : { path: file.path }), part: 'projection' },
        },
      );
    }
    folded = readMeta<Folded>(META_FOLDED) ?? {};
  };
  let stopping = false;

  /** Folds a chunk read after the checkpoint, with the new checkpoint, in one local transaction. */
  const foldChunk = async (
    events: readonly ChartEvent[],
    cursor: string,
    phase: ProjectionProgress['phase'],
  ): Promise<void> => {
    const next: Folded = { ...folded };
    for (const e of events) next[e.site] = Math.max(next[e.site] ?? 0, e.seq);
    const toRead = projector.streamsToRead(events);
    const read = new Map<StreamId, ChartEvent[]>();
    // Only what is folded or in this chunk: an event stored after the chunk is folded later, once.
    await Promise.all(
      toRead.map(async (stream) =>
        read.set(
          stream,
          (await source.readStream(stream)).filter((e) => e.seq <= (next[e.site] ?? 0)),
        ),
      ),
    );
    const lastEvent = events[events.length - 1];
    const saveCheckpoint = (): void => {
      tables.setMeta(META_CHECKPOINT, cursor);
      tables.setMeta(META_FOLDED, JSON.stringify(next));
      if (lastEvent !== undefined)
        tables.setMeta(
          META_LAST,
          JSON.stringify({ site: lastEvent.site, seq: lastEvent.seq, id: lastEvent.id } satisfies LastFolded),
        );
    };
    reading = read;
    try {
      if (events.length === 0) file.transact(saveCheckpoint);
      else {
        foldIntoProjection(projector, [events], {
          phase,
          total: events.length,
          batchEvents: events.length,
          inTransaction: (write) =>
            file.transact(() => {
              const pending = write();
              saveCheckpoint();
              return pending;
            }),
        });
      }
    } finally {
      reading = undefined;
    }
    checkpoint = cursor;
    folded = next;
  };

  /** Folds everything after the checkpoint, a chunk per local transaction. */
  const foldFromCheckpoint = async (
    phase: ProjectionProgress['phase'],
    total: number,
    onProgress: StoreProjectionOptions['onProgress'],
  ): Promise<number> => {
    const started = performance.now();
    let done = 0;
    for (;;) {
      const chunk: ChartEvent[] = [];
      let cursor = checkpoint;
      let end = false;
      while (chunk.length < CHUNK_EVENTS && !stopping) {
        const page = await source.readAll(cursor, PAGE_EVENTS);
        for (const e of page.events) chunk.push(e);
        cursor = page.cursor;
        if (page.done) {
          end = true;
          break;
        }
      }
      if (stopping) return done;
      if (cursor !== checkpoint) await foldChunk(chunk, cursor, phase);
      done += chunk.length;
      if (onProgress !== undefined && chunk.length > 0) {
        const seconds = (performance.now() - started) / 1000;
        const eventsPerSecond = seconds > 0 ? done / seconds : 0;
        const all = Math.max(total, done);
        onProgress({
          phase,
          done,
          total: all,
          eventsPerSecond,
          etaSeconds: eventsPerSecond > 0 ? (all - done) / eventsPerSecond : undefined,
        });
      }
      if (end) return done;
    }
  };

  const rebuildNow = async (
    onProgress: StoreProjectionOptions['onProgress'],
  ): Promise<{ events: number; streams: number }> => {
    file.transact(() => tables.clear());
    projector.reset();
    loadMeta();
    const events = await foldFromCheckpoint('rebuild', await source.count(), onProgress);
    // Last: a rebuild cut short (a crash, a close) starts again at the next open.
    if (!stopping) file.transact(() => tables.setMeta(META_SCHEMA, fingerprint));
    return { events, streams: tables.streams().length };
  };

  // One fold at a time, in call order; a catch-up asked for while one waits joins it.
  let tail: Promise<unknown> = Promise.resolve();
  let waiting: Promise<number> | undefined;
  const enqueue = <T>(job: () => Promise<T>): Promise<T> => {
    const run = tail.then(job);
    tail = run.catch(() => undefined);
    return run;
  };
  const catchUp = (): Promise<number> => {
    if (stopping) return Promise.resolve(0);
    waiting ??= enqueue(() => {
      waiting = undefined;
      return foldFromCheckpoint('catch-up', 0, undefined);
    });
    return waiting;
  };

  const started = performance.now();
  let opening: ProjectionOpening;
  try {
    loadMeta();
    opening = await enqueue(async (): Promise<ProjectionOpening> => {
      const seconds = (): number => (performance.now() - started) / 1000;
      if (
        tables.meta(META_SCHEMA) !== fingerprint ||
        !(await stillHeld(source, readMeta<LastFolded>(META_LAST)))
      ) {
        const { events } = await rebuildNow(options.onProgress);
        return { action: 'rebuilt', events, seconds: seconds() };
      }
      const behind = Math.max(0, (await source.count()) - Object.values(folded).reduce((a, b) => a + b, 0));
      const events = await foldFromCheckpoint('catch-up', behind, options.onProgress);
      return { action: events > 0 ? 'caught-up' : 'current', events, seconds: seconds() };
    });
  } catch (error) {
    file.close();
    throw error;
  }

  // Another process's appends: the subscription says when, the checkpoint says what.
  const subscription = source.subscribe(checkpoint, () => void catchUp().catch(source.onError), {
    onError: (error, willRetry) => {
      if (!willRetry) source.onError(error);
    },
  });

  const ensureOpen = (): void => {
    if (stopping) throw storeClosed('eventstoredb projection');
  };
  const handle = projectorView<StoreProjection>(
    projector,
    {
      opening,
      rebuild: async (
        rebuildOptions: { readonly onProgress?: ((progress: ProjectionProgress) => void) | undefined } = {},
      ) => {
        ensureOpen();
        return enqueue(async () => {
          const t0 = performance.now();
          const { events, streams } = await rebuildNow(rebuildOptions.onProgress);
          return { events, streams, seconds: (performance.now() - t0) / 1000 };
        });
      },
    },
    (_action, body) => (ensureOpen(), body()),
  );
  return {
    handle,
    fingerprint,
    catchUp,
    async close() {
      if (stopping) return;
      stopping = true;
      await subscription.close();
      await tail;
      file.close();
    },
  };
}

/** True when the database still holds the last event folded (or nothing was folded). */
async function stillHeld(source: ProjectionSource, last: LastFolded | undefined): Promise<boolean> {
  if (last === undefined) return true;
  return (await source.get(last.site, last.seq))?.id === last.id;
}
