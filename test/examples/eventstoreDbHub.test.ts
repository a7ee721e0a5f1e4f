/**
 * examples/eventstoredb-hub.ts, and `syncWithHub` on EventStoreDB: sites sharing a
 * cluster as their durable hub.
 * - always, against the in-process EventStoreDB test server (test/support/esdb), through
 *   the real `@eventstore/db-client` over gRPC: the example as a user runs it, the hub node
 *   going down for the outage, a push interrupted mid-way, sites pushing at once, a
 *   tampered hub;
 * - and the example against a real EventStoreDB/KurrentDB node when `CHARTLOG_ESDB_URL` is set.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runEventStoreDbHub, type EventStoreDbHubResult } from '../../examples/eventstoredb-hub.js';
import {
  eventHash,
  eventIdOf,
  syncPair,
  syncWithHub,
  type ChartEvent,
  type EventLog,
  type Replica,
} from '../../src/index.js';
import { readAllEvents } from '../../src/store/readEventPages.js';
import { createEventStoreDbEventLog, type EventStoreDbEventLog } from '../../src/store/eventstoredb/index.js';
import { caughtError } from '../support/caughtError.js';
import { startEsdbTestServer, type EsdbTestServer } from '../support/esdb/esdbTestServer.js';
import type { RecordedEvent } from '../support/esdb/esdbDatabase.js';
import { expectConverged, openSite, recordMany } from '../replica/fixtures.js';
import { REAL_ESDB_URL, realServerSuite } from '../support/esdb/realServer.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const NETWORK = ['practice-a', 'practice-b', 'hospital'];

/** Runs the example as a user would, without blocking this process (it serves the hub). */
function runExample(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'examples/eventstoredb-hub.ts', ...args],
      { cwd: root, env, encoding: 'utf8' },
      (error, stdout, stderr) => {
        done({ code: typeof error?.code === 'number' ? error.code : error ? 1 : 0, stdout, stderr });
      },
    );
  });
}

/** Every event the hub holds, read through the EventLog port: each `(site, seq)` and id exactly once, and as many as its vector says. */
async function expectEachOnceIn(hub: EventLog, total: number): Promise<ChartEvent[]> {
  const events = await readAllEvents(hub);
  expect(events).toHaveLength(total);
  expect(new Set(events.map((e) => e.id)).size).toBe(total);
  expect(new Set(events.map((e) => `${e.site}:${e.seq}`)).size).toBe(total);
  expect(Object.values(await hub.versionVector()).reduce((n, s) => n + s, 0)).toBe(total);
  return events;
}

/** What the server itself stored under a prefix's site streams: each event once, at revision seq − 1. */
function expectEachOnceOnServer(server: EsdbTestServer, prefix: string, total: number): void {
  const records = server.database.all.filter((r) => r.streamName.startsWith(`${prefix}-site-`));
  expect(records).toHaveLength(total);
  expect(new Set(records.map((r) => r.id)).size).toBe(total);
  for (const r of records)
    expect((JSON.parse(Buffer.from(r.data).toString('utf8')) as { seq: number }).seq).toBe(
      Number(r.revision) + 1,
    );
}

function expectTheStory(
  result: Pick<EventStoreDbHubResult, 'converged' | 'sites' | 'hubEvents' | 'conflicts'>,
): void {
  expect(result.converged).toBe(true);
  expect(result.sites.map((s) => s.site)).toEqual(NETWORK);
  expect(new Set(result.sites.map((s) => s.stateHash)).size).toBe(1);
  expect(result.sites.every((s) => s.events === result.hubEvents)).toBe(true);
  expect(result.conflicts.map((c) => `${c.stream} ${c.resource}.${c.field}`)).toEqual([
    'patient/ann-jones AllergyIntolerance/allergy-ann-penicillin.criticality',
  ]);
  expect(result.conflicts[0]?.writes.map((w) => [w.site, w.value]).sort()).toEqual([
    ['hospital', 'unable-to-assess'],
    ['practice-a', 'high'],
  ]);
}

