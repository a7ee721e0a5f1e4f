/**
 * Every transport runs the same sync loop: a transport of your own is a `SyncChannel`
 * (carry our message, bring back the reply), and `syncOverChannel` does the rest — the
 * rounds, the bound, one report — exactly as `syncPair` does in process.
 */
import { describe, expect, it } from 'vitest';
import {
  createInProcessChannel,
  initSyncState,
  syncOverChannel,
  syncPair,
  type Replica,
  type SyncChannel,
} from '../../src/index.js';
import { encodeEvent } from '../../src/event/eventHash.js';
import { encodeSyncMessage, parseSyncMessage } from '../../src/sync/syncMessage.js';
import { expectConverged, openSite, recordMany } from '../replica/fixtures.js';

const NETWORK = ['practice-a', 'hospital'];

async function twoSites(): Promise<[Replica, Replica]> {
  const [a, b] = await Promise.all(NETWORK.map((s) => openSite(s, { network: NETWORK, signEvery: 8 })));
  await recordMany(a as Replica, 50);
  await recordMany(b as Replica, 30);
  return [a as Replica, b as Replica];
}

/** A transport as a user might write one: JSON text each way, the far replica's state kept beside it. */
function textChannel(near: string, far: Replica): SyncChannel {
  let state = initSyncState({ peer: near });
  return {
    name: far.site,
    async exchange(message) {
      let accepted = 0;
      if (message !== null) {
        const [next, report] = await far.receiveSyncMessage(state, JSON.parse(encodeSyncMessage(message)));
        state = next;
        accepted = report.accepted;
      }
      const [next, reply] = await far.generateSyncMessage(state, { maxEvents: 10 });
      state = next;
      const text = reply === null ? null : encodeSyncMessage(reply);
      return {
        message: text === null ? null : parseSyncMessage(JSON.parse(text)),
        ingest: { accepted, duplicates: 0, refused: { count: 0, byCode: {}, examples: [] } },
        ...(text === null ? {} : { bytesReceived: Buffer.byteLength(text) }),
      };
    },
  };
}

describe('syncOverChannel', () => {
  it('converges two replicas over a transport written from scratch, counting both directions', async () => {
    const [a, b] = await twoSites();
    const report = await syncOverChannel(a, textChannel(a.site, b), { maxEvents: 10 });
    await expectConverged([a, b]);
    expect(report).toMatchObject({ eventsSent: 50, eventsReceived: 30, accepted: 80, peer: 'hospital' });
    expect(report.rounds).toBeGreaterThan(5); // 10 events a message
    expect(report.bytesReceived).toBeGreaterThan(0);
  });

  it('in process gives the same counts as syncPair, which is this loop over an in-process channel', async () => {
    const [a, b] = await twoSites();
    const [c, d] = await twoSites();
    const viaChannel = await syncOverChannel(a, createInProcessChannel(a.site, b), { maxEvents: 10 });
    const viaPair = await syncPair(c, d, { maxEvents: 10 });
    const { rounds, messages, accepted, duplicates, refused, eventBytes } = viaChannel;
    expect(viaPair).toMatchObject({ rounds, messages, accepted, duplicates, refused, eventBytes });
    expect(Object.keys(viaPair).sort()).toEqual([
      'accepted',
      'bytes',
      'duplicates',
      'eventBytes',
      'messages',
      'refused',
      'rounds',
    ]);
    expect(viaChannel).toMatchObject({ eventsSent: 50, eventsReceived: 30, requests: 0 });
    // eventBytes is exactly the canonical encodings of the 80 events that crossed.
    const held = await a.store.readAll(undefined, 1000);
    expect(held.events).toHaveLength(80);
    expect(eventBytes).toBe(held.events.reduce((n, e) => n + Buffer.byteLength(encodeEvent(e), 'utf8'), 0));
  });

  it('names the far end in its refusals as the reply names it', async () => {
    const [a] = await twoSites();
    // The far end names itself only in its replies: refusals it made are counted under that name.
    const channel: SyncChannel = {
      name: 'http://hospital.example',
      async exchange() {
        return {
          message: null,
          site: 'hospital',
          ingest: {
            accepted: 0,
            duplicates: 0,
            refused: {
              count: 1,
              byCode: { malformed: 1 },
              examples: [{ index: 0, reason: { code: 'malformed', message: 'no' } }],
            },
          },
        };
      },
    };
    const report = await syncOverChannel(a, channel);
    expect(report.peer).toBe('hospital');
    expect(report.refused.examples[0]?.receiver).toBe('hospital');
  });
});
