/**
 * The resource-key index every ChartView keeps (`locate`, `resourceKeys`): the same
 * answers from an in-memory chart, the memory store's projection and the SQLite store's,
 * including after a resource leaves a stream's state.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  createChart,
  createEventWriter,
  createHybridClock,
  createMemoryEventLog,
  defineSchema,
  isChartlogError,
  prepareRetraction,
  prepareWrite,
  siteId,
  streamId,
  type ChartEvent,
  type ChartView,
  type Json,
} from '../../src/index.js';
import { openSqliteEventLog } from '../../src/store/sqlite/index.js';
import { useTempDir } from '../support/tempDir.js';

const file = useTempDir('resource-key-index');
const schema = defineSchema({
  resources: {
    Item: { fields: { text: 'lww' } },
    Other: { fields: { text: 'lww' } },
    Items: { fields: { text: 'lww' } },
  },
  events: { 'item.written': { v: 1, resources: ['Item', 'Other', 'Items'] } },
});
const P1 = streamId('patient/p1');
const P2 = streamId('patient/p2');
const author = { id: 'dr-a' };

/** Item/b on two records, Item/a and Item/c on one each, and types whose names share a prefix. */
function scenario(): { events: ChartEvent[]; retractA: ChartEvent } {
  let wall = Date.UTC(2026, 0, 1);
  const writer = createEventWriter({
    site: siteId('site-a'),
    clock: createHybridClock({ wallClock: () => (wall += 1) }),
  });
  const write = (stream: typeof P1, writes: Record<string, Record<string, Json>>): ChartEvent =>
    writer.append(prepareWrite(schema, undefined, { stream, type: 'item.written', author, writes }));
  const first = write(P1, { 'Item/a': { text: 'a' }, 'Items/z': { text: 'z' } });
  const events = [
    first,
    write(P1, { 'Item/b': { text: 'b1' } }),
    write(P2, { 'Item/b': { text: 'b2' }, 'Item/c': { text: 'c' }, 'Other/x': { text: 'x' } }),
  ];
  // Takes back the only write of Item/a (and Items/z): it leaves P1's state.
  const retractA = writer.append(
    prepareRetraction({ stream: P1, events: [first.id], reason: 'wrong record', author }),
  );
  return { events, retractA };
}

function expectBeforeRetraction(view: ChartView): void {
  expect(view.locate('Item/a')).toEqual([P1]);
  expect(view.locate('Item/b')).toEqual([P1, P2]);
  expect(view.locate('Item/none')).toEqual([]);
  expect(view.resourceKeys('Item')).toEqual([
    { stream: P1, key: 'Item/a' },
    { stream: P1, key: 'Item/b' },
    { stream: P2, key: 'Item/b' },
    { stream: P2, key: 'Item/c' },
  ]);
  expect(view.resourceKeys('Items')).toEqual([{ stream: P1, key: 'Items/z' }]);
  expect(view.resourceKeys('Item', { after: 'Item/a', limit: 1 }), 'a page never splits a key').toEqual([
    { stream: P1, key: 'Item/b' },
    { stream: P2, key: 'Item/b' },
  ]);
  expect(view.resourceKeys('Item', { after: 'Item/b' })).toEqual([{ stream: P2, key: 'Item/c' }]);
  expect(view.resourceKeys('Item', { after: 'Item/c' })).toEqual([]);
  expect(
    view.resourceKeys('Item', { after: 'Apple/1' }),
    'an after before the type starts from its first key',
  ).toHaveLength(4);
  expect(view.resourceKeys('Nothing')).toEqual([]);
}

function expectAfterRetraction(view: ChartView): void {
  expect(view.locate('Item/a')).toEqual([]);
  expect(view.locate('Items/z')).toEqual([]);
  expect(view.resourceKeys('Item').map((r) => r.key)).toEqual(['Item/b', 'Item/b', 'Item/c']);
  expect(view.resourceKeys('Items')).toEqual([]);
  expect(view.resourceKeys('Other')).toEqual([{ stream: P2, key: 'Other/x' }]);
}

function expectRefusals(view: ChartView): void {
  for (const [type, options] of [
    ['', {}],
    ['Item/a', {}],
    ['Item', { limit: 0 }],
    ['Item', { limit: 1.5 }],
  ] as const) {
    let error: unknown;
    try {
      view.resourceKeys(type, options);
    } catch (e) {
      error = e;
    }
    expect(
      isChartlogError(error) && error.code,
      `resourceKeys(${JSON.stringify(type)}, ${JSON.stringify(options)})`,
    ).toBe('INVALID_OPTION');
  }
}

describe('the resource-key index of a chart view', () => {
  it('an in-memory chart finds each resource without knowing its record, and forgets one retracted from its record', () => {
    const { events, retractA } = scenario();
    const chart = createChart({ schema });
    chart.apply(events);
    expectBeforeRetraction(chart);
    expectRefusals(chart);
    chart.apply([retractA]);
    expectAfterRetraction(chart);
  });

  it('the memory store’s projection answers the same', async () => {
    const { events, retractA } = scenario();
    const store = createMemoryEventLog();
    await store.append(events);
    const projection = await store.openProjection({ schema });
    expectBeforeRetraction(projection);
    expectRefusals(projection);
    await store.append([retractA]);
    expectAfterRetraction(projection);
  });

  it('the SQLite store’s projection answers the same, after reopening too, from its index alone', async () => {
    const { events, retractA } = scenario();
    const path = file('index.chartlog');
    const store = openSqliteEventLog(path);
    const projection = await store.openProjection({ schema });
    await store.append(events);
    expectBeforeRetraction(projection);
    expectRefusals(projection);
    await store.append([retractA]);
    expectAfterRetraction(projection);
    await store.close();
    const reader = openSqliteEventLog(path, { readOnly: true });
    expectAfterRetraction(await reader.openProjection({ schema }));
    await reader.close();
    const db = new Database(path, { readonly: true });
    try {
      // Both reads scan the covering index only: no resource row (and its body) is read.
      const plan = (sql: string, ...args: unknown[]): string =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[])
          .map((r) => r.detail)
          .join('; ');
      expect(
        plan('SELECT stream FROM projection_resources WHERE resource = ? ORDER BY stream', 'Item/b'),
      ).toMatch(
        /^SEARCH projection_resources USING COVERING INDEX projection_resources_resource \(resource=\?\)$/,
      );
      expect(
        plan(
          'SELECT stream, resource FROM projection_resources WHERE resource > ? AND resource < ? ORDER BY resource, stream LIMIT ?',
          'Item/',
          'Item0',
          10,
        ),
      ).toMatch(
        /^SEARCH projection_resources USING COVERING INDEX projection_resources_resource \(resource>\? AND resource<\?\)$/,
      );
    } finally {
      db.close();
    }
  });
});
