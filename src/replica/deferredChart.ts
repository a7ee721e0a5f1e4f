import type { Chart } from '../chart/chart.js';
import type { ChartEvent } from '../event/chartEvent.js';

/** A {@link Chart} whose ingested events are folded in one batch when it is next read. */
export interface DeferredChart extends Chart {
  /** Queues events for the next read (or `apply`); they are folded together, in one `apply`. */
  defer(events: readonly ChartEvent[]): void;
}

/**
 * Wraps a chart so that events taken in by sync are applied in one batch, on the first
 * read after them, instead of one `apply` per message (DESIGN §4: a large sync applies
 * many events in one draft). After an outage a site's events interleave in time with
 * every other site's, so each message would rewind most streams it touches and replay
 * them: one rewind per stream per read instead of per message. Every method (and
 * `size`) first folds what is queued, so what a caller sees is exactly what an eager
 * chart shows; only when the work is done moves.
 */
export function createDeferredChart(inner: Chart): DeferredChart {
  let pending: ChartEvent[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    try {
      inner.apply(batch);
    } catch (error) {
      // Keep them queued (applying again is harmless: the chart skips ids it holds).
      pending = batch;
      throw error;
    }
  };
  return {
    schema: inner.schema,
    defer(events) {
      for (const e of events) pending.push(e);
    },
    apply(events) {
      flush();
      return inner.apply(events);
    },
    state(stream) {
      flush();
      return inner.state(stream);
    },
    streams() {
      flush();
      return inner.streams();
    },
    events(stream) {
      flush();
      return inner.events(stream);
    },
    event(stream, id) {
      flush();
      return inner.event(stream, id);
    },
    stateHash(stream) {
      flush();
      return inner.stateHash(stream);
    },
    hash() {
      flush();
      return inner.hash();
    },
    conflictStreams() {
      flush();
      return inner.conflictStreams();
    },
    get size() {
      flush();
      return inner.size;
    },
  };
}
