/**
 * What the eventstoredb adapter promises beyond the shared conformance suite: a catch-up
 * subscription that sees other processes' appends and survives dropped connections, a
 * record index that needs no repair after a crash between its two writes, and driver
 * errors translated into chartlog's. All through the real client and real gRPC, against
 * the in-process server in test/support/esdb.
 */
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ChartlogError, type ChartlogErrorCode } from '../../src/error/chartlogError.js';
import type { ChartEvent } from '../../src/event/chartEvent.js';
import { eventHash } from '../../src/event/eventHash.js';
import type { SiteId } from '../../src/event/ids.js';
import { uuidFromSha256 } from '../../src/event/uuidFromSha256.js';
import {
  createEventStoreDbEventLog,
  type ChartEventSubscription,
  type EventStoreDbEventLog,
} from '../../src/store/eventstoredb/index.js';
import { startEsdbTestServer, type EsdbTestServer } from '../support/esdb/esdbTestServer.js';
import { interleave, makeHistory, makeWriter, siteEvents, SITES, STREAMS } from '../support/storeFixtures.js';
import { caughtError } from '../support/caughtError.js';
import { waitFor } from '../support/waitFor.js';

const [A, B] = SITES as [SiteId, SiteId, SiteId];
let server: EsdbTestServer;
let stores = 0;
const open: { close(): Promise<unknown> }[] = [];

beforeAll(async () => {
  server = await startEsdbTestServer();
});
afterEach(async () => {
  server.beforeAppend(undefined);
  await Promise.all(open.splice(0).map((o) => o.close().catch(() => undefined)));
});
afterAll(async () => {
  await server.stop();
});

/** A store with a fresh prefix, or another process's view of the same prefix. */
async function store(prefix = `s${++stores}`): Promise<EventStoreDbEventLog> {
  const log = await createEventStoreDbEventLog({ connectionString: server.connectionString, prefix });
  open.push(log);
  return log;
}

function track<T extends ChartEventSubscription>(sub: T): T {
  open.push(sub);
  return sub;
}

function expectCode(error: ChartlogError, code: ChartlogErrorCode): void {
  expect(error.code, error.message).toBe(code);
}

describe('eventstoredb store: layout', () => {
  it('writes each site to <prefix>-site-<site> at revision seq − 1, with an EventStoreDB id derived from the event hash', async () => {
    const log = await store('layout');
    const a = siteEvents(makeWriter(A), 3);
    await log.append(a);
    const stream = server.database.stream('layout-site-practice-a');
    // Not the chart id, which names only the (site, seq): a fork must never pass for a retry.
    expect(stream?.map((r) => [r.revision, r.id, r.type])).toEqual(
      a.map((e) => [BigInt(e.seq - 1), uuidFromSha256(`event|${eventHash(e)}`), e.type]),
    );
    const meta = JSON.parse(Buffer.from(stream![0]!.customMetadata).toString('utf8')) as { hash: string };
    expect(meta.hash).toBe(eventHash(a[0]!));
    expect(server.database.stream('layout-sites')).toHaveLength(1);
  });

  it('uses BatchAppend when the server advertises it, and plain Append when it does not', async () => {
    const plain = await startEsdbTestServer({ batchAppend: false });
    try {
      const log = await createEventStoreDbEventLog({ connectionString: plain.connectionString });
      await log.append(siteEvents(makeWriter(A), 2));
      await log.close();
      expect(plain.calls['Append']).toBeGreaterThan(0);
      expect(plain.calls['BatchAppend']).toBeUndefined();
    } finally {
      await plain.stop();
    }
    expect(server.calls['BatchAppend']).toBeGreaterThan(0);
  });

  it('splits a site run larger than maxAppendBytes into several exact-revision appends', async () => {
    const log = await createEventStoreDbEventLog({
      connectionString: server.connectionString,
      prefix: 'chunked',
      maxAppendBytes: 2000,
    });
    open.push(log);
    const a = siteEvents(makeWriter(A), 12);
    expect(await log.append(a)).toEqual({ appended: 12, duplicates: 0 });
    expect(await log.readSite(A)).toEqual(a);
  });
});

