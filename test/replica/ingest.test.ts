import { describe, expect, it } from 'vitest';
import {
  createKeyring,
  createMemoryEventLog,
  createReplica,
  generateSiteKeys,
  signEvent,
  type ChartEvent,
} from '../../src/index.js';
import { testSchema } from '../../src/testing/index.js';
import {
  allEvents,
  draft,
  foldHash,
  keysOf,
  openSite,
  publicKeys,
  recordMany,
  tampered,
} from './fixtures.js';

const NETWORK = ['practice-a', 'practice-b', 'hospital'];

/** What practice-a holds after recording `n` events, with its head signed (as it is whenever it answers a sync). */
async function originWith(n: number) {
  const origin = await openSite('practice-a', { network: NETWORK });
  await recordMany(origin, n);
  await origin.signHead();
  return { origin, events: await allEvents(origin) };
}

describe('a replica records and ingests', () => {
  it('records with no peer reachable, signs a head every 256 events, and rebuilds the same chart from its store', async () => {
    const store = createMemoryEventLog();
    const a = await openSite('practice-a', { network: NETWORK, store });
    const events = await recordMany(a, 300);
    expect(events.filter((e) => e.sig !== undefined).map((e) => e.seq)).toEqual([256]);
    expect(await a.versionVector()).toEqual({ 'practice-a': 300 });
    const reopened = await createReplica({
      site: 'practice-a',
      keys: keysOf('practice-a'),
      store,
      schema: testSchema,
    });
    expect(reopened.chart.hash()).toBe(a.chart.hash());
    expect(reopened.chart.hash()).toBe(foldHash(events));
    // The chain continues where the store ends, and the clock never goes back.
    const next = await reopened.record(draft('practice-a', 301));
    expect(next.seq).toBe(301);
    expect(next.hlc > (events.at(-1) as ChartEvent).hlc).toBe(true);
  });

  it('takes a signed run from a peer, once: a replayed batch later is only duplicates', async () => {
    const { origin, events } = await originWith(20);
    const h = await openSite('hospital', { network: NETWORK });
    expect(await h.ingest(events)).toEqual({
      accepted: 20,
      duplicates: 0,
      refused: { count: 0, byCode: {}, examples: [] },
      refusedSites: [],
      skew: [],
    });
    await recordMany(h, 5);
    expect(await h.ingest(events)).toEqual({
      accepted: 0,
      duplicates: 20,
      refused: { count: 0, byCode: {}, examples: [] },
      refusedSites: [],
      skew: [],
    });
    expect(h.chart.hash()).toBe(
      foldHash([...events, ...(await allEvents(h)).filter((e) => e.site === 'hospital')]),
    );
    expect(origin.chart.size).toBe(20);
  });

  it('refuses a run with one flipped byte in its data as a broken chain, and stores nothing of it', async () => {
    const { events } = await originWith(10);
    const h = await openSite('hospital', { network: NETWORK });
    const bad = events.map((e, i) =>
      i === 4
        ? tampered(
            e,
            (x) =>
              ((x['data'] as Record<string, Record<string, unknown>>)['Item/r0'] = {
                lww: 'practice-a #5'.replace('5', '6'),
              }),
          )
        : e,
    );
    const report = await h.ingest(bad);
    expect(report.accepted).toBe(0);
    expect(report.refused.count).toBe(10);
    expect(report.refused.examples[0]?.reason.code).toBe('broken-chain');
    expect(await h.versionVector()).toEqual({});
    expect(h.chart.size).toBe(0);
  });

  it('refuses a tampered signed head as a bad signature', async () => {
    const { events } = await originWith(3);
    const h = await openSite('hospital', { network: NETWORK });
    const last = tampered(events[2] as ChartEvent, (x) => (x['type'] = 'item.written-again'));
    const report = await h.ingest([events[0], events[1], last]);
    expect(report.refused.examples.map((r) => r.reason.code)).toEqual([
      'bad-signature',
      'bad-signature',
      'bad-signature',
    ]);
  });

  it("refuses events forged by a relaying site: re-signed with the relay's key, or altered and re-signed", async () => {
    const { events } = await originWith(4);
    const b = await openSite('practice-b', { network: NETWORK });
    const relayKey = keysOf('hospital').privateKey;
    const resigned = events.map((e, i) =>
      i === 3
        ? signEvent(
            tampered(e, (x) => delete x['sig']),
            relayKey,
          )
        : e,
    );
    expect((await b.ingest(resigned)).refused.examples.map((r) => r.reason.code)).toEqual(
      Array(4).fill('bad-signature'),
    );
    const altered = tampered(events[3] as ChartEvent, (x) => {
      delete x['sig'];
      x['author'] = { id: 'someone-else' };
    });
    expect(
      (await b.ingest([...events.slice(0, 3), signEvent(altered, relayKey)])).refused.examples[3]?.reason
        .code,
    ).toBe('bad-signature');
    expect(await b.versionVector()).toEqual({});
  });

  it('refuses a run that does not end at a signed head', async () => {
    const { events } = await originWith(10);
    const h = await openSite('hospital', { network: NETWORK });
    const report = await h.ingest(events.slice(0, 9));
    expect(report.refused.examples[0]?.reason).toMatchObject({
      code: 'bad-signature',
      message: expect.stringContaining('not a signed head'),
    });
  });

  it("refuses events of a site it has no key for, and keeps other sites' runs of the same batch", async () => {
    const stranger = await createReplica({
      site: 'stranger',
      keys: generateSiteKeys(),
      store: createMemoryEventLog(),
      schema: testSchema,
    });
    await recordMany(stranger, 2);
    const { events } = await originWith(2);
    const h = await openSite('hospital', { network: NETWORK });
    const report = await h.ingest([...(await allEvents(stranger)), ...events]);
    expect(report.accepted).toBe(2);
    expect(report.refused.examples.map((r) => [r.index, r.site, r.reason.code])).toEqual([
      [0, 'stranger', 'unknown-site-key'],
      [1, 'stranger', 'unknown-site-key'],
    ]);
  });

  it('refuses a gap, and takes the same run once the missing events arrive', async () => {
    const { origin } = await originWith(8);
    await origin.signHead();
    const events = await allEvents(origin);
    const h = await openSite('hospital', { network: NETWORK });
    const sliced = await h.ingest(events.slice(4));
    expect(sliced.refused.examples.map((r) => r.reason.code)).toEqual(Array(4).fill('gap'));
    const signedFourth = signEvent(events[3] as ChartEvent, keysOf('practice-a').privateKey);
    expect((await h.ingest([...events.slice(0, 3), signedFourth])).accepted).toBe(4);
    expect((await h.ingest(events.slice(4))).accepted).toBe(4);
  });

  it('refuses malformed and oversize input without throwing, naming the index', async () => {
    const h = await createReplica({
      site: 'hospital',
      keys: keysOf('hospital'),
      store: createMemoryEventLog(),
      schema: testSchema,
      keyring: createKeyring(publicKeys(NETWORK)),
      maxEventBytes: 2000,
    });
    const { events } = await originWith(1);
    const big = tampered(
      events[0] as ChartEvent,
      (x) => (x['data'] = { 'Item/r1': { log: 'x'.repeat(3000) } }),
    );
    const report = await h.ingest([null, { site: 'practice-a', seq: 'one' }, big, () => 1]);
    expect(report.refused.examples.map((r) => [r.index, r.reason.code])).toEqual([
      [0, 'malformed'],
      [1, 'malformed'],
      [2, 'oversize'],
      [3, 'malformed'],
    ]);
    expect((await h.ingest('not an array')).refused.examples[0]?.reason.code).toBe('malformed');
  });

  it('keeps and reports events stamped far ahead of its clock (clock skew), never drops them', async () => {
    const future = await openSite('practice-b', { network: NETWORK, clockOffsetMs: 3_600_000 });
    await recordMany(future, 2);
    await future.signHead();
    const h = await openSite('hospital', { network: NETWORK });
    const report = await h.ingest(await allEvents(future));
    expect(report.accepted).toBe(2);
    expect(report.skew).toHaveLength(2);
    expect(report.skew[0]).toMatchObject({ site: 'practice-b', seq: 1, boundMs: 300_000 });
    expect((report.skew[0]?.aheadMs ?? 0) > 3_000_000).toBe(true);
  });

  it('quarantines a fork (two signed histories of one site), reports it, and merges neither', async () => {
    const { events } = await originWith(3);
    const forked = await openSite('practice-a', { network: NETWORK, seed: 99 }); // same site, same key, another history
    await recordMany(forked, 3);
    await forked.signHead();
    const other = await allEvents(forked);
    const seen: string[] = [];
    const h = await createReplica({
      site: 'hospital',
      keys: keysOf('hospital'),
      store: createMemoryEventLog(),
      schema: testSchema,
      keyring: createKeyring(publicKeys(NETWORK)),
      onFork: (f) => seen.push(`${f.site}:${f.seq}`),
    });
    await h.ingest(events);
    const before = h.chart.hash();
    const report = await h.ingest(other);
    expect(report.refused.examples.map((r) => r.reason.code)).toEqual(['fork', 'fork', 'fork']);
    expect(h.forks()).toHaveLength(1);
    expect(h.forks()[0]).toMatchObject({ site: 'practice-a', seq: 1, offered: other });
    expect(seen).toEqual(['practice-a:1']);
    expect(h.chart.hash()).toBe(before);
    await h.ingest(other); // replayed: reported again, quarantined once
    expect(h.forks()).toHaveLength(1);
  });
});

describe('ingest appends a message’s runs together', () => {
  it('when the store refuses one site’s run at append, the other sites’ runs are still taken in, and only that run is refused', async () => {
    const a = await openSite('practice-a', { network: NETWORK });
    const b = await openSite('practice-b', { network: NETWORK });
    const fromA = await recordMany(a, 3);
    const fromB = [
      await b.record({ ...draft('practice-b', 1), data: { 'Item/r1': { lww: 'x'.repeat(3000) } } }),
    ];
    const heads = [(await a.signHead()) as ChartEvent, (await b.signHead()) as ChartEvent];
    // The store accepts smaller events than the replica checks for: its refusal comes only at append.
    const h = await openSite('hospital', {
      network: NETWORK,
      store: createMemoryEventLog({ maxEventBytes: 2000 }),
    });
    const report = await h.ingest([...fromA.slice(0, -1), heads[0], ...fromB.slice(0, -1), heads[1]]);
    expect(report.accepted).toBe(3);
    expect(report.refused.count).toBe(1);
    expect(report.refused.byCode).toEqual({ oversize: 1 });
    expect(await h.versionVector()).toEqual({ 'practice-a': 3 });
    expect(h.chart.hash()).toBe(foldHash(await allEvents(h)));
  });
});
