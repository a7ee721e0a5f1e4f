/**
 * The one test suite every {@link EventLog} adapter passes (docs/architecture.md, "Stores: the EventLog port"), after Emmett's
 * shared event-store features: memory, sqlite and eventstoredb each call
 * {@link describeEventLogConformance} with a factory, and must pass every case.
 *
 * The suite uses real events from `createEventWriter` for three sites and three
 * streams, so hashes, chains and signatures are the real thing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { compareEvents, type ChartEvent } from '../../src/event/chartEvent.js';
import { createEncodingHandover } from '../../src/event/encodingHandover.js';
import { eventHash } from '../../src/event/eventHash.js';
import { siteId, type SiteId } from '../../src/event/ids.js';
import { generateSiteKeys, signEvent } from '../../src/event/signature.js';
import { isChartlogError, type ChartlogErrorCode } from '../../src/error/chartlogError.js';
import type { EventLog, StoredSnapshot } from '../../src/store/eventLog.js';
import { caughtError } from '../support/caughtError.js';
import { interleave, makeHistory, makeWriter, siteEvents, SITES, STREAMS } from '../support/storeFixtures.js';
import { alteredEvent } from '../support/alteredEvent.js';

/** How the suite gets stores from an adapter. */
export interface EventLogFactory {
  /** A new, empty store. Called once per test. */
  open(): Promise<EventLog>;
  /**
   * Opens again the store most recently returned by `open()`, after the suite closed it:
   * everything stored must still be there. Omit for stores that do not outlive their
   * process (memory).
   */
  reopen?(): Promise<EventLog>;
  /** Called once after the suite: remove files, connections, streams. */
  cleanup?(): Promise<void>;
}

