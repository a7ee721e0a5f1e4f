import { ChartlogError } from '../error/chartlogError.js';
import { compareEvents, type ChartEvent } from '../event/chartEvent.js';
import type { EventId, StreamId } from '../event/ids.js';
import type { Schema } from '../merge/schema.js';
import { retractionTargets } from './applyEvent.js';
import { applyBatch } from './applyBatch.js';
import { collectRetracted } from './foldStream.js';
import { combineStateHashes, stateHash } from './stateHash.js';
import { emptyStreamState, type StreamState } from './streamState.js';

/** Options for {@link createChart}. */
export interface ChartOptions {
  /** The resource types, fields and event types to fold. */
  readonly schema: Schema;
  /** Keep a snapshot of each stream every this many events, so a late event replays at most this many plus its own position. @defaultValue `128` */
  readonly snapshotEvery?: number;
}

/** What one {@link Chart.apply} call did. */
export interface ApplyReport {
  /** Events new to the chart. */
  readonly applied: number;
  /** Events it already held (by id): harmless no-ops. */
  readonly duplicates: number;
  /** Events that sorted before the stream's last event and made it rewind to a snapshot. */
  readonly late: number;
  /** Streams whose state changed, sorted. */
  readonly streams: readonly StreamId[];
}

/**
 * The projection of a replica (DESIGN §4): every stream's folded state, kept up to date
 * incrementally. An event later than its stream's last is applied directly; a late
 * event rewinds the stream to the nearest snapshot before it and replays forward; a
 * batch is applied in one immer draft per stream (per snapshot interval).
 */
export interface Chart {
  /** The schema folded with. */
  readonly schema: Schema;
  /** Adds events (any order, duplicates allowed). The caller vouches they are well-formed envelopes (stores and ingest validate). */
  apply(events: Iterable<ChartEvent>): ApplyReport;
  /** A stream's current state, or undefined when it has no events. */
  state(stream: StreamId): StreamState | undefined;
  /** Every stream with at least one event, sorted. */
  streams(): StreamId[];
  /** A stream's events in total order (including ones not understood or retracted). */
  events(stream: StreamId): readonly ChartEvent[];
  /** The event with this id in that stream, if held. */
  event(stream: StreamId, id: EventId): ChartEvent | undefined;
  /** SHA-256 of a stream's canonical state (of the empty state when it has no events). */
  stateHash(stream: StreamId): string;
  /** One hash over every stream's state: equal on two replicas exactly when they show the same records. */
  hash(): string;
  /** Number of events held. */
  readonly size: number;
}

interface StreamLog {
  readonly stream: StreamId;
  /** Sorted in total order, no repeated ids. */
  events: ChartEvent[];
  ids: Set<string>;
  retracted: Set<string>;
  /** `at` = number of leading events folded into `state`; `snapshots[0]` is the empty state. */
  snapshots: { at: number; state: StreamState }[];
  state: StreamState;
  /** How many leading events `state` folds. */
  folded: number;
}

/**
 * Creates an empty {@link Chart}.
 *
 * @example
 * ```ts
 * const chart = createChart({ schema: clinicalSchema });
 * chart.apply(events);
 * chart.state(streamId(`patient/${id}`));
 * ```
 */
