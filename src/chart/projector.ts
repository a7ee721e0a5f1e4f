import type { Draft } from 'immer';
import { ChartlogError } from '../error/chartlogError.js';
import { compareEvents, type ChartEvent } from '../event/chartEvent.js';
import { freezeDeep } from '../event/freezeDeep.js';
import type { StreamId } from '../event/ids.js';
import type { FieldState } from '../merge/mergeRule.js';
import type { Schema } from '../merge/schema.js';
import { hasSorted, removeSorted } from '../merge/sortedIds.js';
import { applyEvent, retractionTargets } from './applyEvent.js';
import { createWritePlan } from './writePlan.js';
import type { ChartView } from './chartView.js';
import { addTerm, digestTerm, EMPTY_DIGEST_SUM, formatDigestSum, parseDigestSum } from './digestSum.js';
import { fieldWritingEvents, forEachWrite, noteLastWrites, writesFields } from './fieldWrites.js';
import { finishStream, type StreamOutcome } from './finishStream.js';
import { foldNewStream } from './foldNewStream.js';
import {
  createDetachedGenerations,
  keepBefore,
  keptRow,
  newGeneration,
  type StateGeneration,
} from './stateGenerations.js';
import { eventKeyOf, type EventKey } from './eventKey.js';
import {
  heapBytesOfKeyList,
  type ProjectedResource,
  type ProjectedStream,
  type ProjectionTables,
} from './projectionTables.js';
import { resourceKeyRange } from './resourceKeyRange.js';
import { rememberStateHash, replicaHashOf, stateHash, streamDigestItem } from './stateHash.js';
import {
  conflictKey,
  emptyStreamState,
  parseConflictKey,
  type ResourceState,
  type StreamState,
} from './streamState.js';

/** Reads one stream's events, synchronously, in total order: what a late event re-folds from. */
export interface StreamReader {
  /** Every event of the stream the store holds (including ones just written in the current transaction). */
  readStream(stream: StreamId): readonly ChartEvent[];
}

/** Options for {@link createProjector}. */
export interface ProjectorOptions {
  /** The schema to fold with. */
  readonly schema: Schema;
  /** Where the projection's rows live. */
  readonly tables: ProjectionTables;
  /** The store's events by stream, for re-folds. */
  readonly reader: StreamReader;
  /**
   * Bound of the cache of loaded streams, in estimated heap bytes: each resource counts as
   * `heapBytesOfResource` (projectionTables.ts) of its canonical JSON's length, each key
   * list as `heapBytesOfKeyList`, and the rows a write kept for states of the stream that
   * have not read them yet count as the resources they are.
   * @defaultValue 32 MiB
   */
  readonly cacheBytes?: number;
  /**
   * How a state ({@link ChartView.state}) reads its resources. `'lazy'`: it lists its keys,
   * and reads each resource's row when that resource is first asked for, so a reader of a
   * patient's allergies reads none of the observations beside them; a write made after the
   * state was read first hands it the rows it replaces, so the state never changes. That
   * needs every write to go through {@link Projector.project}. `'whole'`: every row is read
   * with the state, for tables another process may write (a read-only SQLite connection).
   * @defaultValue `'lazy'`
   */
  readonly states?: 'lazy' | 'whole';
  /**
   * Runs a lazy state's later row reads, as the store guards every read of its projection
   * (closed, its own errors).
   * @defaultValue runs the read as is
   */
  readonly read?: ProjectionRead;
}

/** Runs one read of a projection: a store guards it (closed, stale cache, its own errors); the default runs it as is. */
export type ProjectionRead = <T>(action: string, body: () => T) => T;

/** Events just projected, to make visible once the store has committed them with the rows. */
export interface PendingProjection {
  /** The store committed: readers now see the new states. */
  commit(): void;
}

/**
 * A projection kept incrementally (docs/architecture.md, "The persisted projection"): the {@link ChartView} a replica reads, and
 * {@link Projector.project}, which a store calls inside the transaction that stores the
 * events, so rows and events are committed together.
 */
