/**
 * Leaving and entering recovery only on proof (docs/architecture.md, "Replication"; THREAT_MODEL.md): a claim about a site's own
 * history counts only with that site's own signature. A bare vector entry never puts a
 * site into recovery, and a peer that knows less never takes it out; it records again
 * once it holds every own event a peer has shown it and every configured peer has been
 * heard from, or an operator confirms.
 */
import { describe, expect, it } from 'vitest';
import {
  createMemoryEventLog,
  initSyncState,
  syncPair,
  syncReplicas,
  type ChartEvent,
  type Replica,
} from '../../src/index.js';
import { SYNC_PROTOCOL_VERSION } from '../../src/sync/syncMessage.js';
import { caughtError } from '../support/caughtError.js';
import { allEvents, draft, expectConverged, openSite, recordMany } from './fixtures.js';

const NETWORK = ['practice-a', 'hospital', 'practice-c'];
const MAX = Number.MAX_SAFE_INTEGER;

/**
 * practice-a records 4 events and syncs them to practice-c, then 6 more that reach only
 * the hospital; its backup holds the first 4. practice-c lags: it holds a's 1..4.
 */
async function restoredAfterABadNight(options: { restoredFromBackup: boolean }) {
  const original = await openSite('practice-a', { network: NETWORK });
  const hospital = await openSite('hospital', { network: NETWORK });
  const lagging = await openSite('practice-c', { network: NETWORK });
  await recordMany(original, 4);
  await recordMany(lagging, 2);
  await syncPair(original, lagging);
  const replicated = await recordMany(original, 6);
  await recordMany(hospital, 3);
  await syncPair(original, hospital);
  const acknowledged = (await allEvents(original)).filter((e) => e.site === 'practice-a');
  const backup = createMemoryEventLog();
  await backup.append(
    (await allEvents(original)).filter(
      (e) => e.site !== 'hospital' && (e.site !== 'practice-a' || e.seq <= 4),
    ),
  );
  const restored = await openSite('practice-a', { network: NETWORK, store: backup, seed: 11, ...options });
  return { restored, hospital, lagging, acknowledged, replicated };
}

const emptyMessage = (vector: Record<string, number>) => ({
  protocol: SYNC_PROTOCOL_VERSION,
  vector,
  events: [],
});

