import {
  createChart,
  createEventWriter,
  createHybridClock,
  defineSchema,
  prepareWrite,
  siteId,
  streamId,
  type Chart,
  type ChartEvent,
  type EventWriter,
  type Json,
  type StreamState,
} from '../../src/index.js';

/** One resource type with a field of every built-in rule. */
export const schema = defineSchema({
  resources: {
    Item: {
      fields: {
        text: 'lww',
        dose: 'mv',
        patient: 'once',
        reviewed: 'max',
        first: 'min',
        tags: 'set',
        notes: 'log',
      },
    },
  },
  events: { 'item.written': { v: 1, resources: ['Item'] } },
});

export const STREAM = streamId('patient/p1');
export const T0 = Date.UTC(2026, 6, 19, 6, 0, 0, 0);

/** A site with its own clock, writer and chart: what it sees is what its pred names. */
export interface TestSite {
  readonly writer: EventWriter;
  readonly chart: Chart;
  /** Advances this site's wall clock. */
  tick(ms: number): void;
  /** Records a write of fields of Item/i1 against what this site currently sees, and applies it locally. */
  write(
    fields: Record<string, Json>,
    resource?: string,
    options?: { resolveConflicts?: boolean },
  ): ChartEvent;
  state(): StreamState | undefined;
}

export function testSite(name: string, startMs = T0): TestSite {
  let wall = startMs;
  const writer = createEventWriter({
    site: siteId(name),
    clock: createHybridClock({ wallClock: () => wall, maxSkewMs: Number.MAX_SAFE_INTEGER }),
  });
  const chart = createChart({ schema });
  return {
    writer,
    chart,
    tick: (ms) => void (wall += ms),
    write(fields, resource = 'Item/i1', options = {}) {
      const request = {
        stream: STREAM,
        type: 'item.written',
        author: { id: `${name}-clinician` },
        writes: { [resource]: fields },
      };
      const e = writer.append(prepareWrite(schema, chart.state(STREAM), { ...request, ...options }));
      chart.apply([e]);
      return e;
    },
    state: () => chart.state(STREAM),
  };
}

/** The field state's shown value. */
export function valueOf(chart: Chart, field: string, resource = 'Item/i1'): unknown {
  return chart.state(STREAM)?.resources[resource]?.fields[field]?.value;
}
