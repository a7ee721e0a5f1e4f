import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryProjectionTables } from '../../src/chart/memoryProjectionTables.js';
import { heapBytesOfKeyList, type ProjectionTables } from '../../src/chart/projectionTables.js';
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