describe('a site restored from a backup leaves recovery only on proof', () => {
  it('stays recovering after a lagging peer syncs, takes its events back from the peer holding them, then records at the next free seq', async () => {
    const { restored, hospital, lagging, acknowledged, replicated } = await restoredAfterABadNight({
      restoredFromBackup: true,
    });
    await syncPair(restored, lagging);
    expect(restored.status).toBe('recovering');
    expect(restored.recovery).toMatchObject({
      reason: 'restored-from-backup',
      heldOwnSeq: 4,
      waitingFor: ['hospital'],
    });
    expect((await caughtError(restored.record(draft('practice-a', 1)))).code).toBe('REPLICA_RECOVERING');

    await syncPair(restored, hospital);
    expect(restored.status).toBe('ready');
    expect(restored.recovery).toBeUndefined();
    const next = await restored.record(draft('practice-a', 50));
    expect(next.seq).toBe(11);

    await syncReplicas([restored, hospital, lagging]);
    for (const r of [restored, hospital, lagging]) expect(r.forks()).toEqual([]);
    await expectConverged([restored, hospital, lagging]);
    const held = new Map((await allEvents(restored)).map((e) => [`${e.site}:${e.seq}`, e.id]));
    for (const e of [...acknowledged, ...replicated]) expect(held.get(`${e.site}:${e.seq}`)).toBe(e.id);
  });

  it('is not cleared by a peer sending an empty vector', async () => {
    const { restored } = await restoredAfterABadNight({ restoredFromBackup: true });
    await restored.receiveSyncMessage(initSyncState(), emptyMessage({}));
    expect(restored.status).toBe('recovering');
    await restored.receiveSyncMessage(initSyncState({ peer: 'practice-c' }), emptyMessage({}));
    expect(restored.status).toBe('recovering');
    expect(restored.recovery?.waitingFor).toEqual(['hospital']);
    expect((await caughtError(restored.record(draft('practice-a', 1)))).code).toBe('REPLICA_RECOVERING');
  });

  it('waits for a peer that claims more of its events than it sent, without counting the claim as proof', async () => {
    const { restored } = await restoredAfterABadNight({ restoredFromBackup: true });
    await restored.receiveSyncMessage(initSyncState({ peer: 'practice-c' }), emptyMessage({}));
    await restored.receiveSyncMessage(
      initSyncState({ peer: 'hospital' }),
      emptyMessage({ 'practice-a': 10 }),
    );
    expect(restored.recovery).toMatchObject({ shownOwnSeq: 0, waitingFor: ['hospital'] });
  });

  it('after an own-site fork was found (without the flag) stays recovering, whoever syncs, until an operator marks it recovered', async () => {
    const { restored, hospital, lagging } = await restoredAfterABadNight({ restoredFromBackup: false });
    expect(restored.status).toBe('ready');
    const rewritten = await recordMany(restored, 2); // seqs 5 and 6 again: different events
    expect(rewritten.map((e: ChartEvent) => e.seq)).toEqual([5, 6]);
    await syncPair(restored, hospital);
    expect(restored.forks()).toHaveLength(1);
    await syncPair(restored, lagging);
    await restored.receiveSyncMessage(initSyncState({ peer: 'hospital' }), emptyMessage({}));
    expect(restored.status).toBe('recovering');
    expect(restored.recovery).toMatchObject({ reason: 'own-fork', shownOwnSeq: 10 });
    expect((await caughtError(restored.record(draft('practice-a', 1)))).code).toBe('REPLICA_RECOVERING');
    await restored.markRecovered(); // an operator's decision
    expect(restored.status).toBe('ready');
  });

  it('without the flag, enters recovery when a peer gives back its own events, and leaves once every configured peer was heard from', async () => {
    const { restored, hospital, lagging } = await restoredAfterABadNight({ restoredFromBackup: false });
    const states = {
      restored: initSyncState({ peer: 'hospital' }),
      hospital: initSyncState({ peer: 'practice-a' }),
    };
    // One exchange: the hospital learns a's vector and sends a's seqs 5..10 back.
    const [, hello] = await restored.generateSyncMessage(states.restored);
    [states.hospital] = await hospital.receiveSyncMessage(states.hospital, hello);
    const [, answer] = await hospital.generateSyncMessage(states.hospital);
    await restored.receiveSyncMessage(states.restored, answer);
    expect((await restored.versionVector())['practice-a']).toBe(10);
    expect(restored.recovery).toMatchObject({
      reason: 'behind',
      shownOwnSeq: 10,
      heldOwnSeq: 10,
      waitingFor: ['practice-c'],
    });
    await syncPair(restored, lagging);
    expect(restored.status).toBe('ready');
    expect((await recordMany(restored, 1))[0]?.seq).toBe(11);
  });

  it('counts only the peers it was told to hear from (recoveryPeers)', async () => {
    const { hospital } = await restoredAfterABadNight({ restoredFromBackup: true });
    const backup = createMemoryEventLog();
    await backup.append((await allEvents(hospital)).filter((e) => e.site === 'practice-a' && e.seq <= 4));
    const restored = await openSite('practice-a', {
      network: NETWORK,
      store: backup,
      restoredFromBackup: true,
      recoveryPeers: ['hospital'],
      seed: 12,
    });
    expect(restored.recovery?.waitingFor).toEqual(['hospital']);
    await syncPair(restored, hospital);
    expect(restored.status).toBe('ready');
    expect((await recordMany(restored, 1))[0]?.seq).toBe(11);
  });
});

describe('a bare vector entry about a site\u2019s own seq', () => {
  async function workingSite(): Promise<Replica> {
    const site = await openSite('hospital', { network: NETWORK });
    await recordMany(site, 3);
    return site;
  }

  it('does not stop it recording, from a known peer or an unknown one, however often it is repeated', async () => {
    const site = await workingSite();
    for (const state of [initSyncState(), initSyncState({ peer: 'practice-a' })]) {
      for (let i = 0; i < 5; i++)
        await site.receiveSyncMessage(state, emptyMessage({ hospital: MAX, 'practice-a': 2 }));
    }
    expect(site.status).toBe('ready');
    expect((await site.record(draft('hospital', 9))).seq).toBe(4);
  });

  it('is not proof for a site in recovery either: it never raises the seq it must reach', async () => {
    const store = createMemoryEventLog();
    const restored = await openSite('hospital', {
      network: ['hospital', 'practice-a'],
      store,
      restoredFromBackup: true,
    });
    await restored.receiveSyncMessage(initSyncState({ peer: 'practice-a' }), emptyMessage({ hospital: MAX }));
    expect(restored.recovery).toMatchObject({ shownOwnSeq: 0, waitingFor: ['practice-a'] });
    await restored.receiveSyncMessage(initSyncState({ peer: 'practice-a' }), emptyMessage({}));
    expect(restored.status).toBe('ready');
  });
});
