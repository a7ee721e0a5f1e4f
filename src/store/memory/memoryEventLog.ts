import type { ChartEvent } from '../../event/chartEvent.js';
import { compareEvents, withSignature } from '../../event/chartEvent.js';
import { canonicalJson } from '../../event/canonicalJson.js';
import type { SiteHead } from '../../event/eventWriter.js';
import type { EventHash, SiteId, StreamId } from '../../event/ids.js';
import type { Json } from '../../event/json.js';
import { planAppend } from '../checkAppend.js';
import { ChartlogError } from '../../error/chartlogError.js';
import { createMemoryProjectionTables } from '../../chart/memoryProjectionTables.js';
import { createProjector, type Projector } from '../../chart/projector.js';
import { projectorView } from '../../chart/projectorView.js';
import { schemaFingerprint } from '../../merge/schemaFingerprint.js';
import { foldIntoProjection } from '../foldIntoProjection.js';
import type { StoreProjection, StoreProjectionOptions } from '../storeProjection.js';
import { checkMarkerName } from '../markerName.js';
import type { AppendResult, EventLog, EventPage, VersionVector } from '../eventLog.js';
import {
  checkFromSeq,
  checkLimit,
  DEFAULT_READ_ALL_LIMIT,
  formatPositionCursor,
  parsePositionCursor,
  storeClosed,
} from '../positionCursor.js';

/** The memory store: an {@link EventLog} with every optional method (a projection in maps, markers). */
export type MemoryEventLog = EventLog &
  Required<Pick<EventLog, 'openProjection' | 'putMarker' | 'getMarker'>>;

/** Options for {@link createMemoryEventLog}. */
export interface MemoryEventLogOptions {
  /** Largest canonical event accepted, in bytes. @defaultValue 1 MiB */
  readonly maxEventBytes?: number;
}

// One stored event, shared by every index so a signature added later shows everywhere.
interface Entry {
  event: ChartEvent;
  readonly hash: EventHash;
}

/**
 * An {@link EventLog} held in memory: for tests, simulations and the fast path of
 * research code. Same rules as every other store (it passes the conformance suite);
 * nothing survives the process.
 *
 * @example
 * ```ts
 * const log = createMemoryEventLog();
 * await log.append(writer.appendAll(drafts));
 * ```
 */
