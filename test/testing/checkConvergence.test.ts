import { describe, expect, it } from 'vitest';
import {
  ChartlogError,
  createChart,
  createEventWriter,
  createHybridClock,
  defineSchema,
  isChartlogError,
  lww,
  siteId,
  streamId,
  type ChartEvent,
  type MergeRule,
  type RegisterState,
} from '../../src/index.js';
import {
  checkConvergence,
  compareCharts,
  ConvergenceError,
  diffJson,
  syncUntilQuiet,
  testSchema,
  TEST_EVENT_TYPE,
} from '../../src/testing/index.js';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0, 0);
const stream = streamId('patient/p1');

function writes(site: string, values: readonly string[]): ChartEvent[] {
  let wall = T0;
  const writer = createEventWriter({
    site: siteId(site),
    clock: createHybridClock({ wallClock: () => (wall += 10) }),
  });
  return values.map((v) =>
    writer.append({
      stream,
      type: TEST_EVENT_TYPE,
      data: { 'Item/r1': { lww: v, set: { add: [v] } } },
      author: { id: `dr-${site}` },
    }),
  );
}

describe('checkConvergence', () => {
  const events = [
    ...writes('site-a', ['alpha', 'beta']),
    ...writes('site-b', ['gamma']),
    ...writes('site-c', ['delta', 'epsilon']),
  ];

  it('passes when every order and delivery agrees, reporting one hash for every replica', () => {
    const report = checkConvergence(events, testSchema, {
      orders: [[...events].reverse(), [...events, ...events]],
      deliveries: [[events.slice(3), events.slice(0, 3)], events.map((e) => [e])],
    });
    expect(report.equal).toBe(true);
    expect(report.replicas).toHaveLength(5);
    expect(new Set(report.replicas.map((r) => r.hash))).toEqual(new Set([report.hash]));
  });

  it('throws a ConvergenceError with a readable diff when a replica differs', () => {
    // A rule that is not deterministic: every apply stamps a fresh number.
    let n = 0;
    const counter: MergeRule<RegisterState> = {
      ...lww,
      name: 'counter',
      apply: (state, w, p) => {
        lww.apply(state, w, p);
        (state as { value: unknown }).value = n++;
      },
    };
    const schema = defineSchema({
      resources: { Item: { fields: { lww: 'counter', set: 'set' } } },
      events: { [TEST_EVENT_TYPE]: { v: 1, resources: ['Item'] } },
      rules: { counter: counter as unknown as MergeRule },
    });
    let thrown: unknown;
    try {
      checkConvergence(events, schema);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ConvergenceError);
    expect(isChartlogError(thrown, 'CONVERGENCE_FAILED')).toBe(true);
    const message = (thrown as Error).message;
    expect(message).toMatch(/differs from fold \(given order\) on patient\/p1/);
    expect(message).toMatch(/resources\["Item\/r1"\]\.fields\.lww\.value: expected \d+, got \d+/);
    expect((thrown as ConvergenceError).report.equal).toBe(false);
  });

  it('refuses an order that does not hold exactly the given events', () => {
    expect(() => checkConvergence(events, testSchema, { orders: [events.slice(1)] })).toThrow(
      /holds 4 distinct events, not the 5 given/,
    );
  });
});

describe('compareCharts and syncUntilQuiet', () => {
  const a = writes('site-a', ['alpha', 'beta']);
  const b = writes('site-b', ['gamma']);
  const c = writes('site-c', ['delta']);

  it('finds charts that differ, then syncing until quiet makes them agree', () => {
    const charts = [a, b, c].map((events) => {
      const chart = createChart({ schema: testSchema });
      chart.apply(events);
      return chart;
    });
    expect(() => compareCharts(charts, { names: ['practice-a', 'hospital', 'backup'] })).toThrow(
      /hospital vs practice-a, patient\/p1: events differ/,
    );
    let differ: unknown;
    try {
      compareCharts(charts);
    } catch (e) {
      differ = e;
    }
    expect(isChartlogError(differ, 'CONVERGENCE_FAILED')).toBe(true);
    expect(compareCharts(charts, { throwOnDifference: false }).equal).toBe(false);
    const report = syncUntilQuiet(charts, { maxBatch: 1 });
    expect(report.transferred).toBe(8); // each chart gains the 4 events it lacked… minus its own: 2+3+3
    expect(compareCharts(charts).equal).toBe(true);
  });

  it('gives up after maxRounds when the charts are not yet quiet, with a typed error and its counts', () => {
    const charts = [a, b, c, []].map((events) => {
      const chart = createChart({ schema: testSchema });
      chart.apply(events);
      return chart;
    });
    const error = (() => {
      try {
        return syncUntilQuiet(charts, { maxRounds: 1 });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ChartlogError);
    expect(error).toMatchObject({
      code: 'SYNC_NOT_QUIET',
      message: expect.stringMatching(/still transferring after 1 rounds/),
      details: { rounds: 1, transferred: 11 },
    });
  });
});

describe('diffJson', () => {
  it('names each differing path with both values', () => {
    expect(diffJson({ a: 1, b: [1, 2], c: { d: 'x' } }, { a: 1, b: [1, 3], e: true } as never)).toEqual([
      'b[1]: expected 2, got 3',
      'c: expected {"d":"x"}, got (absent)',
      'e: expected (absent), got true',
    ]);
    expect(diffJson({ a: [1] }, { a: [1] })).toEqual([]);
  });
});
