import { describe, expect, it } from 'vitest';
import { startDemoActivity } from '../../src/cli/demoActivity.js';
import { demoDraft, demoPatientId } from '../../src/cli/demoDraft.js';
import {
  createChart,
  createEventWriter,
  createMemoryEventLog,
  createReplica,
  generateSiteKeys,
  listConflicts,
  siteId,
  type ChartEvent,
  type Replica,
} from '../../src/index.js';
import { clinicalSchema } from '../../src/clinical/index.js';

/** A seeded number source in [0, 1) (mulberry32), so a failure replays. */
function numbers(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const openReplica = (site: string): Promise<Replica> =>
  createReplica({ site, keys: generateSiteKeys(), schema: clinicalSchema, store: createMemoryEventLog() });

describe('demoDraft: synthetic clinical events about shared demo patients', () => {
  it('two sites editing the same patients record only valid events, open conflicts on criticality and dose, resolve them later, and converge', () => {
    const random = numbers(20240719);
    const site = (name: string) => ({
      name,
      writer: createEventWriter({ site: siteId(name) }),
      chart: createChart({ schema: clinicalSchema }),
    });
    const sites = [site('practice-a'), site('hospital-d')] as const;
    const all: ChartEvent[] = [];
    const conflictsAfterExchange: number[] = [];
    for (let step = 0; step < 400; step++) {
      const s = sites[step % 2 === 0 ? 0 : 1];
      const event = s.writer.append(
        demoDraft((stream) => s.chart.state(stream), { site: s.name, patients: 3, random }),
      );
      s.chart.apply([event]);
      all.push(event);
      // The sites see each other's work only now and then: in between they edit concurrently.
      if (step % 25 === 24) {
        for (const other of sites) other.chart.apply(all);
        conflictsAfterExchange.push(listConflicts(sites[0].chart).length);
      }
    }
    for (const s of sites) s.chart.apply(all);
    expect(sites[0].chart.hash()).toBe(sites[1].chart.hash());
    expect(new Set(all.map((e) => e.type))).toEqual(
      new Set([
        'patient.registered',
        'allergy.recorded',
        'allergy.updated',
        'medication.prescribed',
        'medication.dose-changed',
        'observation.recorded',
      ]),
    );
    expect(new Set(all.map((e) => e.stream))).toEqual(
      new Set([1, 2, 3].map((n) => `patient/${demoPatientId(n)}`)),
    );
    // Conflicts open while sites are apart, and a site that shows one resolves it with its next change.
    expect(Math.max(...conflictsAfterExchange)).toBeGreaterThan(0);
    expect(conflictsAfterExchange.some((n, i) => i > 0 && n < (conflictsAfterExchange[i - 1] ?? 0))).toBe(
      true,
    );
  });
});

describe('startDemoActivity: recording at a rate until a site holds N events of its own', () => {
  it('stops at maxOwnEvents, counting events recorded before a restart, and reports each event once it is stored', async () => {
    const replica = await openReplica('practice-a');
    const seqs: number[] = [];
    const done = await new Promise<number>((resolve, reject) => {
      startDemoActivity(replica, {
        eventsPerSecond: 1000,
        maxOwnEvents: 15,
        onRecorded: (e) => seqs.push(e.seq),
        onDone: resolve,
        onError: reject,
      });
    });
    expect(done).toBe(15);
    expect(seqs).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(await replica.store.count()).toBe(15);
    // As after a restart on the same store: only the missing 5 are recorded.
    const again = await new Promise<number>((resolve, reject) => {
      startDemoActivity(replica, {
        eventsPerSecond: 1000,
        maxOwnEvents: 20,
        onRecorded: (e) => seqs.push(e.seq),
        onDone: resolve,
        onError: reject,
      });
    });
    expect(again).toBe(20);
    expect(seqs.slice(15)).toEqual([16, 17, 18, 19, 20]);
  });

  it('stop() resolves once the event in flight is stored, and nothing is recorded after it', async () => {
    const replica = await openReplica('hospital-d');
    const activity = startDemoActivity(replica, { eventsPerSecond: 100 });
    await new Promise((r) => setTimeout(r, 100));
    await activity.stop();
    const count = await replica.store.count();
    expect(count).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 60));
    expect(await replica.store.count()).toBe(count);
  });
});
