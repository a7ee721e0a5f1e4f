/**
 * Quarantined forks outlive the process: a replica keeps a bounded summary of each (site,
 * seq, held and offered hashes, when) in its store (the `chartlog.forks` marker), so an
 * operator still sees them after a restart, before any peer offers the other history again.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { syncPair, type ChartEvent, type ChartlogError, type Json, type Replica } from '../../src/index.js';
import { FORK_MARKER } from '../../src/replica/forkMarker.js';
import { MAX_FORKS_PER_SITE } from '../../src/replica/forkQuarantine.js';
import { openSqliteEventLog } from '../../src/store/sqlite/index.js';
import { useTempDir } from '../support/tempDir.js';
import { allEvents, draft, openSite, recordMany } from './fixtures.js';

const NETWORK = ['practice-a', 'practice-b', 'hospital'];
const file = useTempDir('fork-marker');
let files = 0;

/** practice-b's first 3 events, and a second history of practice-b (same key) written with another clock. */
async function twoHistoriesOfB(seed = 99): Promise<{ held: ChartEvent[]; other: ChartEvent[] }> {
  const origin = await openSite('practice-b', { network: NETWORK });
  await recordMany(origin, 3);
  await origin.signHead();
  const forked = await openSite('practice-b', { network: NETWORK, seed });
  await recordMany(forked, 3);
  await forked.signHead();
  return { held: await allEvents(origin), other: await allEvents(forked) };
}

/** The hospital on a fresh SQLite file holding practice-b's first history, offered the second. */
async function hospitalWithAFork(): Promise<{ path: string; hospital: Replica; close: () => Promise<void> }> {
  const { held, other } = await twoHistoriesOfB();
  const path = file(`hospital-${++files}.chartlog`);
  const store = openSqliteEventLog(path);
  const hospital = await openSite('hospital', { network: NETWORK, store });
  await hospital.ingest(held);
  const report = await hospital.ingest(other);
  expect(report.refused.byCode).toMatchObject({ fork: 3 });
  return { path, hospital, close: () => store.close() };
}

