/**
 * Restored from backup (docs/architecture.md, "Replication"): a site whose store is older than what its peers hold
 * of its own events takes them back before it writes again, so it never reuses a seq;
 * if it already wrote, the fork is detected and reported.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryEventLog, syncPair, type ChartEvent } from '../../src/index.js';
import { allEvents, openSite, recordMany } from './fixtures.js';

const NETWORK = ['practice-a', 'hospital'];

/** practice-a records 10 events and syncs them to the hospital; its backup holds only the first 4. */
async function afterABadNight() {
  const original = await openSite('practice-a', { network: NETWORK });
  await recordMany(original, 10);
  const hospital = await openSite('hospital', { network: NETWORK });
  await recordMany(hospital, 3);
  await syncPair(original, hospital);
  const backup = createMemoryEventLog();
  await backup.append((await allEvents(original)).filter((e) => e.site !== 'practice-a' || e.seq <= 4));
  return { hospital, backup };
}

describe('a site restored from a backup', () => {
  it('refuses to record while recovering, takes its own events back from a peer, then continues after them', async () => {
    const { hospital, backup } = await afterABadNight();
    const restored = await openSite('practice-a', {
      network: NETWORK,
      store: backup,
      restoredFromBackup: true,
      seed: 5,
    });
    expect(restored.status).toBe('recovering');
    await expect(
      restored.record({
        stream: 'patient/ann-jones' as never,
        type: 'item.written',
        data: {},
        author: { id: 'dr' },
      }),
    ).rejects.toMatchObject({ code: 'REPLICA_RECOVERING' });
    await syncPair(restored, hospital);
    expect(restored.status).toBe('ready');
    expect((await restored.versionVector())['practice-a']).toBe(10);
    const [next] = await recordMany(restored, 1);
    expect(next?.seq).toBe(11);
    await syncPair(restored, hospital);
    expect(hospital.chart.hash()).toBe(restored.chart.hash());
    expect(hospital.forks()).toEqual([]);
  });

  it('notices on its own when a peer holds more of its events than its store, and takes them back', async () => {
    const { hospital, backup } = await afterABadNight();
    const restored = await openSite('practice-a', { network: NETWORK, store: backup, seed: 6 }); // nobody told it
    await syncPair(restored, hospital);
    expect((await restored.versionVector())['practice-a']).toBe(10);
    expect((await recordMany(restored, 1))[0]?.seq).toBe(11);
  });

  it('reports the fork when it wrote before taking its events back, merges nothing, and stays recovering for an operator', async () => {
    const { hospital, backup } = await afterABadNight();
    const restored = await openSite('practice-a', { network: NETWORK, store: backup, seed: 7 });
    const rewritten = await recordMany(restored, 2); // seqs 5 and 6 again, different events
    expect(rewritten.map((e) => e.seq)).toEqual([5, 6]);
    const report = await syncPair(restored, hospital);
    expect(report.refused.examples.some((r) => r.receiver === 'practice-a' && r.reason.code === 'fork')).toBe(
      true,
    );
    expect(restored.forks()).toHaveLength(1);
    expect(restored.forks()[0]).toMatchObject({ site: 'practice-a', seq: 7 });
    expect(restored.chart.hash()).not.toBe(hospital.chart.hash());
    expect(
      (await restored.store.readStream('patient/ann-jones' as never)).filter(
        (e: ChartEvent) => e.site === 'practice-a' && e.seq > 6,
      ),
    ).toEqual([]);
    expect(restored.status).toBe('recovering');
    await restored.markRecovered(); // an operator's decision
    expect(restored.status).toBe('ready');
  });

  it('is ready as soon as a peer shows it holds none of its events', async () => {
    const restored = await openSite('practice-a', { network: NETWORK, restoredFromBackup: true });
    const hospital = await openSite('hospital', { network: NETWORK });
    await syncPair(restored, hospital);
    expect(restored.status).toBe('ready');
  });
});
