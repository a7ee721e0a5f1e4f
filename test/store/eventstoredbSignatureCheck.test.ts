/**
 * Finding 10 of issue 9, for the EventStoreDB adapter: a signature is stored in event
 * metadata (or, when it arrives after its event, in the `<prefix>-signatures` overlay)
 * outside the hash the store re-checks on read, so flipped signature bytes were read back
 * and relayed (receivers then refused the run as bad-signature). Each stored signature now
 * carries a checksum tied to its event hash; one that fails it, or has none, is left out of
 * every read (the event itself, vouched for by its hash, is still returned), reported as a
 * typed STORE_CORRUPT naming the event, and repaired by the next copy that carries it.
 */
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isChartlogError, type ChartlogError } from '../../src/error/chartlogError.js';
import type { ChartEvent } from '../../src/event/chartEvent.js';
import { eventHash } from '../../src/event/eventHash.js';
import type { SiteId } from '../../src/event/ids.js';
import { generateSiteKeys } from '../../src/event/signature.js';
import { createKeyring, createReplica, exportPublicKey, syncPair } from '../../src/index.js';
import { clinicalSchema } from '../../src/clinical/index.js';
import { createMemoryEventLog } from '../../src/store/memory/memoryEventLog.js';
import { uuidFromSha256 } from '../../src/event/uuidFromSha256.js';
import { createEventStoreDbEventLog, type EventStoreDbEventLog } from '../../src/store/eventstoredb/index.js';
import { verifyEventLog } from '../../src/store/tools/verifyEventLog.js';
import { startEsdbTestServer, type EsdbTestServer } from '../support/esdb/esdbTestServer.js';
import { makeWriter, siteEvents, SITES } from '../support/storeFixtures.js';

const [A] = SITES as [SiteId];
let server: EsdbTestServer;
let stores = 0;
const open: { close(): Promise<unknown> }[] = [];

beforeAll(async () => {
  server = await startEsdbTestServer();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close().catch(() => undefined)));
});
afterAll(async () => {
  await server.stop();
});

/** A store with a fresh prefix, or another process's view of the same prefix. */
async function store(prefix = `sig${++stores}`): Promise<EventStoreDbEventLog> {
  const log = await createEventStoreDbEventLog({ connectionString: server.connectionString, prefix });
  open.push(log);
  return log;
}

/** Six events of site A, a signed head every 2 events (seqs 2, 4 and 6 signed). */
function signedEvents(): ChartEvent[] {
  const keys = generateSiteKeys();
  return siteEvents(makeWriter(A, { signing: { privateKey: keys.privateKey, every: 2 } }), 6);
}

function unsigned(event: ChartEvent): ChartEvent {
  const { sig: _sig, ...rest } = event;
  return rest as ChartEvent;
}

/** Changes one character of `sig` where it occurs in `bytes` (stored record bytes), as a damaged disk would. */
function flipSignatureIn(bytes: Uint8Array, sig: string): void {
  const at = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(sig, 0, 'utf8');
  expect(at, 'the signature is stored in these bytes').toBeGreaterThanOrEqual(0);
  const i = at + 20;
  bytes[i] = bytes[i] === 0x41 ? 0x42 : 0x41;
}

/** Flips a byte of the signature that site A's event `seq` carries in its metadata. */
function flipMetadataSignature(log: EventStoreDbEventLog, event: ChartEvent): void {
  const record = server.database.stream(log.streams.site(A))?.[event.seq - 1];
  flipSignatureIn(record!.customMetadata, event.sig!);
}

/** Flips a byte of every overlay entry holding `event`'s signature. */
function flipOverlaySignature(log: EventStoreDbEventLog, event: ChartEvent): void {
  const entries = (server.database.stream(log.streams.signatures) ?? []).filter((r) =>
    Buffer.from(r.data).includes(event.sig!),
  );
  expect(entries.length).toBeGreaterThan(0);
  for (const r of entries) flipSignatureIn(r.data, event.sig!);
}

/** Collects what the store reports as damage while `body` runs. */
async function damageDuring(
  log: EventStoreDbEventLog,
  body: () => Promise<unknown>,
): Promise<ChartlogError[]> {
  const found: ChartlogError[] = [];
  const stop = log.onDamage?.((d) => found.push(d));
  expect(stop, 'the store reports damage').toBeTypeOf('function');
  try {
    await body();
  } finally {
    stop?.();
  }
  return found;
}