describe('eventstoredb store: readAll on a shared database', () => {
  it("pages past other stores' and system events, returning partial pages after readAllScanLimit records", async () => {
    const busy = await store();
    await busy.append(siteEvents(makeWriter(A, { seed: 3 }), 30));
    const log = await createEventStoreDbEventLog({
      connectionString: server.connectionString,
      prefix: `scan${++stores}`,
      readAllScanLimit: 5,
    });
    open.push(log);
    const mine = siteEvents(makeWriter(B), 2);
    await log.append(mine);
    const seen: ChartEvent[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (let done = false; !done; pages++) {
      const page = await log.readAll(cursor, 10);
      seen.push(...page.events);
      cursor = page.cursor;
      done = page.done;
      expect(pages).toBeLessThan(500);
    }
    expect(seen).toEqual(mine);
    expect(pages).toBeGreaterThan(1);
  });
});

describe('eventstoredb store: subscribe', () => {
  it('delivers stored events, then events appended by another process, in $all order, with a resumable cursor', async () => {
    const mine = await store();
    const other = await store(mine.streams.prefix);
    const { events } = makeHistory(4);
    const before = interleave([events.get(A)!, events.get(B)!]);
    await mine.append(before);
    const got: ChartEvent[] = [];
    let lastCursor = '';
    const sub = track(
      mine.subscribe(undefined, (batch, cursor) => {
        got.push(...batch);
        lastCursor = cursor;
      }),
    );
    await waitFor(() => got.length === before.length, 'catch-up');
    const later = siteEvents(makeWriter(SITES[2]!), 3);
    await other.append(later);
    await waitFor(() => got.length === before.length + 3, 'live delivery');
    expect(got).toEqual([...before, ...later]);
    expect(sub.cursor).toBe(lastCursor);
    // The cursor is a readAll cursor too: nothing after it yet.
    expect((await mine.readAll(sub.cursor)).events).toEqual([]);
    // Another store's events in the same database are not delivered.
    const stranger = await store();
    await stranger.append(siteEvents(makeWriter(A, { seed: 5 }), 2));
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toHaveLength(before.length + 3);
  });

  it('starts after a saved cursor, and close stops deliveries', async () => {
    const log = await store();
    const w = makeWriter(A);
    const first = siteEvents(w, 3);
    await log.append(first);
    const cursor = (await log.readAll()).cursor;
    const second = siteEvents(w, 2);
    await log.append(second);
    const got: ChartEvent[] = [];
    const sub = track(log.subscribe(cursor, (batch) => void got.push(...batch)));
    await waitFor(() => got.length === 2, 'events after the cursor');
    expect(got).toEqual(second);
    await sub.close();
    await log.append(siteEvents(w, 1));
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toHaveLength(2);
  });

  it('resumes from its cursor after the server drops the subscription, without losing or repeating an event', async () => {
    const log = await store();
    const w = makeWriter(A);
    await log.append(siteEvents(w, 2));
    const got: ChartEvent[] = [];
    const drops: ChartlogError[] = [];
    track(
      log.subscribe(undefined, (batch) => void got.push(...batch), {
        retryDelayMs: 10,
        onError: (e, willRetry) => willRetry && drops.push(e),
      }),
    );
    await waitFor(() => got.length === 2, 'catch-up');
    expect(server.dropSubscriptions()).toBeGreaterThan(0);
    await waitFor(() => drops.length === 1, 'the drop to be reported');
    expectCode(drops[0]!, 'STORE_UNAVAILABLE');
    const more = siteEvents(w, 3);
    await log.append(more);
    await waitFor(() => got.length === 5, 'delivery after resubscribing');
    expect(got.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('survives a node restart: retries while it is down, then catches up with what was written meanwhile', async () => {
    const log = await store();
    const writer = await store(log.streams.prefix);
    const w = makeWriter(B);
    await log.append(siteEvents(w, 1));
    const got: ChartEvent[] = [];
    const drops: ChartlogError[] = [];
    track(
      log.subscribe(undefined, (batch) => void got.push(...batch), {
        retryDelayMs: 20,
        maxRetryDelayMs: 50,
        onError: (e) => drops.push(e),
      }),
    );
    await waitFor(() => got.length === 1, 'catch-up');
    await server.stop();
    await waitFor(() => drops.length >= 2, 'failed resubscriptions while the node is down');
    expect(drops.every((e) => e.code === 'STORE_UNAVAILABLE')).toBe(true);
    expectCode(await caughtError(writer.append(siteEvents(makeWriter(A), 1))), 'STORE_UNAVAILABLE');
    await server.start();
    const more = siteEvents(w, 2);
    // The writer's client reconnects on its next call.
    await writer.append(more);
    await waitFor(() => got.length === 3, 'delivery after the restart');
    expect(got.map((e) => `${e.site}:${e.seq}`)).toEqual(['practice-b:1', 'practice-b:2', 'practice-b:3']);
  });

  it('stops and reports it when the subscriber throws', async () => {
    const log = await store();
    await log.append(siteEvents(makeWriter(A), 1));
    const errors: [ChartlogError, boolean][] = [];
    track(
      log.subscribe(undefined, () => Promise.reject(new Error('disk full')), {
        onError: (e, retry) => errors.push([e, retry]),
      }),
    );
    await waitFor(() => errors.length === 1, 'the failure');
    expect(errors[0]![1]).toBe(false);
    expect(errors[0]![0].message).toContain('disk full');
  });

  it('refuses a cursor it did not issue', async () => {
    const log = await store();
    expect(() => log.subscribe('nope', () => undefined)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
});

describe('eventstoredb store: the record index needs no repair', () => {
  it('a crash between the index write and the site append shows nothing, and the retried append shows each event once', async () => {
    const log = await store();
    const a = siteEvents(makeWriter(A), 3);
    server.injectFault({
      method: 'BatchAppend',
      stream: log.streams.site(A),
      code: grpc.status.UNAVAILABLE,
      details: 'connection reset',
    });
    expectCode(await caughtError(log.append(a)), 'STORE_UNAVAILABLE');
    // The links were written, their targets were not.
    expect(server.database.stream(log.streams.index(STREAMS[0]!))?.length).toBeGreaterThan(0);
    expect(await log.count()).toBe(0);
    for (const s of STREAMS) expect(await log.readStream(s)).toEqual([]);
    // A new process retries the same batch.
    const again = await store(log.streams.prefix);
    expect(await again.append(a)).toEqual({ appended: 3, duplicates: 0 });
    for (const s of STREAMS) expect(await again.readStream(s)).toEqual(a.filter((e) => e.stream === s));
  });

  it("a refused append's link never shows another record's event written at that (site, seq) later", async () => {
    const log = await store();
    const lost = siteEvents(makeWriter(A, { seed: 1 }), 1, [STREAMS[0]!]);
    const kept = siteEvents(makeWriter(A, { seed: 2 }), 1, [STREAMS[1]!]);
    server.injectFault({ method: 'BatchAppend', stream: log.streams.site(A), code: grpc.status.UNAVAILABLE });
    await caughtError(log.append(lost));
    await log.append(kept);
    expect(await log.readStream(STREAMS[0]!)).toEqual([]);
    expect(await log.readStream(STREAMS[1]!)).toEqual(kept);
  });

  it('a site registered just before a crash, with no events, adds nothing to the version vector', async () => {
    const log = await store();
    server.injectFault({ method: 'BatchAppend', stream: log.streams.site(B), code: grpc.status.UNAVAILABLE });
    await caughtError(log.append(siteEvents(makeWriter(B), 2)));
    expect(server.database.stream(log.streams.sites)).toHaveLength(1);
    expect(await log.versionVector()).toEqual({});
    expect(await log.head(B)).toEqual({ seq: 0, hash: null });
  });
});

describe('eventstoredb store: concurrent writers and errors', () => {
  it('another writer storing a different event first turns the wrong expected version into FORK', async () => {
    const log = await store();
    const other = await store(log.streams.prefix);
    const mine = siteEvents(makeWriter(A, { seed: 1 }), 2);
    const theirs = siteEvents(makeWriter(A, { seed: 2 }), 2);
    let raced = false;
    server.beforeAppend(async (stream) => {
      if (raced || stream !== log.streams.site(A)) return;
      raced = true;
      await other.append(theirs);
    });
    const error = await caughtError(log.append(mine));
    expectCode(error, 'FORK');
    expect(error.details).toMatchObject({
      site: A,
      seq: 1,
      heldHash: eventHash(theirs[0]!),
      offeredHash: eventHash(mine[0]!),
    });
    expect(await log.readSite(A)).toEqual(theirs);
  });

  it('another writer storing the same events first makes the append succeed without storing them twice', async () => {
    const log = await store();
    const other = await store(log.streams.prefix);
    const a = siteEvents(makeWriter(A), 3);
    let raced = false;
    server.beforeAppend(async (stream) => {
      if (raced || stream !== log.streams.site(A)) return;
      raced = true;
      await other.append(a.slice(0, 2));
    });
    await log.append(a);
    expect(await log.readSite(A)).toEqual(a);
    expect(await log.count()).toBe(3);
  });

  it('translates an unreachable node to STORE_UNAVAILABLE, at open and on every call', async () => {
    const down = await startEsdbTestServer();
    const log = await createEventStoreDbEventLog({ connectionString: down.connectionString, prefix: 'down' });
    await down.stop();
    try {
      const error = await caughtError(log.readSite(A));
      expectCode(error, 'STORE_UNAVAILABLE');
      expect('action' in error.details && error.details.action).toBeTruthy();
      expectCode(await caughtError(log.append(siteEvents(makeWriter(A), 1))), 'STORE_UNAVAILABLE');
      expectCode(
        await caughtError(createEventStoreDbEventLog({ connectionString: down.connectionString })),
        'STORE_UNAVAILABLE',
      );
    } finally {
      await log.close();
    }
  });

  it("translates other driver errors to STORE_FAILED with the driver's error type", async () => {
    const log = await store();
    server.injectFault({
      method: 'Read',
      code: grpc.status.PERMISSION_DENIED,
      exception: 'access-denied',
      details: 'Access denied',
    });
    const denied = await caughtError(log.readSite(A));
    expectCode(denied, 'STORE_FAILED');
    expect('driverType' in denied.details && denied.details.driverType).toBe('access-denied');
    server.injectFault({ method: 'Read', code: grpc.status.INTERNAL, details: 'boom' });
    expectCode(await caughtError(log.versionVector()), 'STORE_FAILED');
  });

  it("a node's MaxAppendSize refusal is STORE_FAILED naming the limit", async () => {
    const small = await startEsdbTestServer({ maxAppendSize: 1500 });
    const log = await createEventStoreDbEventLog({ connectionString: small.connectionString });
    try {
      const error = await caughtError(log.append(siteEvents(makeWriter(A), 8)));
      expectCode(error, 'STORE_FAILED');
      expect('driverType' in error.details && error.details.driverType).toBe('maximum-append-size-exceeded');
    } finally {
      await log.close();
      await small.stop();
    }
  });

  it('reads a tampered event as STORE_CORRUPT', async () => {
    const log = await store();
    const [e] = siteEvents(makeWriter(A), 1);
    const { sig: _sig, ...unsigned } = e!;
    const raw = EventStoreDBClient.connectionString(server.connectionString);
    try {
      await raw.appendToStream(log.streams.site(A), [
        jsonEvent({
          id: e!.id,
          type: e!.type,
          data: { ...unsigned, v: 2 },
          metadata: { chartlog: 1, hash: eventHash(e!) },
        }),
      ]);
    } finally {
      await raw.dispose();
    }
    const error = await caughtError(log.readSite(A));
    expectCode(error, 'STORE_CORRUPT');
    expect(error.details).toMatchObject({ stream: log.streams.site(A), revision: '0' });
  });

  it('reads an event whose id is not the id of its (site, seq) as STORE_CORRUPT, even when its stored hash matches', async () => {
    const log = await store();
    const [first, second] = siteEvents(makeWriter(A), 2) as [ChartEvent, ChartEvent];
    await log.append([first]);
    // Seq 2 claiming seq 1's id, chained and hashed as if it were genuine.
    const { sig: _sig, ...unsigned } = second;
    const claiming = { ...unsigned, id: first.id };
    const raw = EventStoreDBClient.connectionString(server.connectionString);
    try {
      await raw.appendToStream(log.streams.site(A), [
        jsonEvent({
          id: uuidFromSha256('claim'),
          type: second.type,
          data: claiming,
          metadata: { chartlog: 1, hash: eventHash(claiming as ChartEvent) },
        }),
      ]);
    } finally {
      await raw.dispose();
    }
    const error = await caughtError(log.readSite(A));
    expectCode(error, 'STORE_CORRUPT');
    expect(error.details).toMatchObject({ stream: log.streams.site(A), revision: '1' });
    expect(error.issues.map((i) => i.path)).toEqual([['id']]);
  });
});

describe('eventstoredb store: options and lifecycle', () => {
  it('refuses a bad prefix and a missing connection', async () => {
    expectCode(
      await caughtError(
        createEventStoreDbEventLog({ connectionString: server.connectionString, prefix: 'has-dash' }),
      ),
      'INVALID_OPTION',
    );
    expectCode(await caughtError(createEventStoreDbEventLog({} as never)), 'INVALID_OPTION');
    expectCode(
      await caughtError(createEventStoreDbEventLog({ connectionString: 'http://nope' })),
      'INVALID_OPTION',
    );
  });

  it('leaves a client it was given open on close, and closes its subscriptions', async () => {
    const client = EventStoreDBClient.connectionString(server.connectionString);
    try {
      const log = await createEventStoreDbEventLog({ client, prefix: `given${++stores}` });
      const got: ChartEvent[] = [];
      log.subscribe(undefined, (batch) => void got.push(...batch));
      await log.close();
      await client.appendToStream('still-usable', [jsonEvent({ type: 'x.y', data: {} })]);
      expect(got).toEqual([]);
    } finally {
      await client.dispose();
    }
  });
});
