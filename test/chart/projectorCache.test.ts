import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryProjectionTables } from '../../src/chart/memoryProjectionTables.js';
import { heapBytesOfKeyList, type ProjectionTables } from '../../src/chart/projectionTables.js';
import { forEachWrite } from '../../src/chart/fieldWrites.js';
import { createProjector } from '../../src/chart/projector.js';
import { compareEvents } from '../../src/event/chartEvent.js';
import type { StreamId } from '../../src/event/ids.js';
import type { StreamState } from '../../src/chart/streamState.js';
import { scenarioArbitrary } from '../../src/testing/index.js';

/** Tables that count, per stream, how often its keys were listed and how many rows were read. */
function countingTables(tables: ProjectionTables): {
  tables: ProjectionTables;
  listings: Map<string, number>;
  rowsRead: Map<string, number>;
} {
  const listings = new Map<string, number>();
  const rowsRead = new Map<string, number>();
  return {
    listings,
    rowsRead,
    tables: {
      ...tables,
      keys(stream) {
        listings.set(stream, (listings.get(stream) ?? 0) + 1);
        return tables.keys(stream);
      },
      resources(stream, keys) {
        const rows = tables.resources(stream, keys);
        rowsRead.set(stream, (rowsRead.get(stream) ?? 0) + rows.length);
        return rows;
      },
    },
  };
}

/** Reads every resource of a state, as a reader showing the whole record does. */
const readAll = (state: StreamState | undefined): void => {
  for (const key of Object.keys(state?.resources ?? {})) void state?.resources[key];
};

/**
 * Two streams, a and b, where the last event of a rewrites some of the rows a already held
 * (no key comes or goes): `early` is every other event, `late` that one; `before` and `after`
 * hold the projection without and with it.
 */
function rewriteScenario() {
  for (const s of fc.sample(scenarioArbitrary({ streams: 2, minSteps: 12 }), { numRuns: 200, seed: 5 })) {
    const events = [...s.events].sort(compareEvents);
    const streams = [...new Set(events.map((e) => e.stream))];
    if (streams.length !== 2) continue;
    const [a, b] = streams as [StreamId, StreamId];
    const late = events.filter((e) => e.stream === a).pop();
    if (late === undefined) continue;
    const early = events.filter((e) => e !== late);
    const reader = { readStream: (stream: StreamId) => events.filter((e) => e.stream === stream) };
    const before = createMemoryProjectionTables();
    createProjector({ schema: s.schema, tables: before, reader }).project(early).commit();
    const after = createMemoryProjectionTables();
    createProjector({ schema: s.schema, tables: after, reader }).project(events).commit();
    const keys = before.keys(a);
    if (keys.join() !== after.keys(a).join()) continue;
    const rewritten = keys.filter(
      (k) => before.resources(a, [k])[0]?.hash !== after.resources(a, [k])[0]?.hash,
    );
    // What the write loads into the cache: every resource it writes.
    const touched = new Set<string>();
    forEachWrite(late, (resource) => touched.add(resource));
    // a also holds rows the write leaves alone, which a state read after it has yet to read.
    if (rewritten.length > 0 && keys.some((k) => !touched.has(k)))
      return { s, early, late, a, b, reader, before, after, keys, rewritten, touched: [...touched] };
  }
  throw new Error('no scenario rewrites a row');
}