/** Everything the store's catch-up subscription delivers from the start, once it has `count` events. */
async function subscribed(log: EventStoreDbEventLog, count: number): Promise<ChartEvent[]> {
  const got: ChartEvent[] = [];
  const sub = log.subscribe(undefined, (batch) => void got.push(...batch));
  open.push(sub);
  const until = Date.now() + 5000;
  while (got.length < count) {
    if (Date.now() > until) throw new Error(`the subscription delivered ${got.length} of ${count} events`);
    await new Promise((r) => setTimeout(r, 10));
  }
  await sub.close();
  return got;
}

/** Every read path, each returning the events it read. */
function reads(
  log: EventStoreDbEventLog,
  events: readonly ChartEvent[],
): [string, () => Promise<readonly ChartEvent[]>][] {
  return [
    ['get', async () => [(await log.get(A, 4))!]],
    ['readSite', () => log.readSite(A)],
    ['readStream', () => log.readStream(events[3]!.stream)],
    ['readAll', async () => (await log.readAll()).events],
    ['subscribe', () => subscribed(log, events.length)],
  ];
}

/** Checks that every read returns seq 4 without a signature, reports it once, and keeps the other signatures. */
async function expectSeq4SignatureLeftOut(
  log: EventStoreDbEventLog,
  events: readonly ChartEvent[],
  stream: string,
): Promise<void> {
  for (const [name, read] of reads(log, events)) {
    let got: readonly ChartEvent[] = [];
    const damage = await damageDuring(log, async () => (got = await read()));
    const four = got.find((e) => e.seq === 4);
    expect(four, name).toBeDefined();
    // The event is returned (its hash vouches for it), without the damaged signature.
    expect(four?.sig, name).toBeUndefined();
    expect(
      damage.map((d) => [isChartlogError(d), d.code, d.details]),
      name,
    ).toEqual([[true, 'STORE_CORRUPT', { stream, site: A, seq: 4, part: 'sig' }]]);
    expect(damage[0]?.message, name).toContain(`${A} seq 4`);
    // The other signatures are intact.
    const others = got.filter((e) => e.seq !== 4 && e.sig !== undefined);
    if (got.length === events.length) expect(others.length, name).toBe(2);
    expect(
      others.every((e) => e.sig === events[e.seq - 1]!.sig),
      name,
    ).toBe(true);
  }
}