export interface Projector extends ChartView {
  /**
   * Folds events newly stored (none already folded; any order, any streams) into the
   * tables. Synchronous, so it runs inside the store's transaction; readers see the
   * result only after {@link PendingProjection.commit}. When the transaction fails, drop
   * the pending projection: the rows roll back with it and the cache never saw them.
   */
  project(events: readonly ChartEvent[]): PendingProjection;
  /**
   * The streams {@link Projector.project} would re-fold from `reader.readStream` for these
   * events (newly stored, none folded yet), judged on what is folded now: those with a
   * row that get a new retraction or a write earlier than a field's last folded write.
   * For a store whose reads are asynchronous: it reads these streams first, then hands
   * the projector a reader over them. Loads the touched resources into the cache.
   */
  streamsToRead(events: readonly ChartEvent[]): StreamId[];
  /** Forgets every cached stream (the tables changed underneath, e.g. a rebuild). */
  reset(): void;
  /** The latest stamp of any event folded (kept in the tables), so a restarted clock never goes back; undefined before the first. */
  readonly latestStamp: string | undefined;
}

/** Meta names the projector keeps in its tables. */
export const PROJECTION_META = {
  /** Digest sum over every stream's state hash (see `combineStateHashes`). */
  digest: 'digest',
  /** Events folded. */
  events: 'events',
  /** The latest `hlc` folded. */
  latest: 'latest',
} as const;

// With it, reading every patient of the 500k-event practice, every resource parsed, peaks at
// about 370 MiB of RSS with no V8 heap cap (bench/practice, the `open` job); 48 MiB reached 450.
const DEFAULT_CACHE_BYTES = 32 * 1024 * 1024;

interface CachedStream {
  readonly row: ProjectedStream;
  /** Resources loaded so far (all of them when `complete`). */
  readonly resources: Map<string, ProjectedResource>;
  complete: boolean;
  /** Every resource key, sorted, once listed (or known: a stream just created). */
  keys: readonly string[] | undefined;
  /** The newest generation of states handed out, while some of its chain's states have resources left to read. */
  generation: StateGeneration | undefined;
  /** The assembled state, once asked for. */
  view: StreamState | undefined;
  /** What the cache counts for this entry: its rows, its key list, and its generation's `keptBytes`. */
  bytes: number;
}

/** The {@link ProjectionRead} of tables nothing needs to guard: it runs the read as is. */
export const readDirectly: ProjectionRead = (_action, body) => body();

/**
 * Rows a lazy state reads with a query each before it reads all it still lacks in one.
 * Reading every resource of every patient of the 500k practice store (the bench's `open`
 * job, built package, four interleaved rounds): 8.4–9.2 s and 260–289 MiB RSS this way,
 * 9.9–12.6 s and 288–1,134 MiB one row at a time.
 */
const ROWS_READ_ONE_BY_ONE = 8;

/**
 * Creates a projector over tables. Each field's state depends only on the writes of that
 * field in total order, so a new event is applied directly to every field it writes whose
 * last folded write is earlier (the normal case, O(event)), or whose rule claims
 * `commutative` (order does not matter: every built-in rule); only a field of another rule
 * that already folded a later write, or whose write a new retraction takes back, is
 * re-folded from the stream's events, read from the store by its stream index. No
 * snapshot is needed to rewind: the unit of a rewind is a field, not a stream. The result
 * equals the pure `foldStream` of the stream's events (test/properties/projection.test.ts,
 * test/properties/incrementalChart.test.ts).
 */
