import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryProjectionTables } from '../../src/chart/memoryProjectionTables.js';
import type { ProjectionTables } from '../../src/chart/projectionTables.js';
import { createProjector } from '../../src/chart/projector.js';
import { compareEvents } from '../../src/event/chartEvent.js';
import type { StreamId } from '../../src/event/ids.js';
import { scenarioArbitrary } from '../../src/testing/index.js';

/** Tables that count, per stream, how often a stream's whole set of resources was loaded. */
function countingTables(tables: ProjectionTables): { tables: ProjectionTables; loads: Map<string, number> } {
  const loads = new Map<string, number>();
  return {
    loads,
    tables: {
      ...tables,
      resources(stream, keys) {
        if (keys === undefined) loads.set(stream, (loads.get(stream) ?? 0) + 1);
        return tables.resources(stream, keys);
      },
    },
  };
}

describe('Projector cache', () => {
  it('stays within its bound after loading a whole stream: the least recently used stream goes at once', () => {
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
    const bytes = (stream: StreamId): number =>
      tables.resources(stream, undefined).reduce((n, r) => n + r.size, 0);
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
    projector.state(a);
    projector.state(a);
    expect(counted.loads.get(a)).toBe(1); // cached
    projector.state(b);
    projector.state(a);
    expect(counted.loads.get(a)).toBe(2); // evicted when b was loaded, so loaded again
  });
});