/** Declares `conformance: <name>`: every behaviour the {@link EventLog} port promises. */
export function describeEventLogConformance(name: string, factory: EventLogFactory): void {
  describe(`conformance: ${name}`, () => {
    afterAll(async () => {
      await factory.cleanup?.();
    });

    const [A, B, H] = SITES as [SiteId, SiteId, SiteId];

    /** Opens a fresh store, runs `body`, closes the store whatever happens. */
    async function withLog(body: (log: EventLog) => Promise<void>): Promise<void> {
      const log = await factory.open();
      try {
        await body(log);
      } finally {
        await log.close();
      }
    }

    async function expectCode(
      promise: Promise<unknown>,
      code: ChartlogErrorCode,
    ): Promise<Record<string, unknown>> {
      try {
        await promise;
      } catch (e) {
        if (!isChartlogError(e)) throw e;
        expect(e.code).toBe(code);
        return e.details as Record<string, unknown>;
      }
      throw new Error(`expected a ChartlogError ${code}, but the call succeeded`);
    }

    function unsigned(event: ChartEvent): ChartEvent {
      const { sig: _sig, ...rest } = event;
      return rest;
    }

    describe('append', () => {
      it('starts empty: no events, no heads, an empty version vector', async () => {
        await withLog(async (log) => {
          expect(await log.count()).toBe(0);
          expect(await log.versionVector()).toEqual({});
          expect(await log.head(A)).toEqual({ seq: 0, hash: null });
          expect(await log.readSite(A)).toEqual([]);
          expect(await log.readStream(STREAMS[0]!)).toEqual([]);
          expect(await log.get(A, 1)).toBeUndefined();
          const page = await log.readAll();
          expect(page.events).toEqual([]);
          expect(page.done).toBe(true);
        });
      });

      it('stores a batch holding runs of several sites and several streams, and reads the same events back', async () => {
        const { events } = makeHistory(5);
        const batch = interleave([...events.values()]);
        await withLog(async (log) => {
          expect(await log.append(batch)).toEqual({ appended: 15, duplicates: 0 });
          expect(await log.count()).toBe(15);
          for (const site of SITES) {
            const back = await log.readSite(site);
            expect(back).toEqual(events.get(site));
            expect(back.map(eventHash)).toEqual(events.get(site)!.map(eventHash));
          }
        });
      });

      it('saves the encodings its writer handed over (each taken once) and reads back the same events, signatures included', async () => {
        const encodings = createEncodingHandover();
        const writer = makeWriter(A, {
          encodings,
          signing: { privateKey: generateSiteKeys().privateKey, every: 2 },
        });
        const events = siteEvents(writer, 5);
        await withLog(async (log) => {
          expect(await log.append(events, { encodings })).toEqual({ appended: 5, duplicates: 0 });
          for (const e of events) expect(encodings.take(e)).toBeUndefined();
          const back = await log.readSite(A);
          expect(back).toEqual(events);
          expect(back.map(eventHash)).toEqual(events.map(eventHash));
          expect(back.filter((e) => e.sig !== undefined).map((e) => e.seq)).toEqual([2, 4]);
        });
      });

      it('an empty batch stores nothing and succeeds', async () => {
        await withLog(async (log) => {
          expect(await log.append([])).toEqual({ appended: 0, duplicates: 0 });
          expect(await log.count()).toBe(0);
        });
      });

      it('chains across batches: each batch continues where the site left off', async () => {
        const w = makeWriter(A);
        await withLog(async (log) => {
          for (let i = 0; i < 4; i++) await log.append(siteEvents(w, 3));
          expect(await log.count()).toBe(12);
          expect(await log.head(A)).toEqual(w.head);
        });
      });

      it('a malformed event anywhere in a batch stores nothing of the batch (MALFORMED_EVENT)', async () => {
        const { events } = makeHistory(4);
        const good = interleave([...events.values()]);
        for (const at of [0, 5, good.length - 1]) {
          const bad = [...good];
          bad[at] = { ...(good[at] as ChartEvent), hlc: 'yesterday' } as unknown as ChartEvent;
          await withLog(async (log) => {
            const details = await expectCode(log.append(bad), 'MALFORMED_EVENT');
            expect(details['index']).toBe(at);
            expect(await log.count()).toBe(0);
            expect(await log.versionVector()).toEqual({});
          });
        }
      });

      it('refuses values that are not events at all, storing nothing', async () => {
        const w = makeWriter(A);
        const good = siteEvents(w, 2);
        await withLog(async (log) => {
          for (const junk of [
            null,
            42,
            'event',
            [],
            { ...good[1], extra: true },
            { ...good[1], data: undefined },
          ]) {
            await expectCode(log.append([good[0]!, junk as unknown as ChartEvent]), 'MALFORMED_EVENT');
          }
          expect(await log.count()).toBe(0);
        });
      });

      it('refuses an event whose id is not the id of its (site, seq), re-hashed and re-chained or not, storing nothing', async () => {
        const a = siteEvents(makeWriter(A), 1);
        const b = siteEvents(makeWriter(B), 1);
        // B's first event, claiming A's first event id: well-formed and correctly chained (seq 1).
        const claiming = { ...b[0]!, id: a[0]!.id } as ChartEvent;
        await withLog(async (log) => {
          await log.append(a);
          const error = await caughtError(log.append([claiming]));
          expect(error.code).toBe('MALFORMED_EVENT');
          expect(error.issues.map((i) => i.path)).toEqual([['id']]);
          expect(await log.count()).toBe(1);
          expect(await log.head(B)).toEqual({ seq: 0, hash: null });
        });
      });

      it("a gap in a site's seqs is refused with SEQ_GAP and nothing of the batch is stored", async () => {
        const wa = makeWriter(A);
        const wb = makeWriter(B);
        const a = siteEvents(wa, 6);
        const b = siteEvents(wb, 2);
        await withLog(async (log) => {
          await log.append(a.slice(0, 3));
          const details = await expectCode(log.append([...b, a[4]!]), 'SEQ_GAP');
          expect(details['site']).toBe(A);
          expect(details['seq']).toBe(5);
          // A site's first event must be seq 1.
          await expectCode(log.append([b[1]!]), 'SEQ_GAP');
          expect(await log.count()).toBe(3);
          expect(await log.versionVector()).toEqual({ [A]: 3 });
        });
      });

      it("an event whose prev is not the hash of the site's previous event is refused with CHAIN_BROKEN", async () => {
        const w = makeWriter(A);
        const a = siteEvents(w, 3);
        const other = siteEvents(makeWriter(B), 2);
        // A well-formed event at the right seq that names the wrong predecessor.
        const broken = alteredEvent(a[1]!, { prev: eventHash(other[1]!) });
        await withLog(async (log) => {
          await log.append([a[0]!]);
          const details = await expectCode(log.append([other[0]!, broken]), 'CHAIN_BROKEN');
          expect(details['site']).toBe(A);
          expect(details['seq']).toBe(2);
          // Inside one batch too.
          await expectCode(
            log.append([a[1]!, alteredEvent(a[2]!, { prev: eventHash(a[0]!) })]),
            'CHAIN_BROKEN',
          );
          expect(await log.count()).toBe(1);
        });
      });

      it('an exact duplicate is a no-op, counted as a duplicate', async () => {
        const { events } = makeHistory(3);
        const batch = interleave([...events.values()]);
        await withLog(async (log) => {
          await log.append(batch);
          expect(await log.append(batch)).toEqual({ appended: 0, duplicates: 9 });
          // Duplicates mixed with new events, and the same event twice in one batch.
          // The same seeded writer run one event further: its first three events are these.
          const next = makeHistory(4).events.get(A)!;
          expect(eventHash(next[2]!)).toBe(eventHash(events.get(A)![2]!));
          expect(await log.append([batch[0]!, next[3]!, next[3]!])).toEqual({ appended: 1, duplicates: 2 });
          expect(await log.count()).toBe(10);
        });
      });

      it('a duplicate carrying a signature the stored copy lacks gives the stored copy that signature', async () => {
        const keys = generateSiteKeys();
        const w = makeWriter(A);
        const a = siteEvents(w, 3);
        const signed = signEvent(a[2]!, keys.privateKey);
        await withLog(async (log) => {
          await log.append(a);
          expect((await log.get(A, 3))?.sig).toBeUndefined();
          expect(await log.append([signed])).toEqual({ appended: 0, duplicates: 1 });
          expect((await log.get(A, 3))?.sig).toBe(signed.sig);
          expect((await log.readSite(A, 3))[0]?.sig).toBe(signed.sig);
          // An unsigned duplicate later does not take it away.
          await log.append([unsigned(signed)]);
          expect((await log.get(A, 3))?.sig).toBe(signed.sig);
          expect(await log.count()).toBe(3);
        });
      });

      it('keeps the signature of an event stored signed, and reads it back everywhere', async () => {
        const keys = generateSiteKeys();
        const w = makeWriter(A, { signing: { privateKey: keys.privateKey, every: 2 } });
        const a = siteEvents(w, 4);
        expect(a[1]!.sig).toBeDefined();
        await withLog(async (log) => {
          await log.append(a);
          expect(await log.readSite(A)).toEqual(a);
          expect((await log.readAll()).events).toEqual(a);
          expect(await log.get(A, 4)).toEqual(a[3]);
        });
      });

      it('a different event at a taken (site, seq) is a fork: refused with FORK, nothing of the batch stored', async () => {
        const a = siteEvents(makeWriter(A, { seed: 1 }), 3);
        // Another writer for the same site from the same start: same seqs, different events.
        const fork = siteEvents(makeWriter(A, { seed: 2 }), 3);
        const b = siteEvents(makeWriter(B), 2);
        expect(eventHash(fork[1]!)).not.toBe(eventHash(a[1]!));
        await withLog(async (log) => {
          await log.append(a.slice(0, 2));
          const details = await expectCode(log.append([...b, fork[0]!]), 'FORK');
          expect(details['site']).toBe(A);
          expect(details['seq']).toBe(1);
          await expectCode(log.append([a[0]!, fork[1]!]), 'FORK');
          expect(await log.count()).toBe(2);
          expect(await log.readSite(A)).toEqual(a.slice(0, 2));
          expect(await log.readSite(B)).toEqual([]);
        });
      });

      it('two different events at one (site, seq) inside one batch are a fork', async () => {
        const a = siteEvents(makeWriter(A, { seed: 1 }), 1);
        const fork = siteEvents(makeWriter(A, { seed: 2 }), 1);
        await withLog(async (log) => {
          await expectCode(log.append([a[0]!, fork[0]!]), 'FORK');
          expect(await log.count()).toBe(0);
        });
      });

      it('appends issued without awaiting are applied one at a time, in call order', async () => {
        const w = makeWriter(A);
        const runs = [siteEvents(w, 3), siteEvents(w, 3), siteEvents(w, 3)];
        await withLog(async (log) => {
          const results = await Promise.all(runs.map((r) => log.append(r)));
          expect(results).toEqual(runs.map(() => ({ appended: 3, duplicates: 0 })));
          expect(await log.readSite(A)).toEqual(runs.flat());
        });
      });
    });

    describe('reads', () => {
      it('reads one site from a seq, in seq order, at most `limit`', async () => {
        const { events } = makeHistory(10);
        const a = events.get(A)!;
        await withLog(async (log) => {
          await log.append(interleave([...events.values()]));
          expect(await log.readSite(A)).toEqual(a);
          expect(await log.readSite(A, 4)).toEqual(a.slice(3));
          expect(await log.readSite(A, 4, 3)).toEqual(a.slice(3, 6));
          expect(await log.readSite(A, 10, 5)).toEqual(a.slice(9));
          expect(await log.readSite(A, 11)).toEqual([]);
          expect(await log.readSite(siteId('nowhere'))).toEqual([]);
        });
      });

      it('reads one stream in total order (hlc, site, seq), whatever order the events arrived in', async () => {
        const { events } = makeHistory(12);
        await withLog(async (log) => {
          // Sites arrive one after another, not in clock order.
          await log.append(events.get(H)!);
          await log.append(events.get(B)!);
          await log.append(events.get(A)!);
          const all = [...events.values()].flat();
          for (const stream of STREAMS) {
            const expected = all.filter((e) => e.stream === stream).sort(compareEvents);
            expect(expected.length).toBeGreaterThan(0);
            expect(await log.readStream(stream)).toEqual(expected);
          }
        });
      });

      it('reads everything in local insertion order, in pages, resumable from a cursor', async () => {
        const { events, writers } = makeHistory(8);
        const first = events.get(B)!;
        const second = interleave([events.get(A)!, events.get(H)!]);
        await withLog(async (log) => {
          await log.append(first);
          await log.append(second);
          const seen: ChartEvent[] = [];
          let cursor: string | undefined;
          let pages = 0;
          for (;;) {
            const page = await log.readAll(cursor, 5);
            expect(page.events.length).toBeLessThanOrEqual(5);
            seen.push(...page.events);
            cursor = page.cursor;
            pages++;
            if (page.done) break;
            expect(pages).toBeLessThan(20);
          }
          expect(seen).toEqual([...first, ...second]);
          // Nothing new yet: an empty page at the same place.
          const idle = await log.readAll(cursor, 5);
          expect(idle.events).toEqual([]);
          expect(idle.done).toBe(true);
          // New events appear after the cursor, and only they.
          const more = siteEvents(writers.get(B)!, 3);
          await log.append(more);
          const next = await log.readAll(idle.cursor, 100);
          expect(next.events).toEqual(more);
          expect(next.done).toBe(true);
        });
      });

      it('readAll without a limit still pages, and a duplicate does not move in insertion order', async () => {
        const w = makeWriter(A);
        const a = siteEvents(w, 5);
        await withLog(async (log) => {
          await log.append(a);
          await log.append([a[0]!]);
          const page = await log.readAll();
          expect(page.events).toEqual(a);
          expect(page.done).toBe(true);
        });
      });

      it('refuses a cursor it did not issue with INVALID_OPTION', async () => {
        await withLog(async (log) => {
          await expectCode(log.readAll('not a cursor'), 'INVALID_OPTION');
        });
      });

      it('gets the event at (site, seq), or undefined', async () => {
        const { events } = makeHistory(3);
        await withLog(async (log) => {
          await log.append(interleave([...events.values()]));
          expect(await log.get(B, 2)).toEqual(events.get(B)![1]);
          expect(await log.get(B, 4)).toBeUndefined();
          expect(await log.get(siteId('nowhere'), 1)).toBeUndefined();
        });
      });

      it("reports the version vector, each site's head (seq and hash) and the count", async () => {
        const wa = makeWriter(A);
        const wh = makeWriter(H);
        await withLog(async (log) => {
          await log.append([...siteEvents(wa, 4), ...siteEvents(wh, 2)]);
          expect(await log.versionVector()).toEqual({ [A]: 4, [H]: 2 });
          expect(await log.head(A)).toEqual(wa.head);
          expect(await log.head(H)).toEqual(wh.head);
          expect(await log.head(B)).toEqual({ seq: 0, hash: null });
          expect(await log.count()).toBe(6);
        });
      });
    });

    describe('snapshots', () => {
      it("puts, gets and replaces a stream's snapshot", async () => {
        const [s0, s1] = STREAMS as [(typeof STREAMS)[0], (typeof STREAMS)[0]];
        const snap: StoredSnapshot = {
          stream: s0,
          eventCount: 3,
          lastEventId: '92904e71-5a8c-86f3-b87d-93098179d7a1',
          state: { resources: { 'AllergyIntolerance/a1': { code: 'penicillin' } }, n: [1, 2.5, null, true] },
        };
        await withLog(async (log) => {
          expect(await log.getSnapshot(s0)).toBeUndefined();
          await log.putSnapshot(snap);
          expect(await log.getSnapshot(s0)).toEqual(snap);
          expect(await log.getSnapshot(s1)).toBeUndefined();
          const later: StoredSnapshot = {
            ...snap,
            eventCount: 7,
            lastEventId: '930305f9-d7f4-8762-8bd5-8cebafd98b3e',
            state: { résumé: 'café' },
          };
          await log.putSnapshot(later);
          expect(await log.getSnapshot(s0)).toEqual(later);
        });
      });
    });

    describe('markers', () => {
      it('puts, gets, replaces and removes a named marker, apart from events and snapshots', async () => {
        await withLog(async (log) => {
          const putMarker = log.putMarker?.bind(log);
          const getMarker = log.getMarker?.bind(log);
          expect(putMarker && getMarker).toBeDefined();
          if (!putMarker || !getMarker) return;
          expect(await getMarker('chartlog.recovery')).toBeUndefined();
          await putMarker('chartlog.recovery', {
            reason: 'restored-from-backup',
            shownOwnSeq: 0,
            note: 'café',
          });
          await putMarker('other.marker', [1, 2.5, null, true]);
          expect(await getMarker('chartlog.recovery')).toEqual({
            reason: 'restored-from-backup',
            shownOwnSeq: 0,
            note: 'café',
          });
          await putMarker('chartlog.recovery', { reason: 'behind', shownOwnSeq: 7 });
          expect(await getMarker('chartlog.recovery')).toEqual({ reason: 'behind', shownOwnSeq: 7 });
          await putMarker('chartlog.recovery', undefined);
          expect(await getMarker('chartlog.recovery')).toBeUndefined();
          expect(await getMarker('other.marker')).toEqual([1, 2.5, null, true]);
          expect(await log.count()).toBe(0);
          expect(await log.versionVector()).toEqual({});
        });
      });

      it('refuses a marker name that is not a plain lower-case name with INVALID_OPTION, storing nothing', async () => {
        await withLog(async (log) => {
          for (const name of ['', 'Recovery', 'a-b', 'a/b', 'x'.repeat(65), '1abc']) {
            await expectCode(log.putMarker!(name, 1), 'INVALID_OPTION');
            await expectCode(log.getMarker!(name), 'INVALID_OPTION');
          }
        });
      });
    });

    describe('lifecycle', () => {
      it('after close every call fails with STORE_CLOSED, and close is idempotent', async () => {
        const log = await factory.open();
        await log.append(siteEvents(makeWriter(A), 2));
        await log.close();
        await log.close();
        const snap: StoredSnapshot = { stream: STREAMS[0]!, eventCount: 0, lastEventId: '', state: null };
        const calls: (() => Promise<unknown>)[] = [
          () => log.append([]),
          () => log.readSite(A),
          () => log.readStream(STREAMS[0]!),
          () => log.readAll(),
          () => log.get(A, 1),
          () => log.versionVector(),
          () => log.head(A),
          () => log.count(),
          () => log.putSnapshot(snap),
          () => log.getSnapshot(STREAMS[0]!),
          () => log.putMarker!('chartlog.recovery', 1),
          () => log.getMarker!('chartlog.recovery'),
        ];
        for (const call of calls) await expectCode(call(), 'STORE_CLOSED');
      });

      if (factory.reopen) {
        const reopen = factory.reopen.bind(factory);
        it('reopened, keeps every event, signature, head, cursor, snapshot and marker, and continues the chains', async () => {
          const keys = generateSiteKeys();
          const { events, writers } = makeHistory(6);
          const batch = interleave([...events.values()]);
          const signed = signEvent(batch[4]!, keys.privateKey);
          const snap: StoredSnapshot = {
            stream: STREAMS[1]!,
            eventCount: 2,
            lastEventId: batch[1]!.id,
            state: { x: 1 },
          };
          const log = await factory.open();
          let cursor: string;
          try {
            await log.append(batch);
            await log.append([signed]);
            await log.putSnapshot(snap);
            await log.putMarker!('chartlog.recovery', { reason: 'behind', shownOwnSeq: 6 });
            cursor = (await log.readAll(undefined, 10)).cursor;
          } finally {
            await log.close();
          }
          const again = await reopen();
          try {
            expect(await log.count().catch((e: unknown) => e)).toMatchObject({ code: 'STORE_CLOSED' });
            expect(await again.count()).toBe(18);
            expect(await again.versionVector()).toEqual({ [A]: 6, [B]: 6, [H]: 6 });
            for (const site of SITES) expect(await again.head(site)).toEqual(writers.get(site)!.head);
            const expected = batch.map((e, i) => (i === 4 ? signed : e));
            expect((await again.readAll(undefined, 100)).events).toEqual(expected);
            expect((await again.readAll(cursor, 100)).events).toEqual(expected.slice(10));
            expect(await again.getSnapshot(STREAMS[1]!)).toEqual(snap);
            expect(await again.getMarker!('chartlog.recovery')).toEqual({ reason: 'behind', shownOwnSeq: 6 });
            // The chains continue from the reloaded heads; a fork is still a fork.
            const more = siteEvents(writers.get(B)!, 2);
            expect(await again.append(more)).toEqual({ appended: 2, duplicates: 0 });
            await expectCode(again.append(siteEvents(makeWriter(A, { seed: 99 }), 1)), 'FORK');
            expect(await again.count()).toBe(20);
          } finally {
            await again.close();
          }
        });
      }
    });
  });
}