export function createProjector(options: ProjectorOptions): Projector {
  const { schema, tables, reader } = options;
  const lazy = (options.states ?? 'lazy') === 'lazy';
  const guarded = options.read ?? readDirectly;
  const detached = createDetachedGenerations();
  const cacheBytes = options.cacheBytes ?? DEFAULT_CACHE_BYTES;
  if (!(cacheBytes >= 0))
    throw new ChartlogError('INVALID_OPTION', `cacheBytes must be a number >= 0, got ${cacheBytes}`, {
      details: { option: 'cacheBytes' },
    });
  const cache = new Map<StreamId, CachedStream>();
  let cached = 0;
  let digest = tables.meta(PROJECTION_META.digest) ?? EMPTY_DIGEST_SUM;
  let events = Number(tables.meta(PROJECTION_META.events) ?? '0');
  let latest = tables.meta(PROJECTION_META.latest);
  let replicaHash: string | undefined;

  /** Evicts least recently used entries (a Map iterates in insertion order) until within the bound; `keep` stays. */
  const shrink = (keep: StreamId): void => {
    for (const [key, e] of cache) {
      if (cached <= cacheBytes || key === keep) break;
      cache.delete(key);
      cached -= e.bytes;
      forget(key, e);
    }
  };
  /** An entry leaves the cache: states of it that still have rows to read stay reachable for later writes. */
  const forget = (stream: StreamId, e: CachedStream): void => {
    if (e.generation !== undefined && e.generation.chain.unread > 0) detached.detach(stream, e.generation);
  };
  const install = (stream: StreamId, entry: CachedStream): void => {
    const old = cache.get(stream);
    if (old !== undefined) {
      cached -= old.bytes;
      cache.delete(stream);
    }
    cache.set(stream, entry);
    cached += entry.bytes;
    shrink(stream);
  };
  const entryOf = (stream: StreamId): CachedStream | undefined => {
    const hit = cache.get(stream);
    if (hit !== undefined) {
      cache.delete(stream);
      cache.set(stream, hit);
      return hit;
    }
    const row = tables.stream(stream);
    if (row === undefined) return undefined;
    const generation = detached.reattach(stream);
    const entry: CachedStream = {
      row,
      resources: new Map(),
      complete: false,
      keys: undefined,
      generation,
      view: undefined,
      bytes: keptBytesOf(generation),
    };
    install(stream, entry);
    return entry;
  };
  const load = (stream: StreamId, entry: CachedStream, keys: readonly string[] | undefined): void => {
    if (entry.complete) return;
    const missing = keys?.filter((k) => !entry.resources.has(k));
    if (missing !== undefined && missing.length === 0) return;
    let added = 0;
    for (const r of tables.resources(stream, missing)) {
      if (entry.resources.has(r.key)) continue;
      entry.resources.set(r.key, r);
      added += r.size;
    }
    if (keys === undefined) entry.complete = true;
    grow(stream, entry, added);
  };

  /** Counts `bytes` more in a cached entry (`entryOf` installed it, and nothing evicted it since). */
  const grow = (stream: StreamId, entry: CachedStream, bytes: number): void => {
    entry.bytes += bytes;
    cached += bytes;
    shrink(stream);
  };

  /** A stream's resource keys, sorted: listed once per cached entry. */
  const keysOf = (stream: StreamId, entry: CachedStream): readonly string[] => {
    if (entry.keys === undefined) {
      entry.keys = entry.complete ? [...entry.resources.keys()].sort() : tables.keys(stream);
      grow(stream, entry, heapBytesOfKeyList(entry.keys.length));
    }
    return entry.keys;
  };

  /** The committed row of `key` in `stream`, read into the cache when not there. */
  const committedRow = (stream: StreamId, key: string): ProjectedResource => {
    const entry = entryOf(stream);
    if (entry !== undefined) load(stream, entry, [key]);
    const row = entry?.resources.get(key);
    // Only a rebuild, which clears the tables and folds them again, can take a listed row away.
    if (row === undefined)
      throw new ChartlogError(
        'NOT_FOUND',
        `${key} of ${stream} is not in the projection while it is being rebuilt; read the state again once the rebuild ends`,
        { details: { stream, resource: key } },
      );
    return row;
  };

  /** Gives a state's `rows` every row of `keys` it does not hold: kept for its generation, or committed, read in one query. */
  const readRest = (
    stream: StreamId,
    keys: readonly string[],
    rows: Map<string, ProjectedResource>,
    generation: StateGeneration,
  ): void => {
    const entry = entryOf(stream);
    if (entry === undefined) return;
    load(stream, entry, undefined);
    for (const key of keys)
      if (!rows.has(key)) {
        const row = keptRow(generation, key) ?? entry.resources.get(key);
        if (row !== undefined) rows.set(key, row);
      }
  };

  const viewOf = (stream: StreamId): StreamState | undefined => {
    const entry = entryOf(stream);
    if (entry === undefined) return undefined;
    if (entry.view === undefined) {
      if (!lazy) load(stream, entry, undefined);
      const keys = keysOf(stream, entry);
      // The rows in hand are the state's now; the others are read when first asked for, from
      // what a later write kept for its generation (`keepBefore` in `project`) or the tables.
      const rows = new Map<string, ProjectedResource>();
      for (const key of keys) {
        const row = entry.resources.get(key);
        if (row !== undefined) rows.set(key, row);
      }
      let generation: StateGeneration | undefined;
      if (rows.size < keys.length) {
        if (entry.generation === undefined || entry.generation.written) {
          // The older generation's kept rows are held by its states now, not by the cache.
          grow(stream, entry, -keptBytesOf(entry.generation));
          entry.generation = newGeneration(entry.generation);
        }
        generation = entry.generation;
        generation.chain.unread++;
      }
      let readOneByOne = 0;
      const rowOf = (key: string): ProjectedResource => {
        let row = rows.get(key);
        if (row !== undefined) return row;
        const g = generation as StateGeneration;
        row = keptRow(g, key);
        if (row === undefined && ++readOneByOne > ROWS_READ_ONE_BY_ONE) {
          // A reader past a few resources is likely reading them all: the rest in one query.
          guarded('state', () => readRest(stream, keys, rows, g));
          row = rows.get(key);
        }
        row ??= guarded('state', () => committedRow(stream, key));
        rows.set(key, row);
        // Every row in hand (this is the last miss): later writes need keep nothing for this state.
        if (rows.size === keys.length) g.chain.unread--;
        return row;
      };
      const resources = dictionaryObject<ResourceState>();
      for (const key of keys)
        Object.defineProperty(resources, key, { enumerable: true, get: () => rowOf(key).state });
      const view: StreamState = Object.freeze({
        stream,
        resources: Object.freeze(resources),
        conflicts: entry.row.conflicts,
        retracted: entry.row.retracted,
      });
      rememberStateHash(view, entry.row.hash);
      entry.view = view;
    }
    return entry.view;
  };

  /**
   * True when a write of `resource.field` stamped `key` cannot be applied directly: the
   * field already folded a later write, and its rule does not claim `commutative` (every
   * built-in rule does: `checkRuleLaws` checks that applying writes in any order gives
   * the same state). A late write of a field whose rule is order-free is applied as it
   * comes; only other rules, and retractions, re-fold from the stream's events.
   */
  const isLate = (
    resource: string,
    field: string,
    key: EventKey,
    held: ProjectedResource | undefined,
  ): boolean => {
    const last = held?.last[field];
    if (last === undefined || last < key) return false;
    return (
      schema.field(resource.slice(0, resource.indexOf('/')), field)?.rule.laws.includes('commutative') !==
      true
    );
  };

  /** Every id retracted in a stream once `fresh` is folded, and those `fresh` newly retracts. */
  const retractionsAfter = (
    row: ProjectedStream,
    fresh: readonly ChartEvent[],
  ): { retracted: Set<string>; newlyRetracted: Set<string> } => {
    const retracted = new Set<string>(row.retracted);
    const newlyRetracted = new Set<string>();
    for (const e of fresh)
      for (const id of retractionTargets(e, schema))
        if (!retracted.has(id)) {
          retracted.add(id);
          newlyRetracted.add(id);
        }
    return { retracted, newlyRetracted };
  };

  /** Folds one stream's new events (sorted), returning its new row and the resources that changed; touches no cache entry. */
  const projectStream = (
    stream: StreamId,
    fresh: readonly ChartEvent[],
    base: CachedStream | undefined,
  ): StreamOutcome => {
    // A new stream (a rebuild, or a record's first events): the pure fold, without drafts.
    if (base === undefined) return foldNewStream(stream, fresh, schema);
    const row = base.row;
    const { retracted, newlyRetracted } = retractionsAfter(row, fresh);
    // The last folded write per field, for the resources this batch writes: what makes the next event late or not.
    const lasts = new Map<string, Record<string, EventKey>>();

    // Fields to re-fold from the stream's events: written by an event a new retraction takes back…
    const refold = new Set<string>();
    let streamEvents: readonly ChartEvent[] | undefined;
    if (newlyRetracted.size > 0) {
      streamEvents = reader.readStream(stream);
      const freshIds = new Set(fresh.map((e) => e.id));
      for (const e of streamEvents)
        if (newlyRetracted.has(e.id) && !freshIds.has(e.id) && writesFields(e, schema))
          forEachWrite(e, (r, f) => refold.add(conflictKey(r, f)));
    }
    const writing = fieldWritingEvents(fresh, schema, retracted);
    const touched = new Set<string>();
    for (const k of refold) touched.add(parseConflictKey(k).resource);
    for (const e of writing) forEachWrite(e, (r) => touched.add(r));
    load(stream, base, [...touched]);
    const held = (key: string): ProjectedResource | undefined => base.resources.get(key);
    // …or by an event earlier than the last write the field folded (a late event).
    for (const e of writing) {
      const key = eventKeyOf(e);
      forEachWrite(e, (r, f) => {
        if (isLate(r, f, key, held(r))) refold.add(conflictKey(r, f));
      });
    }
    if (refold.size > 0 && streamEvents === undefined) streamEvents = reader.readStream(stream);

    const direct = (r: string, f: string): boolean => !refold.has(conflictKey(r, f));
    const again = (r: string, f: string): boolean => refold.has(conflictKey(r, f));
    // A mutable copy of what this batch writes, then frozen: the touched resources with the
    // fields it writes thawed (the rest stay shared, frozen), and the two lists. Copying by
    // hand costs a third of what an immer draft over the same resources did here (finalize
    // walks every touched resource), and the fold runs on plain objects as a rebuild does.
    const written = new Set<string>(refold);
    for (const e of writing) forEachWrite(e, (r, f) => written.add(conflictKey(r, f)));
    const work = {
      stream,
      resources: {} as Record<string, ResourceState>,
      conflicts: [...row.conflicts],
      retracted: [...row.retracted],
    };
    for (const key of touched) {
      const r = held(key)?.state;
      if (r === undefined) continue;
      const fields: Record<string, FieldState> = { ...r.fields };
      for (const f of Object.keys(fields))
        if (written.has(conflictKey(key, f))) fields[f] = thaw(fields[f] as FieldState);
      // Keys in canonical order, as applyEvent builds them (canonicalJson encodes them natively).
      work.resources[key] = { fields, id: r.id, type: r.type };
    }
    const plan = createWritePlan();
    const draft = work as unknown as Draft<StreamState>;
    for (const e of fresh) applyEvent(draft, e, schema, retracted, plan, direct);
    if (refold.size > 0) {
      for (const k of refold) {
        const { resource, field } = parseConflictKey(k);
        const r = work.resources[resource];
        if (r !== undefined) delete (r.fields as Record<string, unknown>)[field];
        removeSorted(work.conflicts, k);
      }
      for (const e of streamEvents as readonly ChartEvent[])
        applyEvent(draft, e, schema, retracted, plan, again);
      for (const key of Object.keys(work.resources))
        if (Object.keys((work.resources[key] as ResourceState).fields).length === 0)
          delete work.resources[key];
    }
    const next = freezeDeep(work) as StreamState;
    const lastOf = (r: string): Record<string, EventKey> => {
      let l = lasts.get(r);
      if (l === undefined) lasts.set(r, (l = { ...held(r)?.last }));
      return l;
    };
    for (const k of refold) {
      const { resource, field } = parseConflictKey(k);
      delete lastOf(resource)[field];
    }
    noteLastWrites(writing, lastOf, direct);
    if (refold.size > 0)
      noteLastWrites(
        fieldWritingEvents(streamEvents as readonly ChartEvent[], schema, retracted),
        lastOf,
        again,
      );
    return finishStream(stream, row, fresh.length, next, [...touched], held, lasts);
  };

  return {
    schema,
    get size() {
      return events;
    },
    get latestStamp() {
      return latest;
    },
    state: viewOf,
    resource(stream, key) {
      const entry = entryOf(stream);
      if (entry === undefined) return undefined;
      load(stream, entry, [key]);
      return entry.resources.get(key)?.state;
    },
    lastWrite(stream, key) {
      const entry = entryOf(stream);
      if (entry === undefined) return undefined;
      load(stream, entry, [key]);
      const held = entry.resources.get(key);
      if (held === undefined) return undefined;
      let latest: EventKey | undefined;
      for (const k of Object.values(held.last)) if (latest === undefined || k > latest) latest = k;
      return latest;
    },
    openConflicts: (stream) => entryOf(stream)?.row.conflicts ?? [],
    stateHash: (stream) => entryOf(stream)?.row.hash ?? stateHash(emptyStreamState(stream)),
    hash() {
      replicaHash ??= replicaHashOf(digest);
      return replicaHash;
    },
    streams: () => tables.streams(),
    conflictStreams: () => tables.conflicted(),
    // The index is the tables' own, kept by every write: nothing cached here to go stale.
    locate: (key) => tables.locate(key),
    resourceKeys: (type, options) => tables.resourceKeys(resourceKeyRange(type, options)),
    project(batch) {
      const byStream = new Map<StreamId, ChartEvent[]>();
      for (const e of batch) {
        const list = byStream.get(e.stream);
        if (list) list.push(e);
        else byStream.set(e.stream, [e]);
      }
      let nextDigest = parseDigestSum(digest);
      const done: [StreamId, StreamOutcome][] = [];
      for (const [stream, list] of byStream) {
        list.sort(compareEvents);
        const base = entryOf(stream);
        const outcome = projectStream(stream, list, base);
        // States handed out earlier keep the rows this write replaces (all loaded: each was touched).
        const generation = base?.generation;
        if (base !== undefined && generation !== undefined && generation.chain.unread > 0)
          grow(
            stream,
            base,
            keepBefore(
              generation,
              outcome.changes.map((c) => c.key),
              (key) => base.resources.get(key),
            ),
          );
        tables.write(outcome.row, outcome.changes);
        if (base !== undefined)
          nextDigest = addTerm(nextDigest, digestTerm(streamDigestItem(stream, base.row.hash)), -1);
        nextDigest = addTerm(nextDigest, digestTerm(streamDigestItem(stream, outcome.row.hash)), 1);
        done.push([stream, outcome]);
      }
      const nextEvents = events + batch.length;
      let nextLatest = latest;
      for (const e of batch) if (nextLatest === undefined || e.hlc > nextLatest) nextLatest = e.hlc;
      const digestHex = formatDigestSum(nextDigest);
      tables.setMeta(PROJECTION_META.digest, digestHex);
      tables.setMeta(PROJECTION_META.events, String(nextEvents));
      if (nextLatest !== undefined) tables.setMeta(PROJECTION_META.latest, nextLatest);
      return {
        commit() {
          for (const [stream, outcome] of done) {
            // The entry as loaded (still the committed one until now), updated in place; or a new one.
            const old = cache.get(stream);
            const resources = old?.resources ?? new Map<string, ProjectedResource>();
            let bytes = old?.bytes ?? 0;
            // The key list stays when no key came or went; else it is listed again when asked for.
            let keys = old?.keys;
            for (const { key, resource } of outcome.changes) {
              bytes -= resources.get(key)?.size ?? 0;
              if (resource === undefined) resources.delete(key);
              else {
                resources.set(key, resource);
                bytes += resource.size;
              }
              if (keys !== undefined && (resource === undefined || !hasSorted(keys, key))) {
                bytes -= heapBytesOfKeyList(keys.length);
                keys = undefined;
              }
            }
            // No state left with rows to read: the chain is let go, and its kept rows with it.
            const generation = liveGeneration(old?.generation ?? detached.reattach(stream));
            bytes += keptBytesOf(generation) - keptBytesOf(old?.generation);
            install(stream, {
              row: outcome.row,
              resources,
              complete: outcome.created || (old?.complete ?? false),
              keys,
              generation,
              view: undefined,
              bytes,
            });
          }
          digest = digestHex;
          events = nextEvents;
          latest = nextLatest;
          replicaHash = undefined;
        },
      };
    },
    streamsToRead(batch) {
      const byStream = new Map<StreamId, ChartEvent[]>();
      for (const e of batch) (byStream.get(e.stream) ?? byStream.set(e.stream, []).get(e.stream))?.push(e);
      const out: StreamId[] = [];
      for (const [stream, list] of byStream) {
        const base = entryOf(stream);
        if (base === undefined) continue;
        // The same two tests as projectStream: a new retraction, or a late write.
        const { retracted, newlyRetracted } = retractionsAfter(base.row, list);
        if (newlyRetracted.size > 0) {
          out.push(stream);
          continue;
        }
        const writing = fieldWritingEvents(list, schema, retracted);
        const touched = new Set<string>();
        for (const e of writing) forEachWrite(e, (r) => touched.add(r));
        load(stream, base, [...touched]);
        let late = false;
        for (const e of writing) {
          if (late) break;
          const key = eventKeyOf(e);
          forEachWrite(e, (r, f) => {
            if (isLate(r, f, key, base.resources.get(r))) late = true;
          });
        }
        if (late) out.push(stream);
      }
      return out;
    },
    reset() {
      // States handed out stay tracked: a rebuild folds the same events into the same rows.
      for (const [stream, e] of cache) forget(stream, e);
      cache.clear();
      cached = 0;
      digest = tables.meta(PROJECTION_META.digest) ?? EMPTY_DIGEST_SUM;
      events = Number(tables.meta(PROJECTION_META.events) ?? '0');
      latest = tables.meta(PROJECTION_META.latest);
      replicaHash = undefined;
    },
  };
}

