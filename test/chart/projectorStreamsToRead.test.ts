import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryProjectionTables } from '../../src/chart/memoryProjectionTables.js';
import { createProjector } from '../../src/chart/projector.js';
import { compareEvents, type ChartEvent } from '../../src/event/chartEvent.js';
import type { StreamId } from '../../src/event/ids.js';
import { propertyParameters, scenarioArbitrary } from '../../src/testing/index.js';

describe('Projector.streamsToRead', () => {
  it('names exactly the streams project() then reads to re-fold, whatever order the events arrive in', () => {
    fc.assert(
      fc.property(
        scenarioArbitrary({ streams: 3 }),
        fc.array(fc.nat({ max: 5 }), { minLength: 1, maxLength: 8 }),
        (s, cuts) => {
          const held: ChartEvent[] = [];
          const read = new Set<StreamId>();
          const projector = createProjector({
            schema: s.schema,
            tables: createMemoryProjectionTables(),
            reader: {
              readStream(stream) {
                read.add(stream);
                return held.filter((e) => e.stream === stream).sort(compareEvents);
              },
            },
          });
          // Batches in an order unlike the clocks': late events and retractions after what they target.
          const events = [...s.events].reverse();
          for (let i = 0, c = 0; i < events.length; c++) {
            const batch = events.slice(i, (i += 1 + (cuts[c % cuts.length] as number)));
            const predicted = projector.streamsToRead(batch).sort();
            held.push(...batch);
            read.clear();
            projector.project(batch).commit();
            expect(predicted).toEqual([...read].sort());
          }
        },
      ),
      propertyParameters({ label: 'streamsToRead predicts the re-fold reads', runs: 50 }),
    );
  });
});
