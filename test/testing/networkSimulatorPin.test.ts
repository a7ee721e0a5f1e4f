/**
 * A seed gives the same run, before and after the simulator was rebuilt from one closure
 * into a network of small named steps: these outcomes (a digest of the trace, the
 * acknowledged events, every replica's hash, the fault counts) were RECORDED from the old
 * code (commit e9fa16e, `runNetworkSimulation` as one closure), so a change here is a
 * change in what a seed replays, never a refactor. Regression pins, not a specification:
 * if the simulator's behaviour changes on purpose, record them again and say so.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openSqliteEventLog } from '../../src/store/sqlite/index.js';
import {
  runNetworkSimulation,
  type FaultSchedule,
  type NetworkSimulationOptions,
} from '../../src/testing/index.js';
import { useTempDir } from '../support/tempDir.js';
import { stormy } from '../support/stormySchedule.js';

const file = useTempDir('network-pin');
let opened = 0;
const durableStore = () => {
  const run = ++opened;
  return (site: string) => openSqliteEventLog(file(`${run}-${site}.chartlog`), { synchronous: 'normal' });
};

const sha = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** What a run did, small enough to pin. */
async function outcome(schedule: FaultSchedule, options: NetworkSimulationOptions = {}) {
  const run = await runNetworkSimulation(schedule, { durableStore: durableStore(), ...options });
  try {
    return {
      traceLines: run.trace.length,
      trace: sha(run.trace.join('\n')),
      acknowledged: run.acknowledged.length,
      events: sha(run.acknowledged.map((e) => e.id).join('\n')),
      hashes: run.replicas().map((r) => r.chart.hash()),
      stats: run.stats,
    };
  } finally {
    await run.close();
  }
}

/** Sampled from faultScheduleArbitrary (seed 2026), written out so the pin does not depend on the arbitrary. */
const crashAndDuplicates: FaultSchedule = {
  sites: 4,
  durable: 1,
  seed: 2147483630,
  steps: 23,
  clockOffsetsMs: [-4999, -497, 4991, 3858],
  writes: [
    { step: 17, site: 3, count: 1 },
    { step: 6, site: 0, count: 4 },
    { step: 14, site: 1, count: 2 },
    { step: 12, site: 1, count: 5 },
    { step: 24, site: 3, count: 3 },
    { step: 4, site: 1, count: 4 },
    { step: 8, site: 2, count: 4 },
    { step: 25, site: 3, count: 3 },
    { step: 23, site: 3, count: 5 },
    { step: 17, site: 1, count: 2 },
    { step: 10, site: 2, count: 5 },
  ],
  faults: [
    { kind: 'reorder', from: 28, until: 32, maxSteps: 1 },
    { kind: 'crash', at: 19, site: 0, downSteps: 4 },
    { kind: 'delay', from: 12, until: 17, ms: 170 },
    { kind: 'duplicate', from: 19, until: 35, percent: 38 },
    { kind: 'partition', from: 4, until: 11, side: [1, 0] },
    { kind: 'partition', from: 18, until: 20, side: [3] },
  ],
};

/** Sampled likewise: two crashes, partitions, drops and duplicates. */
const twoCrashes: FaultSchedule = {
  sites: 4,
  durable: 1,
  seed: -85963250,
  steps: 30,
  clockOffsetsMs: [7, -3438, 831, -496],
  writes: [
    { step: 16, site: 2, count: 5 },
    { step: 18, site: 1, count: 2 },
  ],
  faults: [
    { kind: 'duplicate', from: 6, until: 10, percent: 14 },
    { kind: 'duplicate', from: 2, until: 30, percent: 35 },
    { kind: 'reorder', from: 14, until: 31, maxSteps: 2 },
    { kind: 'partition', from: 29, until: 32, side: [2, 1] },
    { kind: 'drop', from: 27, until: 44, percent: 20 },
    { kind: 'partition', from: 3, until: 9, side: [3] },
    { kind: 'crash', at: 6, site: 0, downSteps: 4 },
    { kind: 'crash', at: 2, site: 0, downSteps: 1 },
  ],
};

/** In memory, over a star, with frequent reconnects and small messages. */
const star: FaultSchedule = {
  sites: 3,
  durable: 0,
  seed: 77,
  steps: 16,
  clockOffsetsMs: [0, -300, 900],
  writes: [
    { step: 0, site: 1, count: 6 },
    { step: 3, site: 2, count: 5 },
    { step: 9, site: 0, count: 3 },
  ],
  faults: [
    { kind: 'drop', from: 0, until: 16, percent: 40 },
    { kind: 'duplicate', from: 0, until: 16, percent: 30 },
    { kind: 'reorder', from: 2, until: 12, maxSteps: 2 },
  ],
};
const starOptions: NetworkSimulationOptions = {
  topology: [
    [0, 1],
    [0, 2],
  ],
  reconnectEverySteps: 3,
  maxEvents: 2,
};