/** The bytes of the rows `generation` kept, which its cache entry counts; 0 for none. */
function keptBytesOf(generation: StateGeneration | undefined): number {
  return generation?.keptBytes ?? 0;
}

/** `generation` while some state of its chain has resources left to read, else undefined. */
function liveGeneration(generation: StateGeneration | undefined): StateGeneration | undefined {
  return generation !== undefined && generation.chain.unread > 0 ? generation : undefined;
}

/** A mutable deep copy of a frozen, JSON-shaped field state that a rule is about to change in place. */
function thaw<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(thaw) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = thaw((value as Record<string, unknown>)[key]);
  return out as T;
}

/**
 * An empty plain object in V8's dictionary mode. A view defines one getter per resource
 * (hundreds on a patient): on a new object each definition makes a new hidden class, and
 * 290 of them took about 0.7 ms (a fifth of a cold read, when it still read every row); in
 * dictionary mode they are table inserts, about 0.25 ms (a micro-benchmark of 290 fresh
 * keys), now most of a cold read. Deleting a property
 * that is not the last added is what switches an object to dictionary mode; the object is
 * an ordinary one in every other way (its prototype, freezing, key order).
 */
function dictionaryObject<T>(): Record<string, T> {
  const object: Record<string, unknown> = { first: 0, second: 0 };
  delete object['first'];
  delete object['second'];
  return object as Record<string, T>;
}