describe('quarantined forks are kept in the store', () => {
  it('a replica on a SQLite file that quarantined a fork is closed and reopened and still lists it', async () => {
    const { path, hospital, close } = await hospitalWithAFork();
    const found = hospital.forks();
    expect(found).toHaveLength(1);
    await close();

    const store = openSqliteEventLog(path);
    try {
      const reopened = await openSite('hospital', { network: NETWORK, store, seed: 1 });
      const listed = reopened.forks();
      expect(listed).toHaveLength(1);
      const { site, seq, heldHash, offeredHash, detectedAt, message } = found[0] as (typeof found)[0];
      expect(listed[0]).toMatchObject({ site, seq, heldHash, offeredHash, detectedAt, message });
      // The offered bodies are evidence the peer still holds: only hashes are kept.
      expect(listed[0]?.offered).toEqual([]);
      expect(reopened.status).toBe('ready');
    } finally {
      await store.close();
    }
  });

  it('the same offer replayed after a restart is not quarantined (or reported to onFork) a second time', async () => {
    const { other } = await twoHistoriesOfB();
    const { path, close } = await hospitalWithAFork();
    await close();
    const store = openSqliteEventLog(path);
    try {
      const paged: string[] = [];
      const reopened = await openSite('hospital', {
        network: NETWORK,
        store,
        seed: 1,
        onFork: (f) => paged.push(f.site),
      });
      const report = await reopened.ingest(other);
      expect(report.refused.byCode).toMatchObject({ fork: 3 });
      expect(reopened.forks()).toHaveLength(1);
      expect(paged).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('a marker that is not JSON is reported and the replica opens with no forks listed', async () => {
    const { path, close } = await hospitalWithAFork();
    await close();
    const db = new Database(path);
    db.prepare(`UPDATE meta SET value = '{' WHERE key = 'marker:${FORK_MARKER}'`).run();
    db.close();
    const store = openSqliteEventLog(path);
    try {
      const damage: ChartlogError[] = [];
      const reopened = await openSite('hospital', {
        network: NETWORK,
        store,
        onDamage: (e) => damage.push(e),
      });
      expect(reopened.forks()).toEqual([]);
      expect(damage.map((e) => e.code)).toEqual(['STORE_CORRUPT']);
      expect(damage[0]?.message).toContain(FORK_MARKER);
    } finally {
      await store.close();
    }
  });

  it('a marker it cannot understand is reported, the entries it can read are listed, and the open goes on', async () => {
    const { path, hospital, close } = await hospitalWithAFork();
    const [fork] = hospital.forks();
    await close();
    const marked = openSqliteEventLog(path);
    const stored = (await marked.getMarker(FORK_MARKER)) as { v: number; forks: Json[] };
    await marked.putMarker(FORK_MARKER, {
      ...stored,
      forks: [...stored.forks, { site: 'nobody here', seq: 'x' }, 7],
    });
    await marked.close();
    const store = openSqliteEventLog(path);
    try {
      const damage: ChartlogError[] = [];
      const reopened = await openSite('hospital', {
        network: NETWORK,
        store,
        onDamage: (e) => damage.push(e),
      });
      expect(reopened.forks().map((f) => f.offeredHash)).toEqual([fork?.offeredHash]);
      expect(damage.map((e) => e.code)).toEqual(['STORE_CORRUPT']);
    } finally {
      await store.close();
    }
  });

  it(`keeps at most ${MAX_FORKS_PER_SITE} forks per site, so a site signing history after history cannot grow the store or hide another site's fork`, async () => {
    const store = openSqliteEventLog(file(`bounded-${++files}.chartlog`));
    try {
      const hospital = await openSite('hospital', { network: NETWORK, store });
      const { held } = await twoHistoriesOfB();
      await hospital.ingest(held);
      for (let seed = 1; seed <= MAX_FORKS_PER_SITE + 3; seed++) {
        const forked = await openSite('practice-b', { network: NETWORK, seed: seed * 7 });
        await recordMany(forked, 1);
        await forked.signHead();
        await hospital.ingest(await allEvents(forked));
      }
      expect(hospital.forks().filter((f) => f.site === 'practice-b')).toHaveLength(MAX_FORKS_PER_SITE);
      // practice-a's fork still gets a place.
      const a1 = await openSite('practice-a', { network: NETWORK });
      await recordMany(a1, 1);
      await a1.signHead();
      await hospital.ingest(await allEvents(a1));
      const a2 = await openSite('practice-a', { network: NETWORK, seed: 5 });
      await recordMany(a2, 1);
      await a2.signHead();
      await hospital.ingest(await allEvents(a2));
      const sites = hospital.forks().map((f) => f.site);
      expect(sites.filter((s) => s === 'practice-a')).toHaveLength(1);
      const marker = (await store.getMarker(FORK_MARKER)) as { forks: unknown[] };
      expect(marker.forks).toHaveLength(MAX_FORKS_PER_SITE + 1);
    } finally {
      await store.close();
    }
  });
});

describe('an own-site fork an operator has dealt with', () => {
  const SITES = ['practice-a', 'hospital'];

  /** practice-a recorded 10 events the hospital holds, was restored from a backup of 4, and wrote 5 and 6 again. */
  async function forkedOwnSite(store?: ReturnType<typeof openSqliteEventLog>) {
    const original = await openSite('practice-a', { network: SITES });
    await recordMany(original, 10);
    const hospital = await openSite('hospital', { network: SITES });
    await syncPair(original, hospital);
    const backup = store ?? openSqliteEventLog(file(`own-${++files}.chartlog`));
    await backup.append((await allEvents(original)).filter((e) => e.seq <= 4));
    const restored = await openSite('practice-a', { network: SITES, store: backup, seed: 11 });
    await recordMany(restored, 2);
    await syncPair(restored, hospital);
    expect(restored.forks()).toHaveLength(1);
    expect(restored.status).toBe('recovering');
    return { restored, hospital, backup };
  }

  it('is not found again at a new seq after markRecovered: the same other history is the same fork, so the site keeps recording', async () => {
    const { restored, hospital, backup } = await forkedOwnSite();
    try {
      await restored.markRecovered();
      await recordMany(restored, 2); // seqs 7 and 8: the hospital now offers 9 and 10 of the other history
      const report = await syncPair(restored, hospital);
      expect(
        report.refused.examples.some((r) => r.receiver === 'practice-a' && r.reason.code === 'fork'),
      ).toBe(true);
      expect(restored.forks()).toHaveLength(1);
      expect(restored.status).toBe('ready');
      expect((await restored.record(draft('practice-a', 1))).seq).toBe(9);
    } finally {
      await backup.close();
    }
  });

  it('is still listed after a restart, and the other history offered again does not put the site back into recovery', async () => {
    const path = file(`own-restart-${++files}.chartlog`);
    const { restored, hospital, backup } = await forkedOwnSite(openSqliteEventLog(path));
    await restored.markRecovered();
    const [fork] = restored.forks();
    await backup.close();
    const store = openSqliteEventLog(path);
    try {
      const again = await openSite('practice-a', { network: SITES, store, seed: 30 });
      expect(again.status).toBe('ready');
      expect(again.forks().map((f) => f.offeredHash)).toEqual([fork?.offeredHash]);
      await recordMany(again, 1);
      await syncPair(again, hospital);
      expect(again.forks()).toHaveLength(1);
      expect(again.status).toBe('ready');
    } finally {
      await store.close();
    }
  });
});
