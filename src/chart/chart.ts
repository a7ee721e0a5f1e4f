import { compareEvents, type ChartEvent } from '../event/chartEvent.js';
import type { EventId, StreamId } from '../event/ids.js';
import type { Schema } from '../merge/schema.js';
import type { ChartView } from './chartView.js';
import { createMemoryProjectionTables } from './memoryProjectionTables.js';
import { createProjector } from './projector.js';
import { projectorView } from './projectorView.js';

/** Options for {@link createChart}. */
export interface ChartOptions {
  /** The resource types, fields and event types to fold. */
  readonly schema: Schema;
}

/** What one {@link Chart.apply} call did. */
export interface ApplyReport {
  /** Events new to the chart. */
  readonly applied: number;
  /** Events it already held (by id): harmless no-ops. */
  readonly duplicates: number;
  /** New events that sorted before their stream's last event (late arrivals after an outage). */
  readonly late: number;
  /** Streams whose state changed, sorted. */
  readonly streams: readonly StreamId[];
}

/**
 * An in-memory projection that also holds every event (docs/architecture.md, "The persisted projection"): for simulations,
 * property tests and research, where the events are at hand. It folds exactly as a
 * replica's persisted projection does (the same projector, over tables in maps), so
 * what it shows equals the pure `fold` of the events it was given. A replica of a real
 * record uses its store's projection instead (`Replica.chart`), which keeps no events in
 * memory.
 */
export interface Chart extends ChartView {
  /** Adds events (any order, duplicates allowed). The caller vouches they are well-formed envelopes (stores and ingest validate). */
  apply(events: Iterable<ChartEvent>): ApplyReport;
  /** A stream's events in total order (including ones not understood or retracted). */
  events(stream: StreamId): readonly ChartEvent[];
  /** The event with this id in that stream, if held. */
  event(stream: StreamId, id: EventId): ChartEvent | undefined;
}

interface StreamLog {
  /** Sorted in total order, no repeated ids. */
  events: ChartEvent[];
  readonly ids: Map<string, ChartEvent>;
}

/**
 * Creates an empty in-memory {@link Chart}.
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
  const logs = new Map<StreamId, StreamLog>();
  const projector = createProjector({
    schema,
    tables: createMemoryProjectionTables(),
    reader: { readStream: (stream) => logs.get(stream)?.events ?? [] },
    cacheBytes: Infinity,
  });
  return projectorView<Chart>(projector, {
    events: (stream) => logs.get(stream)?.events ?? [],
    event: (stream, id) => logs.get(stream)?.ids.get(id),
    apply(batch) {
      const fresh: ChartEvent[] = [];
      const byStream = new Map<StreamId, ChartEvent[]>();
      let received = 0;
      let late = 0;
      for (const e of batch) {
        received++;
        let log = logs.get(e.stream);
        if (log === undefined) logs.set(e.stream, (log = { events: [], ids: new Map() }));
        if (log.ids.has(e.id)) continue;
        log.ids.set(e.id, e);
        fresh.push(e);
        const list = byStream.get(e.stream);
        if (list) list.push(e);
        else byStream.set(e.stream, [e]);
      }
      for (const [stream, incoming] of byStream) {
        const log = logs.get(stream) as StreamLog;
        incoming.sort(compareEvents);
        const last = log.events[log.events.length - 1];
        if (last !== undefined) for (const e of incoming) if (compareEvents(e, last) < 0) late++;
        log.events = mergeSorted(log.events, incoming);
      }
      projector.project(fresh).commit();
      return {
        applied: fresh.length,
        duplicates: received - fresh.length,
        late,
        streams: [...byStream.keys()].sort(),
      };
    },
  });
}

function mergeSorted(a: readonly ChartEvent[], b: readonly ChartEvent[]): ChartEvent[] {
  if (a.length === 0) return [...b];
  // Appending after everything held (the usual case): no merge needed. Not push(...b): a large batch would overflow the call stack.
  if (compareEvents(a[a.length - 1] as ChartEvent, b[0] as ChartEvent) < 0) {
    const out = a as ChartEvent[];
    for (const e of b) out.push(e);
    return out;
  }
  const out: ChartEvent[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length)
    out[k++] =
      compareEvents(a[i] as ChartEvent, b[j] as ChartEvent) <= 0
        ? (a[i++] as ChartEvent)
        : (b[j++] as ChartEvent);
  while (i < a.length) out[k++] = a[i++] as ChartEvent;
  while (j < b.length) out[k++] = b[j++] as ChartEvent;
  return out;
}
