/**
 * Replicas sharing one EventLog as their hub (`syncWithHub`, `createEventLogPeer`), on the
 * memory store: the hub is storage, not a trusted peer. The same function runs against
 * EventStoreDB in test/examples/eventstoreDbHub.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  ChartlogError,
  createEventWriter,
  createHybridClock,
  createMemoryEventLog,
  generateSiteKeys,
  syncPair,
  syncWithHub,
  type ChartEvent,
  type EventLog,
  type Replica,
  type SyncMessage,
} from '../../src/index.js';
import { readAllEvents } from '../../src/store/readEventPages.js';
import { caughtError } from '../support/caughtError.js';
import { draft, expectConverged, openSite, recordMany, T0 } from '../replica/fixtures.js';

const NETWORK = ['practice-a', 'practice-b', 'hospital'];
const open = (
  site: string,
  options: {
    signEvery?: number;
    store?: EventLog;
    restoredFromBackup?: boolean;
    recoveryPeers?: string[];
  } = {},
): Promise<Replica> => openSite(site, { network: NETWORK, ...options });

/** The hub's events: each `(site, seq)` and each id must appear exactly once. */
async function expectEachOnce(hub: EventLog, total: number): Promise<void> {
  const events = await readAllEvents(hub);
  expect(events).toHaveLength(total);
  expect(new Set(events.map((e) => e.id)).size).toBe(total);
  expect(new Set(events.map((e) => `${e.site}:${e.seq}`)).size).toBe(total);
}

/** A hub whose `n`-th append (from 1) fails as an unreachable node's does, after storing nothing. */
function failingAppend(log: EventLog, n: number): EventLog {
  let appends = 0;
  return {
    ...log,
    append: (events) =>
      ++appends === n
        ? Promise.reject(
            new ChartlogError('STORE_UNAVAILABLE', 'appending failed: connection reset (injected)'),
          )
        : log.append(events),
  };
}