export function createMemoryEventLog(options: MemoryEventLogOptions = {}): MemoryEventLog {
  const all: Entry[] = [];
  const sites = new Map<SiteId, Entry[]>();
  const streams = new Map<StreamId, Entry[]>();
  const markers = new Map<string, string>();
  const planOptions = options.maxEventBytes === undefined ? {} : { maxEventBytes: options.maxEventBytes };
  let closed = false;
  // Folded by every append once openProjection attached it (in maps, like the events).
  let projection:
    | { readonly projector: Projector; readonly fingerprint: string; readonly handle: StoreProjection }
    | undefined;
  const readStream = (stream: StreamId): ChartEvent[] => (streams.get(stream) ?? []).map((e) => e.event);

  const open = (): void => {
    if (closed) throw storeClosed('memory event log');
  };
  const headOf = (site: SiteId): SiteHead => {
    const run = sites.get(site);
    const last = run?.[run.length - 1];
    return last ? { seq: last.event.seq, hash: last.hash } : { seq: 0, hash: null };
  };

  return {
    async append(events, appendOptions = {}): Promise<AppendResult> {
      open();
      const plan = planAppend(
        events,
        {
          head: headOf,
          stored: (site, seq) => {
            const entry = sites.get(site)?.[seq - 1];
            return entry && { hash: entry.hash, signed: entry.event.sig !== undefined };
          },
        },
        { ...planOptions, ...appendOptions },
      );
      // Everything below cannot throw: the batch lands whole.
      for (const { site, seq, sig } of plan.signatures) {
        const entry = sites.get(site)?.[seq - 1] as Entry;
        entry.event = withSignature(entry.event, sig);
      }
      const stored: ChartEvent[] = [];
      for (const { event, hash } of plan.fresh) {
        const entry: Entry = { event: frozen(event), hash };
        stored.push(entry.event);
        all.push(entry);
        let run = sites.get(event.site);
        if (!run) sites.set(event.site, (run = []));
        run.push(entry);
        let stream = streams.get(event.stream);
        if (!stream) streams.set(event.stream, (stream = []));
        insertSorted(stream, entry);
      }
      if (stored.length > 0) projection?.projector.project(stored).commit();
      return { appended: plan.fresh.length, duplicates: plan.duplicates };
    },
    async readSite(site, fromSeq, limit) {
      open();
      const from = checkFromSeq(fromSeq);
      const n = checkLimit(limit, Number.MAX_SAFE_INTEGER);
      return (sites.get(site) ?? []).slice(from - 1, from - 1 + n).map((e) => e.event);
    },
    async readStream(stream) {
      open();
      return (streams.get(stream) ?? []).map((e) => e.event);
    },
    async readAll(cursor, limit): Promise<EventPage> {
      open();
      const from = parsePositionCursor(cursor);
      const n = checkLimit(limit, DEFAULT_READ_ALL_LIMIT);
      const events = all.slice(from, from + n).map((e) => e.event);
      const end = Math.min(all.length, from + events.length);
      return { events, cursor: formatPositionCursor(Math.max(end, from)), done: end >= all.length };
    },
    async get(site, seq) {
      open();
      return Number.isSafeInteger(seq) && seq >= 1 ? sites.get(site)?.[seq - 1]?.event : undefined;
    },
    async versionVector(): Promise<VersionVector> {
      open();
      const out: Record<string, number> = {};
      for (const [site, run] of sites) out[site] = run.length;
      return out;
    },
    async head(site) {
      open();
      return headOf(site);
    },
    async count() {
      open();
      return all.length;
    },
    async putMarker(name, value) {
      open();
      checkMarkerName(name);
      if (value === undefined) markers.delete(name);
      else markers.set(name, canonicalJson(value));
    },
    async getMarker(name) {
      open();
      const text = markers.get(checkMarkerName(name));
      return text === undefined ? undefined : (JSON.parse(text) as Json);
    },
    async openProjection(options) {
      open();
      const fingerprint = schemaFingerprint(options.schema);
      if (projection !== undefined) {
        if (projection.fingerprint !== fingerprint)
          throw new ChartlogError(
            'INVALID_OPTION',
            'a projection with another schema is already open on this memory store',
            {},
          );
        return projection.handle;
      }
      const tables = createMemoryProjectionTables();
      const projector = createProjector({
        schema: options.schema,
        tables,
        reader: { readStream },
        ...(options.cacheBytes !== undefined ? { cacheBytes: options.cacheBytes } : {}),
      });
      const fromScratch = (
        onProgress: StoreProjectionOptions['onProgress'],
      ): { events: number; streams: number; seconds: number } => {
        const started = performance.now();
        tables.clear();
        projector.reset();
        const events = foldIntoProjection(projector, [...streams.keys()].map(readStream), {
          phase: 'rebuild',
          total: all.length,
          onProgress,
          inTransaction: (write) => write(),
        });
        return { events, streams: streams.size, seconds: (performance.now() - started) / 1000 };
      };
      const first = fromScratch(options.onProgress);
      const handle = projectorView<StoreProjection>(projector, {
        opening: { action: 'rebuilt', events: first.events, seconds: first.seconds } as const,
        async rebuild(rebuildOptions: { readonly onProgress?: StoreProjectionOptions['onProgress'] } = {}) {
          open();
          return fromScratch(rebuildOptions.onProgress);
        },
      });
      projection = { projector, fingerprint, handle };
      return handle;
    },
    async close() {
      closed = true;
    },
  };
}

/** Keeps a stream's entries in total order; events mostly arrive in order, so try the end first. */
function insertSorted(run: Entry[], entry: Entry): void {
  const last = run[run.length - 1];
  if (!last || compareEvents(last.event, entry.event) <= 0) {
    run.push(entry);
    return;
  }
  let lo = 0;
  let hi = run.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareEvents((run[mid] as Entry).event, entry.event) <= 0) lo = mid + 1;
    else hi = mid;
  }
  run.splice(lo, 0, entry);
}

/** Events from createEventWriter are frozen already; anything else is copied so the caller cannot change what is stored. */
function frozen(event: ChartEvent): ChartEvent {
  if (Object.isFrozen(event) && Object.isFrozen(event.data)) return event;
  return deepFreeze(structuredClone(event));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