// Recorded from the old code (see the file's comment); never edit by hand. Re-recorded on
// 2026-11-27, on purpose, for stormy, stormyUnhealed and crashAndDuplicates, when a replica
// began sending its own events before relayed ones (`SyncSource.site`): the same events
// acknowledged, the same hashes once healed (stormy heals in 2 rounds, was 3), different
// traces; stopped mid-outage, all four replicas of stormyUnhealed now hold the whole record
// (two of them ended on other hashes before).
const PINS = {
  stormy: {
    traceLines: 252,
    trace: '602acd33aa853f6c',
    acknowledged: 25,
    events: 'af876a7b14203186',
    hashes: [
      'b8726ff59f3772b150c8a74832c900bbfa14f0fb7b8a0fe0ad37868b37ed880e',
      'b8726ff59f3772b150c8a74832c900bbfa14f0fb7b8a0fe0ad37868b37ed880e',
      'b8726ff59f3772b150c8a74832c900bbfa14f0fb7b8a0fe0ad37868b37ed880e',
      'b8726ff59f3772b150c8a74832c900bbfa14f0fb7b8a0fe0ad37868b37ed880e',
    ],
    stats: { sent: 132, delivered: 93, lost: 59, duplicated: 20, crashes: 1, healRounds: 2 },
  },
  stormyUnhealed: {
    traceLines: 239,
    trace: '9b323cdaf084a20c',
    acknowledged: 25,
    events: 'af876a7b14203186',
    hashes: [
      'b8726ff59f3772b150c8a74832c900bbfa14f0fb7b8a0fe0ad37868b37ed880e',
      'b8726ff59f3772b150c8a74832c900bbfa14f0fb7b8a0fe0ad37868b37ed880e',
      'b8726ff59f3772b150c8a74832c900bbfa14f0fb7b8a0fe0ad37868b37ed880e',
      'b8726ff59f3772b150c8a74832c900bbfa14f0fb7b8a0fe0ad37868b37ed880e',
    ],
    stats: { sent: 120, delivered: 81, lost: 43, duplicated: 20, crashes: 1, healRounds: 0 },
  },
  crashAndDuplicates: {
    traceLines: 326,
    trace: '69d17b84751751c4',
    acknowledged: 38,
    events: 'b4499a413b161aa4',
    hashes: [
      '976871cc600d1b31b5618788a398f74969167fa7de071038fa72076a1999ec9c',
      '976871cc600d1b31b5618788a398f74969167fa7de071038fa72076a1999ec9c',
      '976871cc600d1b31b5618788a398f74969167fa7de071038fa72076a1999ec9c',
      '976871cc600d1b31b5618788a398f74969167fa7de071038fa72076a1999ec9c',
    ],
    stats: { sent: 157, delivered: 130, lost: 32, duplicated: 5, crashes: 1, healRounds: 4 },
  },
  twoCrashes: {
    traceLines: 251,
    trace: '5bfe5d8dbe825a2d',
    acknowledged: 7,
    events: '8fb28091bb0c72e8',
    hashes: [
      'e8504eb6e89c2c6efe414eaf2819bb3b8bc67ba7e12411c70608cf3c753b8d04',
      'e8504eb6e89c2c6efe414eaf2819bb3b8bc67ba7e12411c70608cf3c753b8d04',
      'e8504eb6e89c2c6efe414eaf2819bb3b8bc67ba7e12411c70608cf3c753b8d04',
      'e8504eb6e89c2c6efe414eaf2819bb3b8bc67ba7e12411c70608cf3c753b8d04',
    ],
    stats: { sent: 109, delivered: 131, lost: 6, duplicated: 28, crashes: 2, healRounds: 2 },
  },
  star: {
    traceLines: 102,
    trace: '676f52f5e1ebf669',
    acknowledged: 14,
    events: '453bca541f175f4a',
    hashes: [
      '845e79497af1f6746eaa494ab30d7f9ff62aeaa304f965c9b1afd014c6116f2e',
      '845e79497af1f6746eaa494ab30d7f9ff62aeaa304f965c9b1afd014c6116f2e',
      '845e79497af1f6746eaa494ab30d7f9ff62aeaa304f965c9b1afd014c6116f2e',
    ],
    stats: { sent: 51, delivered: 39, lost: 20, duplicated: 8, crashes: 0, healRounds: 3 },
  },
};

describe('a seed replays the same run as the simulator before its rebuild (recorded pins)', () => {
  it('the stormy schedule on a SQLite site', async () => {
    expect(await outcome(stormy)).toEqual(PINS.stormy);
  });

  it('the stormy schedule stopped mid-outage (no healing)', async () => {
    expect(await outcome(stormy, { heal: false })).toEqual(PINS.stormyUnhealed);
  });

  it('a crash with duplicates and two partitions', async () => {
    expect(await outcome(crashAndDuplicates)).toEqual(PINS.crashAndDuplicates);
  });

  it('two crashes of one site', async () => {
    expect(await outcome(twoCrashes)).toEqual(PINS.twoCrashes);
  });

  it('a star in memory with frequent reconnects', async () => {
    expect(await outcome(star, starOptions)).toEqual(PINS.star);
  });
});