describe('syncWithHub: replicas sharing one store as their hub', () => {
  it('two sites that never talk to each other converge through the hub, which holds every event once', async () => {
    const [a, b] = (await Promise.all(['practice-a', 'practice-b'].map((s) => open(s)))) as [
      Replica,
      Replica,
    ];
    const hub = createMemoryEventLog();
    await recordMany(a, 30);
    await recordMany(b, 20);
    expect(await syncWithHub(a, hub)).toMatchObject({ pushed: 30, pulled: 0, refused: { count: 0 } });
    expect(await syncWithHub(b, hub)).toMatchObject({ pushed: 20, pulled: 30, refused: { count: 0 } });
    expect(await syncWithHub(a, hub)).toMatchObject({ pushed: 0, pulled: 20, refused: { count: 0 } });
    await expectConverged([a, b]);
    await expectEachOnce(hub, 50);
    expect(await hub.versionVector()).toEqual(await a.versionVector());
    // Nothing new: one exchange of vectors.
    expect(await syncWithHub(b, hub)).toMatchObject({ pushed: 0, pulled: 0, duplicates: 0, messages: 2 });
  });

  it('pushes and pulls in bounded batches, each site run ending at a signed head', async () => {
    const [a, b] = (await Promise.all(
      ['practice-a', 'practice-b'].map((s) => open(s, { signEvery: 5 })),
    )) as [Replica, Replica];
    const hub = createMemoryEventLog();
    await recordMany(a, 47);
    await syncWithHub(a, hub, { maxEvents: 10 });
    const seen: SyncMessage[] = [];
    const report = await syncWithHub(b, hub, { maxEvents: 10, link: (m) => (seen.push(m), [m]) });
    expect(report.pulled).toBe(47);
    const batches = seen.filter((m) => m.events.length > 0);
    expect(batches.length).toBeGreaterThanOrEqual(5);
    for (const m of batches) {
      expect(m.events.length).toBeLessThanOrEqual(10);
      expect(m.events[m.events.length - 1]?.sig).toBeDefined();
    }
    await expectConverged([a, b]);
  });

  it("two sites relaying the same third site's events at once store them once", async () => {
    const [a, b, hospital] = (await Promise.all(NETWORK.map((s) => open(s)))) as [Replica, Replica, Replica];
    const hub = createMemoryEventLog();
    await recordMany(hospital, 25);
    // Both practices got the hospital's events directly, not from the hub.
    await syncPair(hospital, a);
    await syncPair(hospital, b);
    await recordMany(a, 12);
    await recordMany(b, 9);
    const reports = await Promise.all([
      syncWithHub(a, hub, { maxEvents: 8 }),
      syncWithHub(b, hub, { maxEvents: 8 }),
    ]);
    expect(reports.map((r) => r.refused.count)).toEqual([0, 0]);
    // Whoever stored an event first counts it; the other's copy was a duplicate or never sent.
    expect(reports[0].pushed + reports[1].pushed).toBe(46);
    await expectEachOnce(hub, 46);
    await Promise.all([syncWithHub(a, hub), syncWithHub(b, hub), syncWithHub(hospital, hub)]);
    await expectConverged([a, b, hospital]);
  });

  it('an interrupted push resumes where it stopped, and the hub ends exactly as after an uninterrupted one', async () => {
    const a = await open('practice-a', { signEvery: 5 });
    await recordMany(a, 40);
    const store = createMemoryEventLog();
    const error = await caughtError(syncWithHub(a, failingAppend(store, 3), { maxEvents: 10 }));
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect(await store.versionVector()).toEqual({ 'practice-a': 20 });
    expect(await syncWithHub(a, store, { maxEvents: 10 })).toMatchObject({
      pushed: 20,
      refused: { count: 0 },
    });
    const reference = createMemoryEventLog();
    await syncWithHub(a, reference, { maxEvents: 10 });
    expect(await store.readSite(a.site)).toEqual(await reference.readSite(a.site));
    await expectEachOnce(store, 40);
  });

  it('converges in one call although the link drops a message each way', async () => {
    const [a, b] = (await Promise.all(
      ['practice-a', 'practice-b'].map((s) => open(s, { signEvery: 4 })),
    )) as [Replica, Replica];
    const hub = createMemoryEventLog();
    await recordMany(b, 16);
    await syncWithHub(b, hub);
    await recordMany(a, 16);
    const dropped = new Set<string>();
    const link = (m: SyncMessage, from: string): readonly SyncMessage[] =>
      m.events.length > 0 && !dropped.has(from) ? (dropped.add(from), []) : [m];
    const report = await syncWithHub(a, hub, { maxEvents: 8, link });
    expect(dropped).toEqual(new Set(['practice-a', 'hub']));
    expect(report).toMatchObject({ pushed: 16, pulled: 16 });
    // What followed a lost batch did not chain on: refused as a gap, then sent again.
    expect(report.refused.count).toBeGreaterThan(0);
    expect(report.refused.byCode).toEqual({ gap: report.refused.count });
    await syncWithHub(b, hub);
    await expectConverged([a, b]);
  });

  it("an event planted in the hub without the origin's key is refused on pull and changes nothing", async () => {
    const [a, b] = (await Promise.all(['practice-a', 'practice-b'].map((s) => open(s)))) as [
      Replica,
      Replica,
    ];
    const hub = createMemoryEventLog();
    await recordMany(a, 6);
    await syncWithHub(a, hub);
    await syncWithHub(b, hub);
    // Anyone who can write to the hub's storage can append a well-formed event that
    // chains onto practice-a's head; only practice-a's key can sign it.
    const head = await hub.head(a.site);
    const forger = createEventWriter({
      site: a.site,
      head,
      clock: createHybridClock({ wallClock: () => T0 + 3_600_000 }),
      signing: { privateKey: generateSiteKeys().privateKey },
    });
    forger.append(draft('practice-a', 99));
    const forged = forger.signHead() as ChartEvent;
    await hub.append([forged]);

    const [hash, count] = [b.chart.hash(), await b.store.count()];
    const report = await syncWithHub(b, hub);
    expect(report.pulled).toBe(0);
    expect(report.refused.examples).toEqual([
      expect.objectContaining({
        receiver: 'practice-b',
        site: 'practice-a',
        seq: 7,
        reason: expect.objectContaining({ code: 'bad-signature' }),
      }),
    ]);
    expect(b.chart.hash()).toBe(hash);
    expect(await b.store.count()).toBe(count);
  });

  it('a site restored from an old backup takes its own events back from the hub before it records again', async () => {
    const a = await open('practice-a');
    const hub = createMemoryEventLog();
    await recordMany(a, 10);
    await syncWithHub(a, hub);
    const backup = createMemoryEventLog();
    await backup.append(await a.store.readSite(a.site, 1, 6));
    // The hub is the only peer it syncs with: the one it must hear from.
    const restored = await open('practice-a', {
      store: backup,
      restoredFromBackup: true,
      recoveryPeers: ['hub'],
    });
    expect((await caughtError(restored.record(draft('practice-a', 1)))).code).toBe('REPLICA_RECOVERING');
    expect(await syncWithHub(restored, hub)).toMatchObject({ pulled: 4, refused: { count: 0 } });
    expect(restored.status).toBe('ready');
    const next = await restored.record(draft('practice-a', 11));
    expect(next.seq).toBe(11);
    expect(await syncWithHub(restored, hub)).toMatchObject({ pushed: 1, refused: { count: 0 } });
  });

  it('a second history of a site is refused by whichever side holds the other one, and the sync still ends', async () => {
    const a = await open('practice-a');
    const hub = createMemoryEventLog();
    await recordMany(a, 5);
    await syncWithHub(a, hub);
    // Restored from a 3-event backup, and an operator overrode the recovery check.
    const restoredAt = async (own: number): Promise<Replica> => {
      const backup = createMemoryEventLog();
      await backup.append(await a.store.readSite(a.site, 1, 3));
      const restored = await open('practice-a', { store: backup, restoredFromBackup: true });
      await restored.markRecovered();
      for (let n = 0; n < own; n++) await restored.record(draft('practice-a', 40 + n));
      return restored;
    };
    // It wrote past the hub: the hub refuses what does not chain onto its copy.
    const ahead = await restoredAt(3);
    const pushed = await syncWithHub(ahead, hub);
    expect(pushed.refused.examples).toEqual([
      expect.objectContaining({
        receiver: 'hub',
        site: 'practice-a',
        seq: 6,
        reason: expect.objectContaining({ code: 'broken-chain' }),
      }),
    ]);
    // It wrote less than the hub holds: the replica refuses the hub's history and quarantines the fork.
    const behind = await restoredAt(1);
    const pulled = await syncWithHub(behind, hub);
    expect(pulled.refused.examples.map((r) => `${r.receiver} ${r.seq} ${r.reason.code}`)).toEqual([
      'practice-a 5 fork',
    ]);
    expect(behind.forks()).toHaveLength(1);
    expect(behind.status).toBe('recovering');
    expect(await hub.readSite(a.site)).toEqual(await a.store.readSite(a.site));
  });
});