export function createChart(options: ChartOptions): Chart {
  const { schema } = options;
  const snapshotEvery = options.snapshotEvery ?? 128;
  if (!Number.isInteger(snapshotEvery) || snapshotEvery < 1) throw new ChartlogError('INVALID_OPTION', `snapshotEvery must be a positive integer, got ${snapshotEvery}`);
  const logs = new Map<StreamId, StreamLog>();
  let size = 0;

  const replayFrom = (log: StreamLog, from: number): void => {
    let at: number;
    let state: StreamState;
    if (from >= log.folded) {
      // Appending after everything folded: continue from the current state, O(new events).
      ({ folded: at, state } = log);
    } else {
      let s = log.snapshots.length - 1;
      while (s > 0 && (log.snapshots[s] as { at: number }).at > from) s--;
      log.snapshots.length = s + 1;
      ({ at, state } = log.snapshots[s] as { at: number; state: StreamState });
    }
    const events = log.events;
    while (at < events.length) {
      // Stop each draft at the next snapshot boundary, so the snapshot is a finished state.
      const end = Math.min(events.length, (Math.floor(at / snapshotEvery) + 1) * snapshotEvery);
      state = applyBatch(state, events, at, end, schema, log.retracted, at === 0);
      at = end;
      if (at % snapshotEvery === 0) log.snapshots.push({ at, state });
    }
    log.state = state;
    log.folded = at;
  };

  const applyToStream = (log: StreamLog, incoming: ChartEvent[]): { applied: number; late: number } => {
    const fresh: ChartEvent[] = [];
    for (const e of incoming.sort(compareEvents)) {
      if (log.ids.has(e.id)) continue;
      log.ids.add(e.id);
      fresh.push(e);
    }
    if (fresh.length === 0) return { applied: 0, late: 0 };
    const events = log.events;
    const last = events[events.length - 1];
    let from = events.length;
    let late = 0;
    if (last === undefined || compareEvents(last, fresh[0] as ChartEvent) < 0) {
      // Not push(...fresh): a large batch for one stream would overflow the call stack.
      for (const e of fresh) events.push(e);
    }
    else {
      from = lowerBound(events, fresh[0] as ChartEvent);
      late = fresh.filter((e) => compareEvents(e, last) < 0).length;
      log.events = mergeSorted(events, fresh);
    }
    // A retraction undoes an event already folded: replay from before that event.
    const newlyRetracted = new Set<string>();
    for (const e of fresh) for (const id of retractionTargets(e, schema)) if (!log.retracted.has(id)) newlyRetracted.add(id);
    if (newlyRetracted.size > 0) {
      collectRetracted(fresh, schema, log.retracted);
      const at = log.events.findIndex((e) => newlyRetracted.has(e.id));
      if (at >= 0 && at < from) from = at;
    }
    replayFrom(log, from);
    return { applied: fresh.length, late };
  };

  return {
    schema,
    get size() {
      return size;
    },
    apply(batch) {
      const byStream = new Map<StreamId, ChartEvent[]>();
      let received = 0;
      for (const e of batch) {
        received++;
        const list = byStream.get(e.stream);
        if (list) list.push(e);
        else byStream.set(e.stream, [e]);
      }
      let applied = 0;
      let late = 0;
      const changed: StreamId[] = [];
      for (const [stream, incoming] of byStream) {
        let log = logs.get(stream);
        if (!log) {
          const empty = emptyStreamState(stream);
          log = { stream, events: [], ids: new Set(), retracted: new Set(), snapshots: [{ at: 0, state: empty }], state: empty, folded: 0 };
          logs.set(stream, log);
        }
        const r = applyToStream(log, incoming);
        if (r.applied > 0) changed.push(stream);
        applied += r.applied;
        late += r.late;
      }
      size += applied;
      return { applied, duplicates: received - applied, late, streams: changed.sort() };
    },
    state: (stream) => logs.get(stream)?.state,
    streams: () => [...logs.keys()].sort(),
    events: (stream) => logs.get(stream)?.events ?? [],
    event(stream, id) {
      const log = logs.get(stream);
      return log?.ids.has(id) ? log.events.find((e) => e.id === id) : undefined;
    },
    stateHash: (stream) => stateHash(logs.get(stream)?.state ?? emptyStreamState(stream)),
    hash: () => combineStateHashes([...logs].map(([stream, log]) => [stream, log.state] as const)),
  };
}

/** First index whose event sorts at or after `e`. */
function lowerBound(events: readonly ChartEvent[], e: ChartEvent): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareEvents(events[mid] as ChartEvent, e) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function mergeSorted(a: readonly ChartEvent[], b: readonly ChartEvent[]): ChartEvent[] {
  const out: ChartEvent[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = compareEvents(a[i] as ChartEvent, b[j] as ChartEvent) <= 0 ? (a[i++] as ChartEvent) : (b[j++] as ChartEvent);
  while (i < a.length) out[k++] = a[i++] as ChartEvent;
  while (j < b.length) out[k++] = b[j++] as ChartEvent;
  return out;
}
