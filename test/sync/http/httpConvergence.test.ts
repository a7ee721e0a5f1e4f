/**
 * Replicas that record while cut off converge over real HTTP on 127.0.0.1: the same
 * events and the same chart hash everywhere, equal to the batch fold of the union.
 */
import { describe, expect, it } from 'vitest';
import {
  createMemoryEventLog,
  initSyncState,
  siteId,
  type EventLog,
  type Replica,
} from '../../../src/index.js';
import { encodeEvent } from '../../../src/event/eventHash.js';
import { openSqliteEventLog } from '../../../src/store/sqlite/index.js';
import { createHttpSyncClient, syncOverHttp, syncMessageLines } from '../../../src/sync/http/index.js';
import { useTempDir } from '../../support/tempDir.js';
import { expectConverged, openSite, recordMany } from '../../replica/fixtures.js';
import { post, serveReplica, tokenOf, useServers } from './httpHarness.js';

const NETWORK = ['practice-a', 'practice-b', 'hospital'];

const client = (url: string, site: string): ReturnType<typeof createHttpSyncClient> =>
  createHttpSyncClient({ url, token: tokenOf(site), retries: 0 });

describe('sync over HTTP', () => {
  const serve = useServers();
  const file = useTempDir('http-sync');

  it("two replicas that recorded offline converge, in bounded batches, at under 1.1× the events' canonical size", async () => {
    const [a, hospital] = (await Promise.all(
      ['practice-a', 'hospital'].map((s) => openSite(s, { network: NETWORK })),
    )) as [Replica, Replica];
    await recordMany(a, 300);
    await recordMany(hospital, 170);
    const { url } = await serveReplica(serve, hospital, ['practice-a']);
    const report = await syncOverHttp(a, client(url, 'practice-a'), { maxEvents: 100 });
    expect(report.refused.count).toBe(0);
    expect(report).toMatchObject({ eventsSent: 300, eventsReceived: 170, accepted: 470, peer: 'hospital' });
    expect(report.rounds).toBeGreaterThan(3);
    expect(report.requests).toBe(report.rounds);
    expect(report.bytes).toBe(report.bytesSent + report.bytesReceived);
    expect(report.bytes / report.eventBytes).toBeLessThan(1.1);
    await expectConverged([a, hospital]);
    // eventBytes is exactly the events' canonical encodings, both directions.
    let canonical = 0;
    const held = await a.store.readAll(undefined, 10_000);
    for (const e of held.events) canonical += Buffer.byteLength(encodeEvent(e), 'utf8');
    expect(held.events).toHaveLength(470);
    expect(report.eventBytes).toBe(canonical);
    // Quiet now: one round with nothing either way.
    const again = await syncOverHttp(a, client(url, 'practice-a'));
    expect(again).toMatchObject({ eventsSent: 0, eventsReceived: 0, accepted: 0 });
  });

  it('three replicas, one on a real SQLite file, converge through a hub that relays', async () => {
    const stores = NETWORK.map((site) =>
      site === 'practice-b' ? openSqliteEventLog(file(`${site}.chartlog`)) : createMemoryEventLog(),
    );
    const [a, b, hub] = (await Promise.all(
      NETWORK.map((site, i) =>
        openSite(site, { network: NETWORK, store: stores[i] as EventLog, clockOffsetMs: i * 300 }),
      ),
    )) as [Replica, Replica, Replica];
    await recordMany(a, 120);
    await recordMany(b, 90);
    await recordMany(hub, 40);
    const { url } = await serveReplica(serve, hub, ['practice-a', 'practice-b']);
    // a → hub, b → hub (b gets a's events through the hub), a → hub again (a gets b's).
    await syncOverHttp(a, client(url, 'practice-a'));
    const viaHub = await syncOverHttp(b, client(url, 'practice-b'));
    expect(viaHub.eventsReceived).toBe(160);
    await syncOverHttp(a, client(url, 'practice-a'));
    expect(await b.versionVector()).toEqual({ 'practice-a': 120, 'practice-b': 90, hospital: 40 });
    await expectConverged([a, b, hub]);
    for (const s of stores) await s.close();
  });

  it('two servers and concurrent clients: every pair converges whatever the interleaving', async () => {
    const [a, b, hub] = (await Promise.all(NETWORK.map((s) => openSite(s, { network: NETWORK })))) as [
      Replica,
      Replica,
      Replica,
    ];
    await Promise.all([recordMany(a, 80), recordMany(b, 60), recordMany(hub, 30)]);
    const hubServer = await serveReplica(serve, hub, ['practice-a', 'practice-b']);
    const bServer = await serveReplica(serve, b, ['practice-a']);
    await Promise.all([
      syncOverHttp(a, client(hubServer.url, 'practice-a'), { maxEvents: 20 }),
      syncOverHttp(b, client(hubServer.url, 'practice-b'), { maxEvents: 20 }),
      syncOverHttp(a, client(bServer.url, 'practice-a'), { maxEvents: 20 }),
    ]);
    await Promise.all([
      syncOverHttp(a, client(hubServer.url, 'practice-a')),
      syncOverHttp(b, client(hubServer.url, 'practice-b')),
    ]);
    await expectConverged([a, b, hub]);
  });

  it('takes an old request replayed much later as duplicates, changing nothing', async () => {
    const [a, hospital] = (await Promise.all(
      ['practice-a', 'hospital'].map((s) => openSite(s, { network: NETWORK })),
    )) as [Replica, Replica];
    await recordMany(a, 30);
    const bodies: Uint8Array[] = [];
    const recording: typeof fetch = async (input, init) => {
      if (init?.body instanceof Uint8Array) bodies.push(new Uint8Array(init.body));
      return fetch(input, init);
    };
    const { url } = await serveReplica(serve, hospital, ['practice-a']);
    await syncOverHttp(a, createHttpSyncClient({ url, token: tokenOf('practice-a'), fetch: recording }));
    await recordMany(a, 10);
    await recordMany(hospital, 10);
    await syncOverHttp(a, client(url, 'practice-a'));
    const hash = hospital.chart.hash();
    const count = await hospital.store.count();
    const old = bodies.find((b) => b.length > 2000) as Uint8Array;
    const replay = await post(url, old, { authorization: `Bearer ${tokenOf('practice-a')}` });
    expect(replay.status).toBe(200);
    const trailer = JSON.parse(replay.text.trim().split('\n').at(-1) as string) as { ingest: unknown };
    expect(trailer.ingest).toMatchObject({ accepted: 0, duplicates: 30, refusedCount: 0 });
    expect(hospital.chart.hash()).toBe(hash);
    expect(await hospital.store.count()).toBe(count);
    // And the next sync is still quiet in one round.
    expect((await syncOverHttp(a, client(url, 'practice-a'))).eventsReceived).toBe(0);
  });

  it('speaks the documented wire format: header line, one event per line, trailer', async () => {
    const [a, hospital] = (await Promise.all(
      ['practice-a', 'hospital'].map((s) => openSite(s, { network: NETWORK })),
    )) as [Replica, Replica];
    await recordMany(hospital, 3);
    const { url } = await serveReplica(serve, hospital, ['practice-a']);
    const [, first] = await a.generateSyncMessage(initSyncState());
    const res = await post(url, [...syncMessageLines(first)].join(''), {
      authorization: `Bearer ${tokenOf('practice-a')}`,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(res.headers.get('chartlog-site')).toBe('hospital');
    const text = res.text.trimEnd().split('\n');
    const lines = text.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toEqual({ protocol: 1, vector: { hospital: 3 }, known: { hospital: 3 } });
    // Each event line carries the event's canonical bytes verbatim, the signature beside them.
    const held = await hospital.store.readSite(siteId('hospital'));
    expect(text.slice(1, 4)).toEqual(
      held.map((e) => `{"e":${encodeEvent(e)}${e.sig === undefined ? '' : `,"sig":"${e.sig}"`}}`),
    );
    expect(held[2]?.sig).toBeDefined(); // the run ends at a signed head
    expect(lines[4]).toEqual({
      end: true,
      events: 3,
      ingest: { accepted: 0, duplicates: 0, refusedCount: 0, refusedByCode: {}, refused: [] },
    });
    const status = await createHttpSyncClient({ url, token: tokenOf('practice-a') }).status();
    expect(status).toEqual({
      site: 'hospital',
      protocol: 1,
      status: 'ready',
      vector: { hospital: 3 },
      stateHash: hospital.chart.hash(),
    });
  });
});
