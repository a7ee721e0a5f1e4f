/**
 * Recovery outlives the process (docs/architecture.md, "Replication"): a replica keeps "this store is recovering"
 * in its store (the `chartlog.recovery` marker) until it has proof or an operator's word,
 * so a restart cannot put a site that may be behind back to recording.
 */
import { describe, expect, it } from 'vitest';
import { syncPair } from '../../src/index.js';
import { RECOVERY_MARKER } from '../../src/replica/recoveryMarker.js';
import { openSqliteEventLog } from '../../src/store/sqlite/index.js';
import { useTempDir } from '../support/tempDir.js';
import { allEvents, openSite, recordMany } from './fixtures.js';

const NETWORK = ['practice-a', 'hospital'];
const file = useTempDir('recovery-marker');
let stores = 0;

/** practice-a recorded 10 events the hospital holds; its store file was restored from a backup holding 4. */
async function restoredFile() {
  const original = await openSite('practice-a', { network: NETWORK });
  await recordMany(original, 10);
  const hospital = await openSite('hospital', { network: NETWORK });
  await syncPair(original, hospital);
  const path = file(`practice-a-${++stores}.chartlog`);
  const backup = openSqliteEventLog(path);
  await backup.append((await allEvents(original)).filter((e) => e.seq <= 4));
  await backup.close();
  return { hospital, path };
}

const draft = { stream: 'patient/ann-jones' as never, type: 'item.written', data: {}, author: { id: 'dr' } };

describe('a recovering replica keeps its recovery in its store', () => {
  it('a replica reopened on a store whose recovery marker is set starts recovering, without being told', async () => {
    const { path } = await restoredFile();
    const marked = openSqliteEventLog(path);
    await marked.putMarker(RECOVERY_MARKER, { reason: 'behind', shownOwnSeq: 10 });
    await marked.close();

    const store = openSqliteEventLog(path);
    try {
      const replica = await openSite('practice-a', { network: NETWORK, store, seed: 3 });
      expect(replica.status).toBe('recovering');
      expect(replica.recovery).toMatchObject({
        reason: 'behind',
        shownOwnSeq: 10,
        heldOwnSeq: 4,
        waitingFor: ['hospital'],
      });
      await expect(replica.record(draft)).rejects.toMatchObject({ code: 'REPLICA_RECOVERING' });
    } finally {
      await store.close();
    }
  });

  it('restored from a backup, it is still recovering after a restart without the option, until a peer gives its events back; then the marker is gone', async () => {
    const { hospital, path } = await restoredFile();
    const first = openSqliteEventLog(path);
    const restored = await openSite('practice-a', {
      network: NETWORK,
      store: first,
      restoredFromBackup: true,
      seed: 5,
    });
    expect(restored.status).toBe('recovering');
    expect(await first.getMarker(RECOVERY_MARKER)).toEqual({
      reason: 'restored-from-backup',
      shownOwnSeq: 0,
    });
    await first.close(); // the process ends before any peer was heard from

    const second = openSqliteEventLog(path);
    try {
      const again = await openSite('practice-a', { network: NETWORK, store: second, seed: 6 }); // no restoredFromBackup
      expect(again.status).toBe('recovering');
      expect(again.recovery).toMatchObject({ reason: 'restored-from-backup' });
      await expect(again.record(draft)).rejects.toMatchObject({ code: 'REPLICA_RECOVERING' });
      await syncPair(again, hospital);
      expect(again.status).toBe('ready');
      expect((await again.versionVector())['practice-a']).toBe(10);
      expect(await second.getMarker(RECOVERY_MARKER)).toBeUndefined();
      expect((await recordMany(again, 1))[0]?.seq).toBe(11);
    } finally {
      await second.close();
    }
    const third = openSqliteEventLog(path);
    try {
      expect((await openSite('practice-a', { network: NETWORK, store: third, seed: 7 })).status).toBe(
        'ready',
      );
    } finally {
      await third.close();
    }
  });

  it('a seq a peer showed is kept too: after a restart the replica still waits for its events up to that seq', async () => {
    const { hospital, path } = await restoredFile();
    const first = openSqliteEventLog(path);
    const restored = await openSite('practice-a', {
      network: NETWORK,
      store: first,
      recoveryPeers: ['hospital', 'practice-c'],
      restoredFromBackup: true,
      seed: 5,
    });
    await syncPair(restored, hospital);
    expect(restored.recovery).toMatchObject({ shownOwnSeq: 10, waitingFor: ['practice-c'] });
    expect(await first.getMarker(RECOVERY_MARKER)).toEqual({
      reason: 'restored-from-backup',
      shownOwnSeq: 10,
    });
    await first.close();
    const second = openSqliteEventLog(path);
    try {
      const again = await openSite('practice-a', {
        network: NETWORK,
        store: second,
        recoveryPeers: ['hospital', 'practice-c'],
        seed: 6,
      });
      // Every peer must be heard from again after a restart.
      expect(again.recovery).toMatchObject({
        reason: 'restored-from-backup',
        shownOwnSeq: 10,
        waitingFor: ['hospital', 'practice-c'],
      });
    } finally {
      await second.close();
    }
  });

  it("an operator's markRecovered clears the marker, so the next start is ready", async () => {
    const { path } = await restoredFile();
    const first = openSqliteEventLog(path);
    const restored = await openSite('practice-a', {
      network: NETWORK,
      store: first,
      restoredFromBackup: true,
      seed: 5,
    });
    await restored.markRecovered();
    expect(restored.status).toBe('ready');
    expect(await first.getMarker(RECOVERY_MARKER)).toBeUndefined();
    await first.close();
    const second = openSqliteEventLog(path);
    try {
      expect((await openSite('practice-a', { network: NETWORK, store: second, seed: 6 })).status).toBe(
        'ready',
      );
    } finally {
      await second.close();
    }
  });

  it('a marker it cannot understand counts as restored from a backup, never as ready', async () => {
    const { path } = await restoredFile();
    const marked = openSqliteEventLog(path);
    await marked.putMarker(RECOVERY_MARKER, { reason: 'something-newer', shownOwnSeq: 'x' });
    await marked.close();
    const store = openSqliteEventLog(path);
    try {
      const replica = await openSite('practice-a', { network: NETWORK, store, seed: 3 });
      expect(replica.recovery).toMatchObject({ reason: 'restored-from-backup', shownOwnSeq: 0 });
    } finally {
      await store.close();
    }
  });
});