describe('Projector cache', () => {
  it('stays within its bound once a whole stream is read: the least recently used stream goes at once', () => {
    // Two streams with events; their projection written once, then read through a fresh projector.
    const [s] = fc.sample(
      scenarioArbitrary({ streams: 2, minSteps: 12 }).filter(
        (x) => new Set(x.events.map((e) => e.stream)).size === 2,
      ),
      { numRuns: 1, seed: 7 },
    );
    if (s === undefined) throw new Error('no scenario');
    const tables = createMemoryProjectionTables();
    const events = [...s.events].sort(compareEvents);
    const reader = { readStream: (stream: StreamId) => events.filter((e) => e.stream === stream) };
    createProjector({ schema: s.schema, tables, reader }).project(events).commit();
    const [a, b] = [...new Set(events.map((e) => e.stream))] as [StreamId, StreamId];
    // A stream's rows, and its key list and view as the projector counts them.
    const bytes = (stream: StreamId): number =>
      tables.resources(stream, undefined).reduce((n, r) => n + r.size, 0) +
      heapBytesOfKeyList(tables.keys(stream).length);
    expect(bytes(a)).toBeGreaterThan(0);
    expect(bytes(b)).toBeGreaterThan(0);

    // Room for either stream, not both.
    const counted = countingTables(tables);
    const projector = createProjector({
      schema: s.schema,
      tables: counted.tables,
      reader,
      cacheBytes: Math.max(bytes(a), bytes(b)),
    });
    readAll(projector.state(a));
    readAll(projector.state(a));
    expect(counted.listings.get(a)).toBe(1); // cached
    expect(counted.rowsRead.get(a)).toBe(tables.keys(a).length); // each row once
    readAll(projector.state(b));
    readAll(projector.state(a));
    expect(counted.listings.get(a)).toBe(2); // evicted when b was read, so listed again
    expect(counted.rowsRead.get(a)).toBe(2 * tables.keys(a).length);
  });

  it('counts the rows a write keeps for a state that has not read them, until a newer state takes over', () => {
    const { s, early, late, a, b, reader, before, after, keys, rewritten, touched } = rewriteScenario();
    const sizeOf = (tables: ProjectionTables, stream: StreamId, ks?: readonly string[]): number =>
      tables.resources(stream, ks).reduce((n, r) => n + r.size, 0);
    // After the write the cache holds the rows of a it wrote and a's key list, and b read
    // whole: room for exactly that, and not for the rows kept as well.
    const cacheBytes =
      sizeOf(after, a, touched) +
      heapBytesOfKeyList(keys.length) +
      sizeOf(after, b) +
      heapBytesOfKeyList(after.keys(b).length);
    const run = (readAgainAfterTheWrite: boolean): number => {
      const tables = createMemoryProjectionTables();
      createProjector({ schema: s.schema, tables, reader }).project(early).commit();
      const counted = countingTables(tables);
      const projector = createProjector({ schema: s.schema, tables: counted.tables, reader, cacheBytes });
      const held = projector.state(a); // read later: the write keeps the rows it replaces for it
      projector.project([late]).commit();
      // A newer state of a, with rows to read: the kept rows belong to the older state alone now.
      if (readAgainAfterTheWrite) void projector.state(a);
      readAll(projector.state(b));
      void projector.state(a);
      // The state held still reads each rewritten resource as it was.
      for (const k of rewritten) expect(held?.resources[k]).toEqual(before.resources(a, [k])[0]?.state);
      return counted.listings.get(a) ?? 0;
    };
    // Counted, the kept rows put the cache over its bound when b came in: a went first, and
    // its keys were listed again.
    expect(run(false)).toBe(2);
    // Once a newer state took over, they no longer count: a and b fit.
    expect(run(true)).toBe(1);
  });

  it('a state lists its keys and reads only the rows asked for, each once', () => {
    const [s] = fc.sample(scenarioArbitrary({ streams: 1, minSteps: 12 }), { numRuns: 1, seed: 11 });
    if (s === undefined) throw new Error('no scenario');
    const tables = createMemoryProjectionTables();
    const events = [...s.events].sort(compareEvents);
    const reader = { readStream: (stream: StreamId) => events.filter((e) => e.stream === stream) };
    createProjector({ schema: s.schema, tables, reader }).project(events).commit();
    const stream = events[0]?.stream as StreamId;
    const keys = tables.keys(stream);
    expect(keys.length).toBeGreaterThan(1);

    const counted = countingTables(tables);
    const lazy = createProjector({ schema: s.schema, tables: counted.tables, reader });
    const state = lazy.state(stream);
    expect(Object.keys(state?.resources ?? {})).toEqual(keys);
    expect(counted.rowsRead.get(stream) ?? 0).toBe(0);
    const first = keys[0] as string;
    expect(state?.resources[first]).toEqual(tables.resources(stream, [first])[0]?.state);
    void state?.resources[first];
    expect(counted.rowsRead.get(stream)).toBe(1);

    // `states: 'whole'`: every row read with the state.
    const whole = countingTables(tables);
    createProjector({ schema: s.schema, tables: whole.tables, reader, states: 'whole' }).state(stream);
    expect(whole.rowsRead.get(stream)).toBe(keys.length);
  });
});
