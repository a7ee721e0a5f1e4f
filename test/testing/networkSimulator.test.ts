/**
 * The network simulator is itself a specification: a seed replays a run exactly, a
 * partition really cuts links, a crash loses nothing the store acknowledged, and the
 * healing period ends with every replica in agreement.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChartlogError } from '../../src/index.js';
import { openSqliteEventLog } from '../../src/store/sqlite/index.js';
import {
  checkNetworkConvergence,
  describeFaultSchedule,
  faultScheduleArbitrary,
  runNetworkSimulation,
  type FaultSchedule,
  type NetworkRun,
} from '../../src/testing/index.js';
import { useTempDir } from '../support/tempDir.js';
import { stormy } from '../support/stormySchedule.js';

const file = useTempDir('network-simulator');
let opened = 0;
/** A fresh SQLite file per run (the same site in two runs must not share one). */
const durableStore = () => {
  const run = ++opened;
  return (site: string) => openSqliteEventLog(file(`${run}-${site}.chartlog`), { synchronous: 'normal' });
};

async function withRun<T>(run: NetworkRun, body: (run: NetworkRun) => Promise<T>): Promise<T> {
  try {
    return await body(run);
  } finally {
    await run.close();
  }
}

describe('runNetworkSimulation', () => {
  it('replays a schedule exactly: the same trace, events and hashes', async () => {
    const once = async () =>
      withRun(await runNetworkSimulation(stormy, { durableStore: durableStore() }), async (run) => ({
        trace: run.trace,
        acknowledged: run.acknowledged.map((e) => JSON.stringify(e)),
        hashes: run.replicas().map((r) => r.chart.hash()),
        stats: run.stats,
      }));
    const [a, b] = [await once(), await once()];
    expect(a.trace.length).toBeGreaterThan(100);
    expect(b).toEqual(a);
    expect(a.stats.crashes).toBe(1);
    expect(a.stats.lost).toBeGreaterThan(0);
    expect(a.stats.duplicated).toBeGreaterThan(0);
  });

  it('converges after a stormy schedule, with every acknowledged event everywhere', async () => {
    await withRun(await runNetworkSimulation(stormy, { durableStore: durableStore() }), async (run) => {
      const report = await checkNetworkConvergence(run);
      expect(report.events).toBe(25);
      expect(run.acknowledged).toHaveLength(25);
      expect(new Set(report.sites.map((s) => s.hash))).toEqual(new Set([report.hash]));
    });
  });

  it('a partition really cuts its links: nothing crosses until it heals', async () => {
    const schedule: FaultSchedule = {
      sites: 3,
      durable: 0,
      seed: 7,
      steps: 12,
      clockOffsetsMs: [],
      writes: [
        { step: 0, site: 0, count: 3 },
        { step: 1, site: 1, count: 2 },
      ],
      faults: [{ kind: 'partition', from: 0, until: 99, side: [0] }],
    };
    await withRun(await runNetworkSimulation(schedule, { heal: false }), async (run) => {
      const [s0, s1, s2] = run.replicas();
      expect(await s0?.versionVector()).toEqual({ 'site-0': 3 });
      expect(await s1?.versionVector()).toEqual({ 'site-1': 2 });
      expect(await s2?.versionVector()).toEqual({ 'site-1': 2 }); // s1 and s2 are on one side and talk
      expect(run.trace.filter((l) => /s0→|→s0/.test(l) && l.includes('delivered'))).toEqual([]);
    });
    await withRun(await runNetworkSimulation(schedule), async (run) => {
      const report = await checkNetworkConvergence(run);
      expect(report.sites.map((s) => s.events)).toEqual([5, 5, 5]);
    });
  });

  it('a message in flight when a partition starts is lost', async () => {
    // Delivery takes 3 steps; the link goes down at step 1.
    const schedule: FaultSchedule = {
      sites: 2,
      durable: 0,
      seed: 1,
      steps: 6,
      clockOffsetsMs: [],
      writes: [{ step: 0, site: 0, count: 1 }],
      faults: [
        { kind: 'delay', from: 0, until: 1, ms: 250 },
        { kind: 'partition', from: 1, until: 99, side: [1] },
      ],
    };
    await withRun(await runNetworkSimulation(schedule, { heal: false }), async (run) => {
      expect(run.trace.some((l) => /s0→s1 lost \(partitioned\)/.test(l))).toBe(true);
      expect(await run.replicas()[1]?.versionVector()).toEqual({});
    });
  });

  it('a crashed site restarts on its SQLite file with every event its store acknowledged', async () => {
    // Cut off before it can pass anything on, so only its file can bring the events back.
    const schedule: FaultSchedule = {
      sites: 2,
      durable: 1,
      seed: 99,
      steps: 10,
      clockOffsetsMs: [],
      writes: [
        { step: 0, site: 0, count: 6 },
        { step: 1, site: 0, count: 3 },
        { step: 8, site: 0, count: 2 },
      ],
      faults: [
        { kind: 'partition', from: 0, until: 99, side: [0] },
        { kind: 'crash', at: 2, site: 0, downSteps: 3 },
      ],
    };
    await withRun(
      await runNetworkSimulation(schedule, { heal: false, durableStore: durableStore() }),
      async (run) => {
        const [site0] = run.sites;
        expect(site0?.restarts).toBe(1);
        expect(run.trace).toContain('#5 s0 restarted on its store (9 events)');
        const replica = site0?.replica();
        expect(await replica?.versionVector()).toEqual({ 'site-0': 11 }); // the chain went on after the restart
        for (const e of run.acknowledged) expect((await replica?.store.get(e.site, e.seq))?.id).toBe(e.id);
      },
    );
  });

  it('a site down when the run ends restarts for the healing period', async () => {
    const schedule: FaultSchedule = {
      sites: 3,
      durable: 1,
      seed: 3,
      steps: 5,
      clockOffsetsMs: [],
      writes: [
        { step: 0, site: 0, count: 4 },
        { step: 4, site: 2, count: 2 },
      ],
      faults: [{ kind: 'crash', at: 3, site: 0, downSteps: 50 }],
    };
    await withRun(await runNetworkSimulation(schedule, { durableStore: durableStore() }), async (run) => {
      expect(run.trace).toContain('heal s0 restarted on its store');
      expect((await checkNetworkConvergence(run)).events).toBe(6);
    });
  });

  it('relays over a star topology: the spokes only ever talk to the hub', async () => {
    const schedule: FaultSchedule = {
      sites: 3,
      durable: 0,
      seed: 5,
      steps: 4,
      clockOffsetsMs: [],
      writes: [
        { step: 0, site: 1, count: 3 },
        { step: 0, site: 2, count: 3 },
      ],
      faults: [],
    };
    await withRun(
      await runNetworkSimulation(schedule, {
        topology: [
          [0, 1],
          [0, 2],
        ],
      }),
      async (run) => {
        expect(run.trace.some((l) => /s1→s2|s2→s1/.test(l))).toBe(false);
        expect((await checkNetworkConvergence(run)).events).toBe(6);
      },
    );
  });

  it('gives up healing after maxHealRounds with a typed error that says how far it got', async () => {
    const error = await runNetworkSimulation(stormy, {
      durableStore: durableStore(),
      maxHealRounds: 1,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'SYNC_NOT_QUIET',
      details: { rounds: 1, messages: expect.any(Number), accepted: expect.any(Number) },
    });
    expect((error as ChartlogError<'SYNC_NOT_QUIET'>).details.messages).toBeGreaterThan(0);
  });

  it('refuses a topology that leaves a site out, and durable sites without a store', async () => {
    const schedule: FaultSchedule = {
      sites: 3,
      durable: 0,
      seed: 5,
      steps: 1,
      clockOffsetsMs: [],
      writes: [],
      faults: [],
    };
    await expect(runNetworkSimulation(schedule, { topology: [[0, 1]] })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
    await expect(runNetworkSimulation({ ...schedule, durable: 1 })).rejects.toBeInstanceOf(ChartlogError);
  });
});

describe('checkNetworkConvergence', () => {
  it('reports a replica that lacks events, naming them, with the schedule and the trace', async () => {
    const schedule: FaultSchedule = {
      sites: 2,
      durable: 0,
      seed: 8,
      steps: 4,
      clockOffsetsMs: [],
      writes: [{ step: 0, site: 0, count: 2 }],
      faults: [{ kind: 'partition', from: 0, until: 9, side: [0] }],
    };
    await withRun(await runNetworkSimulation(schedule, { heal: false }), async (run) => {
      const report = await checkNetworkConvergence(run, { throwOnFailure: false });
      expect(report.converged).toBe(false);
      expect(report.problems.join('\n')).toContain(
        'site-1 lacks 2 acknowledged event(s): site-0:1, site-0:2',
      );
      await expect(checkNetworkConvergence(run)).rejects.toThrow(
        /did not converge[\s\S]*FaultSchedule: 2 sites[\s\S]*trace/,
      );
    });
  });
});

describe('faultScheduleArbitrary', () => {
  it('keeps to its constraints, and crashes only durable sites', () => {
    for (const s of fc.sample(
      faultScheduleArbitrary({ minSites: 3, maxSites: 4, durable: 1, maxSteps: 20 }),
      { numRuns: 200, seed: 42 },
    )) {
      expect(s.sites).toBeGreaterThanOrEqual(3);
      expect(s.sites).toBeLessThanOrEqual(4);
      expect(s.steps).toBeLessThanOrEqual(20);
      for (const f of s.faults) if (f.kind === 'crash') expect(f.site).toBe(0);
    }
    for (const s of fc.sample(faultScheduleArbitrary(), { numRuns: 100, seed: 1 }))
      expect(s.faults.some((f) => f.kind === 'crash')).toBe(false);
  });

  it('prints a schedule one fault per line, as fast-check shows a counterexample', () => {
    expect(describeFaultSchedule(stormy).split('\n')).toEqual([
      'FaultSchedule: 4 sites (1 durable), seed 1234, 30 steps, clocks +0/+1500/-800/+40 ms, 25 writes',
      '  writes: s0@0×5 s1@2×3 s2@5×4 s3@9×4 s0@12×4 s1@20×5',
      '  steps 3–15: partition {s0,s1} | rest',
      '  steps 0–30: drop 30%',
      '  steps 5–25: duplicate 50%',
      '  steps 0–30: reorder (hold up to 3 steps)',
      '  steps 10–20: delay 700 ms',
      '  step 14: crash s0 (durable) for 4 steps',
    ]);
    const [sample] = fc.sample(faultScheduleArbitrary(), { numRuns: 1, seed: 3 });
    expect(fc.stringify(sample)).toMatch(/^FaultSchedule: \d sites/);
  });
});
