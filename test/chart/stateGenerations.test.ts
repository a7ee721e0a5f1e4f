/**
 * A stream state is a snapshot: it reads its resources' rows when they are first asked for,
 * yet never shows a write made after it was handed out (src/chart/stateGenerations.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  createMemoryEventLog,
  fold,
  prepareWrite,
  siteId,
  streamId,
  type ChartEvent,
  type EventLog,
  type StreamId,
  type StreamState,
} from '../../src/index.js';
import { openSqliteEventLog } from '../../src/store/sqlite/index.js';
import { testSchema, TEST_EVENT_TYPE } from '../../src/testing/index.js';
import { caughtError } from '../support/caughtError.js';
import { makeWriter } from '../support/storeFixtures.js';
import { useTempDir } from '../support/tempDir.js';

const file = useTempDir('handed-states');
let files = 0;
const stream = streamId('patient/p1');
const author = { id: 'gp-1', role: 'gp' };

/** A stream a cache of 0 bytes evicts `stream` for, written by a site of its own. */
const other = streamId('patient/p2');

/** Writes `Item` fields to `stream` (as site-a) or to `other` (as site-b), each site's events in seq order. */
function itemWriter(): (to: StreamId, writes: Record<string, Record<string, string>>) => ChartEvent {
  const writers = { [stream]: makeWriter(siteId('site-a')), [other]: makeWriter(siteId('site-b')) };
  return (to, writes) =>
    (writers[to] as ReturnType<typeof makeWriter>).append(
      prepareWrite(testSchema, undefined, { stream: to, type: TEST_EVENT_TYPE, author, writes }),
    );
}

/**
 * Two events of `stream`: the first writes Item/r1..r3, the second rewrites r1 and r2 and
 * adds r4; and one event of `other`.
 */
function twoWrites(): [ChartEvent, ChartEvent, ChartEvent] {
  const write = itemWriter();
  return [
    write(stream, {
      'Item/r1': { lww: 'r1 first' },
      'Item/r2': { lww: 'r2 first' },
      'Item/r3': { lww: 'r3 first' },
    }),
    write(stream, {
      'Item/r1': { lww: 'r1 second' },
      'Item/r2': { lww: 'r2 second' },
      'Item/r4': { lww: 'r4 new' },
    }),
    write(other, { 'Item/x': { lww: 'elsewhere' } }),
  ];
}

const stores: readonly { name: string; open: () => EventLog }[] = [
  { name: 'memory store', open: () => createMemoryEventLog() },
  { name: 'SQLite store', open: () => openSqliteEventLog(file(`s${files++}.chartlog`)) },
];

describe('a state handed out before a write', () => {
  for (const { name, open } of stores)
    for (const cacheBytes of [0, undefined])
      it(`${name}, cache ${cacheBytes ?? 'default'}: shows every resource as it was, read before or after the write`, async () => {
        // With no cache, the state holds no row when handed out: each is read, or handed over by the write.
        const [first, second, elsewhere] = twoWrites();
        const store = open();
        try {
          const projection = await store.openProjection?.({
            schema: testSchema,
            ...(cacheBytes === undefined ? {} : { cacheBytes }),
          });
          if (projection === undefined) throw new Error(`${name} has no projection`);
          await store.append([first]);
          await store.append([elsewhere]);
          const before = projection.state(stream) as StreamState;
          // Read one resource now; leave r2 (rewritten next) and r3 (untouched) for later.
          expect(before.resources['Item/r1']?.fields['lww']).toMatchObject({ value: 'r1 first' });
          // With no cache, reading another stream evicts this one before the write.
          projection.state(other);
          await store.append([second]);
          expect(before).toEqual(fold([first], testSchema).get(stream));
          expect(Object.keys(before.resources)).toEqual(['Item/r1', 'Item/r2', 'Item/r3']);
          expect(projection.state(stream)).toEqual(fold([first, second], testSchema).get(stream));
          expect(before, 'read again').toEqual(fold([first], testSchema).get(stream));
        } finally {
          await store.close();
        }
      });

  for (const { name, open } of stores)
    it(`${name}: a reader of more than a few resources, whose rest is read in one query, still reads them as they were`, async () => {
      const write = itemWriter();
      const items = (n: number, value: string): Record<string, Record<string, string>> =>
        Object.fromEntries(
          Array.from({ length: n }, (_, i) => [`Item/r${String(i).padStart(2, '0')}`, { lww: value }]),
        );
      const first = write(stream, items(20, 'first'));
      // Rewrites the last ten: a reader in key order meets them after its first eight reads.
      const second = write(stream, Object.fromEntries(Object.entries(items(20, 'second')).slice(10)));
      const store = open();
      try {
        const projection = await store.openProjection?.({ schema: testSchema, cacheBytes: 0 });
        if (projection === undefined) throw new Error(`${name} has no projection`);
        await store.append([first]);
        await store.append([write(other, { 'Item/x': { lww: 'elsewhere' } })]);
        const before = projection.state(stream) as StreamState;
        await store.append([second]);
        expect(before).toEqual(fold([first], testSchema).get(stream));
      } finally {
        await store.close();
      }
    });

  it('read-only SQLite: read whole, so a write by another connection does not reach it', async () => {
    const path = file(`s${files++}.chartlog`);
    const [first, second] = twoWrites();
    const writer = openSqliteEventLog(path);
    await writer.openProjection({ schema: testSchema });
    await writer.append([first]);
    const reader = openSqliteEventLog(path, { readOnly: true });
    try {
      const before = (await reader.openProjection({ schema: testSchema })).state(stream) as StreamState;
      await writer.append([second]);
      // Its reads would otherwise see the other connection's commit.
      expect(before).toEqual(fold([first], testSchema).get(stream));
    } finally {
      await reader.close();
      await writer.close();
    }
  });
});

describe('a state whose resources were not read', () => {
  it('SQLite: reading one after the store closed is refused with STORE_CLOSED', async () => {
    const [first] = twoWrites();
    const path = file(`s${files++}.chartlog`);
    const writer = openSqliteEventLog(path);
    await writer.openProjection({ schema: testSchema });
    await writer.append([first]);
    await writer.close();
    // Reopened, so no row is in memory yet.
    const store = openSqliteEventLog(path);
    const state = (await store.openProjection({ schema: testSchema })).state(stream) as StreamState;
    const read = state.resources['Item/r1'];
    await store.close();
    expect(state.resources['Item/r1']).toBe(read);
    const refused = await caughtError(Promise.resolve().then(() => state.resources['Item/r2']));
    expect(refused.code).toBe('STORE_CLOSED');
  });
});