describe('eventstoredb store: stored signatures are checked on read', () => {
  it('flipped signature bytes in event metadata are never returned by any read, and are reported as STORE_CORRUPT naming the event', async () => {
    const writer = await store();
    const events = signedEvents();
    await writer.append(events);
    flipMetadataSignature(writer, events[3]!);
    // Another process's view: nothing it reads comes from the writer's memory.
    const log = await store(writer.streams.prefix);
    await expectSeq4SignatureLeftOut(log, events, log.streams.site(A));
  });

  it('flipped signature bytes in an added signature (the overlay) are never returned by any read, and are reported', async () => {
    const writer = await store();
    const events = signedEvents();
    await writer.append(events.map(unsigned));
    // The signed copies arrive later: their signatures go to the overlay.
    expect(await writer.append(events)).toEqual({ appended: 0, duplicates: 6 });
    flipOverlaySignature(writer, events[3]!);
    const log = await store(writer.streams.prefix);
    await expectSeq4SignatureLeftOut(log, events, log.streams.signatures);
  });

  it('a later copy of the event that carries its signature repairs a damaged metadata signature', async () => {
    const log = await store();
    const events = signedEvents();
    await log.append(events);
    flipMetadataSignature(log, events[3]!);
    expect(await log.append([events[3]!])).toEqual({ appended: 0, duplicates: 1 });
    const reader = await store(log.streams.prefix);
    for (const view of [log, reader]) {
      const damage = await damageDuring(view, async () => {
        expect((await view.get(A, 4))?.sig).toBe(events[3]!.sig);
        expect((await view.readSite(A)).map((e) => e.sig)).toEqual(events.map((e) => e.sig));
      });
      expect(damage).toEqual([]);
      expect((await verifyEventLog(view)).ok).toBe(true);
    }
  });

  it('a later copy of the event that carries its signature repairs a damaged added signature', async () => {
    const writer = await store();
    const events = signedEvents();
    await writer.append(events.map(unsigned));
    await writer.append(events);
    flipOverlaySignature(writer, events[3]!);
    const log = await store(writer.streams.prefix);
    expect(await log.append([events[3]!])).toEqual({ appended: 0, duplicates: 1 });
    const reader = await store(writer.streams.prefix);
    for (const view of [log, reader]) {
      const damage = await damageDuring(view, async () =>
        expect((await view.readSite(A)).map((e) => e.sig)).toEqual(events.map((e) => e.sig)),
      );
      expect(damage).toEqual([]);
    }
  });

  it('a signature stored without its checksum (written before checksums) is not trusted: left out and reported', async () => {
    const log = await store();
    const events = signedEvents();
    const raw = EventStoreDBClient.connectionString(server.connectionString);
    try {
      // Exactly what the adapter wrote before this change: metadata { chartlog: 1, hash, sig }.
      const records = events.map((e) => {
        const hash = eventHash(e);
        return jsonEvent({
          id: uuidFromSha256(`event|${hash}`),
          type: e.type,
          data: unsigned(e) as never,
          metadata: { chartlog: 1, hash, ...(e.sig === undefined ? {} : { sig: e.sig }) },
        });
      });
      await raw.appendToStream(log.streams.site(A), records);
    } finally {
      await raw.dispose();
    }
    const damage = await damageDuring(log, async () =>
      expect((await log.readSite(A)).every((e) => e.sig === undefined)).toBe(true),
    );
    expect(damage.map((d) => ('seq' in d.details ? d.details.seq : undefined))).toEqual([2, 4, 6]);
    // Any signed copy gives the events their signatures back.
    expect(await log.append(events)).toEqual({ appended: 0, duplicates: 6 });
    expect(
      await damageDuring(log, async () =>
        expect((await log.readSite(A)).map((e) => e.sig)).toEqual(events.map((e) => e.sig)),
      ),
    ).toEqual([]);
  });

  it('verify reports a damaged signature as corrupt even without keys', async () => {
    const log = await store();
    const events = signedEvents();
    await log.append(events);
    flipMetadataSignature(log, events[3]!);
    const report = await verifyEventLog(log);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'corrupt', site: A, seq: 4 })]);
  });

  it('without a listener the damage is a process warning, once per damaged signature', async () => {
    const log = await store();
    const events = signedEvents();
    await log.append(events);
    flipMetadataSignature(log, events[3]!);
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    try {
      await log.readSite(A);
      await log.readSite(A);
      await log.get(A, 4);
      // Warnings are emitted on the next tick.
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    const ours = warnings.filter((w) => w.message.includes(log.streams.site(A)));
    expect(ours).toHaveLength(1);
    expect(ours[0]?.message).toContain(`${A} seq 4`);
  });

  it('a hub whose stored copy of a signature was damaged does not relay it: the receiving site refuses nothing', async () => {
    const keysA = generateSiteKeys();
    const keysHub = generateSiteKeys();
    const keysC = generateSiteKeys();
    const keyring = createKeyring({
      [A]: exportPublicKey(keysA.publicKey),
      hub: exportPublicKey(keysHub.publicKey),
      'practice-c': exportPublicKey(keysC.publicKey),
    });
    const events = siteEvents(makeWriter(A, { signing: { privateKey: keysA.privateKey, every: 2 } }), 6);
    const seed = await store();
    await seed.append(events);
    flipMetadataSignature(seed, events[5]!);

    const hubStore = await store(seed.streams.prefix);
    hubStore.onDamage?.(() => undefined);
    const hub = await createReplica({
      site: 'hub',
      keys: keysHub,
      keyring,
      schema: clinicalSchema,
      store: hubStore,
    });
    const c = await createReplica({
      site: 'practice-c',
      keys: keysC,
      keyring,
      schema: clinicalSchema,
      store: createMemoryEventLog(),
    });
    const report = await syncPair(hub, c);
    expect(report.refused.count).toBe(0);
    // What C holds of A is vouched for by A's good signatures only.
    const held = await c.store.readSite(A);
    expect(held.length).toBeGreaterThan(0);
    for (const e of held) if (e.sig !== undefined) expect(e.sig).toBe(events[e.seq - 1]!.sig);
    expect(held.some((e) => e.seq === 6 && e.sig !== undefined)).toBe(false);
  });
});
