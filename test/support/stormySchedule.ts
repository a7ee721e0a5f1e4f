import type { FaultSchedule } from '../../src/testing/faultSchedule.js';

/**
 * Four sites through thirty steps of every fault at once (a partition, drops, duplicates,
 * reordering, delays and a crash): the network simulator's tests and its pinned runs share it.
 */
export const stormy: FaultSchedule = {
  sites: 4,
  durable: 1,
  seed: 1234,
  steps: 30,
  clockOffsetsMs: [0, 1500, -800, 40],
  writes: [
    { step: 0, site: 0, count: 5 },
    { step: 2, site: 1, count: 3 },
    { step: 5, site: 2, count: 4 },
    { step: 9, site: 3, count: 4 },
    { step: 12, site: 0, count: 4 },
    { step: 20, site: 1, count: 5 },
  ],
  faults: [
    { kind: 'partition', from: 3, until: 15, side: [0, 1] },
    { kind: 'drop', from: 0, until: 30, percent: 30 },
    { kind: 'duplicate', from: 5, until: 25, percent: 50 },
    { kind: 'reorder', from: 0, until: 30, maxSteps: 3 },
    { kind: 'delay', from: 10, until: 20, ms: 700 },
    { kind: 'crash', at: 14, site: 0, downSteps: 4 },
  ],
};