describe('examples/eventstoredb-hub.ts against the in-process EventStoreDB server', () => {
  let server: EsdbTestServer;
  beforeAll(async () => {
    server = await startEsdbTestServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('runs as a user runs it (CHARTLOG_ESDB_URL, --json): one JSON line, converged, the allergy conflict, every event in the hub once', async () => {
    const { code, stdout, stderr } = await runExample(['--json', '--prefix', 'story1'], {
      ...process.env,
      CHARTLOG_ESDB_URL: server.connectionString,
    });
    expect(code, stderr).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0] as string) as EventStoreDbHubResult;
    expectTheStory(result);
    expect(Object.keys(result.sites[0] ?? {})).toEqual(['site', 'events', 'stateHash']);
    expect(stderr).toContain('OUTAGE');
    expect(stderr).toMatch(/hub unreachable \(STORE_UNAVAILABLE\)/);
    expectEachOnceOnServer(server, 'story1', result.hubEvents);
  });

  it('takes --esdb URL too, and prints a table', async () => {
    const env = { ...process.env };
    delete env['CHARTLOG_ESDB_URL'];
    const { code, stdout } = await runExample(['--esdb', server.connectionString], env);
    expect(code).toBe(0);
    expect(stdout).toContain('converged: every site holds every event in the hub');
    expect(stdout).toMatch(/AllergyIntolerance\/allergy-ann-penicillin\.criticality \(mv\)/);
  });

  it('without a hub to use, says how to get one and exits 2', async () => {
    const env = { ...process.env };
    delete env['CHARTLOG_ESDB_URL'];
    const { code, stdout, stderr } = await runExample([], env);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('CHARTLOG_ESDB_URL=');
    expect(stderr).toContain('docker run');
    expect(stderr).toContain('test/examples/eventstoreDbHub.test.ts');
  });

  it('converges the same way when the hub node itself is down for the outage', async () => {
    const result = await runEventStoreDbHub({
      connectionString: server.connectionString,
      prefix: 'story2',
      outage: { begin: () => server.stop(), end: () => server.start() },
    });
    expectTheStory(result);
    expectEachOnceOnServer(server, 'story2', result.hubEvents);
    const hub = await createEventStoreDbEventLog({
      connectionString: server.connectionString,
      prefix: 'story2',
    });
    try {
      await expectEachOnceIn(hub, result.hubEvents);
    } finally {
      await hub.close();
    }
  });
});

