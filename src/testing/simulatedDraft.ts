import { prepareWrite } from '../chart/prepareWrite.js';
import type { EventDraft } from '../event/eventWriter.js';
import { streamId, type StreamId } from '../event/ids.js';
import type { SimulatedWrite } from './simulatedNetwork.js';
import { testSchema, TEST_EVENT_TYPE } from './testSchema.js';

const STREAMS = [streamId('patient/p1'), streamId('patient/p2')];

/**
 * The network simulator's default write: a `prepareWrite` of `lww`, `max` and `log` on one
 * of 3 Items of 2 test-schema patients, chosen with the run's seeded random source.
 *
 * @example
 * ```ts
 * await runNetworkSimulation(schedule, { draft: (write) => simulatedDraft(write) });
 * ```
 */
export function simulatedDraft({ replica, n, next }: SimulatedWrite): EventDraft {
  const stream = STREAMS[next() % STREAMS.length] as StreamId;
  const resource = `Item/r${next() % 3}`;
  return prepareWrite(testSchema, replica.chart.state(stream), {
    stream,
    type: TEST_EVENT_TYPE,
    author: { id: `clinician-${replica.site}`, role: 'gp' },
    writes: {
      [resource]: { lww: `${replica.site} #${n}`, max: next() % 100, log: `note ${n} from ${replica.site}` },
    },
  });
}
