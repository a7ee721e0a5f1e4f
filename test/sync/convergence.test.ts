/**
 * Replicas that record while cut off converge once they sync: the same events and the
 * same chart hash everywhere, equal to the batch fold of the union.
 */
import { describe, expect, it } from 'vitest';
import {
  createMemoryEventLog,
  initSyncState,
  syncPair,
  syncReplicas,
  type EventLog,
  type Replica,
  type SyncMessage,
} from '../../src/index.js';
import { openSqliteEventLog } from '../../src/store/sqlite/index.js';
import { useTempDir } from '../support/tempDir.js';
import { expectConverged, openSite, recordMany } from '../replica/fixtures.js';

const NETWORK = ['practice-a', 'practice-b', 'practice-c', 'hospital'];

async function offlineDay(stores: (site: string) => EventLog): Promise<Replica[]> {
  const replicas = await Promise.all(
    NETWORK.map((site, i) =>
      openSite(site, { network: NETWORK, store: stores(site), clockOffsetMs: i * 250 }),
    ),
  );
  // Unequal amounts, a few hundred each, so runs cross the 256-event signing interval.
  await Promise.all(replicas.map((r, i) => recordMany(r, 150 + i * 60)));
  return replicas;
}

describe('replicas recording offline converge after sync', () => {
  it('on memory stores, every pair talking, in bounded messages', async () => {
    const replicas = await offlineDay(() => createMemoryEventLog());
    const report = await syncReplicas(replicas, { maxEvents: 100 });
    expect(report.refused.count).toBe(0);
    await expectConverged(replicas);
    expect(report.bytes / report.eventBytes).toBeLessThan(1.1);
  });

  const file = useTempDir('replica-sync');
  it('on SQLite files, and a site reopened from its file holds the same record', async () => {
    const stores = new Map<string, ReturnType<typeof openSqliteEventLog>>();
    const replicas = await offlineDay((site) => {
      const s = openSqliteEventLog(file(`${site}.chartlog`));
      stores.set(site, s);
      return s;
    });
    await syncReplicas(replicas);
    await expectConverged(replicas);
    const hash = replicas[0]?.chart.hash();
    await stores.get('practice-a')?.close();
    const reopened = await openSite('practice-a', {
      network: NETWORK,
      store: openSqliteEventLog(file('practice-a.chartlog')),
    });
    expect(reopened.chart.hash()).toBe(hash);
    await reopened.store.close();
    for (const [site, s] of stores) if (site !== 'practice-a') await s.close();
  });

  it("relays: the hospital carries one practice's events to another practice that never talks to it", async () => {
    const [a, b, hospital] = await Promise.all(
      ['practice-a', 'practice-b', 'hospital'].map((s) => openSite(s, { network: NETWORK })),
    );
    const [ra, rb, rh] = [a, b, hospital] as [Replica, Replica, Replica];
    await recordMany(ra, 40);
    await recordMany(rb, 30);
    await syncReplicas([rh, ra, rb], {
      links: [
        [0, 1],
        [0, 2],
      ],
    });
    expect(await rb.versionVector()).toEqual({ 'practice-a': 40, 'practice-b': 30 });
    await expectConverged([ra, rb, rh]);
  });

  it('sends each site its own events before relayed ones, so in a mesh few events travel twice', async () => {
    // Every pair talks, in messages smaller than a site's new events: before a site sent
    // its own events first, it relayed a third site's (the first in id order) while that
    // site was sending them too, and 644 of the 1,800 arrived twice.
    const sites = ['practice-a', 'practice-b', 'hospital'];
    const replicas = await Promise.all(
      sites.map((s, i) => openSite(s, { network: NETWORK, clockOffsetMs: i * 250 })),
    );
    await Promise.all(replicas.map((r) => recordMany(r, 300)));
    const report = await syncReplicas(replicas, { maxEvents: 100 });
    await expectConverged(replicas);
    expect(report.accepted).toBe(2 * 3 * 300);
    expect(report.duplicates).toBeLessThan(report.accepted / 10);
  });

  it("puts a replica's own events first in a message that cannot carry all the peer lacks", async () => {
    const [a, hospital, c] = (await Promise.all(
      ['practice-a', 'hospital', 'practice-c'].map((s) => openSite(s, { network: NETWORK, signEvery: 5 })),
    )) as [Replica, Replica, Replica];
    await recordMany(hospital, 10);
    await syncPair(a, hospital);
    await recordMany(a, 10);
    const [, hello] = await c.generateSyncMessage(initSyncState());
    const [heard] = await a.receiveSyncMessage(initSyncState(), hello);
    const [, message] = await a.generateSyncMessage(heard, { maxEvents: 10 });
    expect(message?.events.map((e) => `${e.site}:${e.seq}`)).toEqual(
      Array.from({ length: 10 }, (_, i) => `practice-a:${i + 1}`),
    );
  });

  it('is harmless under dropped, duplicated and reordered messages, and converges on the next connection', async () => {
    // Signed heads every 8 events, so 16-event messages are cut often.
    const [a, b] = (await Promise.all(
      ['practice-a', 'hospital'].map((s) => openSite(s, { network: NETWORK, signEvery: 8 })),
    )) as [Replica, Replica];
    await recordMany(a, 120);
    await recordMany(b, 80);
    let n = 0;
    let held: SyncMessage | undefined;
    const first = await syncPair(a, b, {
      maxEvents: 16,
      link: (m) => {
        n++;
        if (n % 5 === 0) return []; // dropped
        if (n % 7 === 0) return [m, m]; // duplicated
        if (n % 4 === 0 && held === undefined) {
          held = m; // held back…
          return [];
        }
        if (held === undefined) return [m];
        const late = held;
        held = undefined;
        return [m, late]; // …and delivered after a later one
      },
    });
    expect(n).toBeGreaterThan(10);
    expect(Object.keys(first.refused.byCode).filter((code) => code !== 'gap')).toEqual([]);
    await syncPair(a, b);
    await expectConverged([a, b]);
  });

  it('takes an old batch replayed much later as duplicates, changing nothing', async () => {
    const [a, b] = (await Promise.all(
      ['practice-a', 'hospital'].map((s) => openSite(s, { network: NETWORK })),
    )) as [Replica, Replica];
    await recordMany(a, 30);
    const recorded: SyncMessage[] = [];
    await syncPair(a, b, { link: (m) => (recorded.push(m), [m]) });
    await recordMany(a, 10);
    await recordMany(b, 10);
    await syncPair(a, b);
    const hash = b.chart.hash();
    const old = recorded.find((m) => m.events.length > 0) as SyncMessage;
    const [, report] = await b.receiveSyncMessage(initSyncState(), JSON.parse(JSON.stringify(old)));
    expect(report).toMatchObject({ accepted: 0, duplicates: 30, refused: { count: 0 } });
    expect(b.chart.hash()).toBe(hash);
  });
});