describe('syncWithHub on EventStoreDB (in-process server)', () => {
  let server: EsdbTestServer;
  let prefixes = 0;
  const open: EventStoreDbEventLog[] = [];
  beforeAll(async () => {
    server = await startEsdbTestServer();
  });
  afterEach(async () => {
    server.beforeAppend(undefined);
    await Promise.all(open.splice(0).map((h) => h.close()));
  });
  afterAll(async () => {
    await server.stop();
  });
  /** A connection to a hub; the same `prefix` is the same hub, from another process. */
  const connect = async (prefix = `h${++prefixes}`): Promise<EventStoreDbEventLog> => {
    const hub = await createEventStoreDbEventLog({ connectionString: server.connectionString, prefix });
    open.push(hub);
    return hub;
  };
  const sites = (names: readonly string[], signEvery?: number): Promise<Replica[]> =>
    Promise.all(names.map((s) => openSite(s, { network: NETWORK, ...(signEvery ? { signEvery } : {}) })));

  it('a push the node fails mid-way resumes on the next call, and the hub ends as after an uninterrupted push', async () => {
    const [a, b] = (await sites(['practice-a', 'practice-b'], 5)) as [Replica, Replica];
    await recordMany(a, 40);
    const hub = await connect();
    let appends = 0;
    server.beforeAppend((stream) => {
      // The third batch of practice-a's events fails, as a dropped connection does.
      if (stream === hub.streams.site(a.site) && ++appends === 2)
        server.injectFault({
          method: 'BatchAppend',
          stream,
          code: grpc.status.UNAVAILABLE,
          details: 'connection reset',
        });
    });
    expect((await caughtError(syncWithHub(a, hub, { maxEvents: 10 }))).code).toBe('STORE_UNAVAILABLE');
    expect(await hub.versionVector()).toEqual({ 'practice-a': 20 });
    expect(await syncWithHub(a, hub, { maxEvents: 10 })).toMatchObject({ pushed: 20, refused: { count: 0 } });
    expect(await hub.readSite(a.site)).toEqual(await a.store.readSite(a.site));
    await expectEachOnceIn(hub, 40);
    expect(await syncWithHub(b, hub)).toMatchObject({ pulled: 40, refused: { count: 0 } });
    await expectConverged([a, b]);
  });

  it('a batch the node stored but never acknowledged (restarted mid-append) is a duplicate on the retry', async () => {
    const [a, b] = (await sites(['practice-a', 'practice-b'], 5)) as [Replica, Replica];
    await recordMany(a, 30);
    const hub = await connect();
    let appends = 0;
    server.beforeAppend(async (stream) => {
      if (stream === hub.streams.site(a.site) && ++appends === 2) await server.restart();
    });
    expect((await caughtError(syncWithHub(a, hub, { maxEvents: 10 }))).code).toBe('STORE_UNAVAILABLE');
    expect(await hub.versionVector()).toEqual({ 'practice-a': 20 });
    const retry = await syncWithHub(a, hub, { maxEvents: 10 });
    expect(retry).toMatchObject({ pushed: 10, refused: { count: 0 } });
    expectEachOnceOnServer(server, hub.streams.prefix, 30);
    await syncWithHub(b, hub);
    await expectConverged([a, b]);
  });

  it("two sites relaying the same third site's events at the same moment, each through its own connection, store them once", async () => {
    const [a, b, hospital] = (await sites(NETWORK)) as [Replica, Replica, Replica];
    await recordMany(hospital, 25);
    await syncPair(hospital, a);
    await syncPair(hospital, b);
    await recordMany(a, 10);
    await recordMany(b, 8);
    const [hubA, hubB] = [await connect('relay'), await connect('relay')];
    // Hold the first append of the hospital's events until the second one arrives: a real race.
    let arrivals = 0;
    let release = (): void => undefined;
    const bothThere = new Promise<void>((r) => (release = r));
    server.beforeAppend(async (stream) => {
      if (stream !== hubA.streams.site(hospital.site)) return;
      if (++arrivals === 2) release();
      await Promise.race([bothThere, new Promise((r) => setTimeout(r, 2000))]);
    });
    const reports = await Promise.all([syncWithHub(a, hubA), syncWithHub(b, hubB)]);
    expect(arrivals).toBe(2);
    expect(reports.map((r) => r.refused.count)).toEqual([0, 0]);
    expectEachOnceOnServer(server, 'relay', 43);
    await expectEachOnceIn(hubA, 43);
    for (const r of [a, b, hospital]) await syncWithHub(r, hubA);
    await expectConverged([a, b, hospital]);
  });

  it('a tampered event in the hub is refused on pull and changes nothing', async () => {
    const [a, b] = (await sites(['practice-a', 'practice-b'])) as [Replica, Replica];
    const hub = await connect();
    await recordMany(a, 6);
    await syncWithHub(a, hub);
    await syncWithHub(b, hub);
    await recordMany(a, 3);
    await syncWithHub(a, hub);
    const before = { hash: b.chart.hash(), vector: await b.versionVector() };

    // Someone with write access to the cluster rewrites practice-a's seq 8 in place.
    const stream = hub.streams.site(a.site);
    const original = server.database.stream(stream)?.[7] as RecordedEvent;
    const altered = JSON.parse(Buffer.from(original.data).toString('utf8')) as ChartEvent & {
      data: Record<string, Record<string, unknown>>;
    };
    for (const fields of Object.values(altered.data))
      if ('lww' in fields) fields['lww'] = 'altered in the hub';
    const meta = JSON.parse(Buffer.from(original.customMetadata).toString('utf8')) as { hash: string };
    const replace = (metadata: object): void => {
      const record: RecordedEvent = {
        ...original,
        data: Buffer.from(JSON.stringify(altered)),
        customMetadata: Buffer.from(JSON.stringify(metadata)),
      };
      (server.database.stream(stream) as RecordedEvent[])[7] = record;
      const all = server.database.all;
      all[all.findIndex((r) => r.streamName === stream && r.revision === original.revision)] = record;
    };

    // Careless tampering (the stored hash left as it was) is caught by the adapter on read.
    replace(meta);
    expect((await caughtError(syncWithHub(b, hub))).code).toBe('STORE_CORRUPT');
    expect(b.chart.hash()).toBe(before.hash);

    // Careful tampering (the id derived again, the stored hash updated) reaches ingest,
    // which refuses the run.
    const { id: _id, sig: _sig, ...content } = altered;
    (altered as { id: string }).id = eventIdOf(content);
    replace({ ...meta, hash: eventHash(altered) });
    const report = await syncWithHub(b, hub);
    expect(report.pulled).toBe(0);
    expect(report.refused.examples.map((r) => `${r.receiver} ${r.site}:${r.seq} ${r.reason.code}`)).toEqual([
      'practice-b practice-a:7 broken-chain',
      'practice-b practice-a:8 broken-chain',
      'practice-b practice-a:9 broken-chain',
    ]);
    expect(b.chart.hash()).toBe(before.hash);
    expect(await b.versionVector()).toEqual(before.vector);
  });
});

describe.skipIf(REAL_ESDB_URL === '')(realServerSuite('examples/eventstoredb-hub.ts'), () => {
  const url = REAL_ESDB_URL;
  it('converges with the allergy conflict listed, every event in the hub exactly once', async () => {
    const prefix = `hubtest${Date.now().toString(36)}`;
    const result = await runEventStoreDbHub({ connectionString: url, prefix });
    expectTheStory(result);
    const hub = await createEventStoreDbEventLog({ connectionString: url, prefix });
    try {
      await expectEachOnceIn(hub, result.hubEvents);
    } finally {
      await hub.close();
    }
  });
});
