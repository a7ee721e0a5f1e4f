import assert from 'node:assert/strict';
import type { ChartEvent } from '../../event/chartEvent.js';
import { createEncodingHandover } from '../../event/encodingHandover.js';
import { eventHash } from '../../event/eventHash.js';
import type { SiteId } from '../../event/ids.js';
import { generateSiteKeys, signEvent } from '../../event/signature.js';
import { unsigned, type ConformanceContext } from './conformanceContext.js';
import {
  alteredEvent,
  interleave,
  makeHistory,
  makeWriter,
  siteEvents,
  SITES,
  STREAMS,
} from './conformanceHistory.js';

/** The `append` cases: atomic batches, envelope checks, chains, duplicates, signatures, forks, call order. */
export function describeAppendConformance(context: ConformanceContext): void {
  const { api, withLog, expectCode, caughtError } = context;
  const [A, B] = SITES as [SiteId, SiteId];
  api.describe('append', () => {
    api.it('starts empty: no events, no heads, an empty version vector', async () => {
      await withLog(async (log) => {
        assert.equal(await log.count(), 0);
        assert.deepStrictEqual(await log.versionVector(), {});
        assert.deepStrictEqual(await log.head(A), { seq: 0, hash: null });
        assert.deepStrictEqual(await log.readSite(A), []);
        assert.deepStrictEqual(await log.readStream(STREAMS[0]!), []);
        assert.equal(await log.get(A, 1), undefined);
        const page = await log.readAll();
        assert.deepStrictEqual(page.events, []);
        assert.equal(page.done, true);
      });
    });

    api.it(
      'stores a batch holding runs of several sites and several streams, and reads the same events back',
      async () => {
        const { events } = makeHistory(5);
        const batch = interleave([...events.values()]);
        await withLog(async (log) => {
          assert.deepStrictEqual(await log.append(batch), { appended: 15, duplicates: 0 });
          assert.equal(await log.count(), 15);
          for (const site of SITES) {
            const back = await log.readSite(site);
            assert.deepStrictEqual(back, events.get(site));
            assert.deepStrictEqual(back.map(eventHash), events.get(site)!.map(eventHash));
          }
        });
      },
    );

    api.it(
      'saves the encodings its writer handed over (each taken once) and reads back the same events, signatures included',
      async () => {
        const encodings = createEncodingHandover();
        const writer = makeWriter(A, {
          encodings,
          signing: { privateKey: generateSiteKeys().privateKey, every: 2 },
        });
        const events = siteEvents(writer, 5);
        await withLog(async (log) => {
          assert.deepStrictEqual(await log.append(events, { encodings }), { appended: 5, duplicates: 0 });
          for (const e of events) assert.equal(encodings.take(e), undefined);
          const back = await log.readSite(A);
          assert.deepStrictEqual(back, events);
          assert.deepStrictEqual(back.map(eventHash), events.map(eventHash));
          assert.deepStrictEqual(
            back.filter((e) => e.sig !== undefined).map((e) => e.seq),
            [2, 4],
          );
        });
      },
    );

    api.it('an empty batch stores nothing and succeeds', async () => {
      await withLog(async (log) => {
        assert.deepStrictEqual(await log.append([]), { appended: 0, duplicates: 0 });
        assert.equal(await log.count(), 0);
      });
    });

    api.it('chains across batches: each batch continues where the site left off', async () => {
      const w = makeWriter(A);
      await withLog(async (log) => {
        for (let i = 0; i < 4; i++) await log.append(siteEvents(w, 3));
        assert.equal(await log.count(), 12);
        assert.deepStrictEqual(await log.head(A), w.head);
      });
    });

    api.it(
      'a malformed event anywhere in a batch stores nothing of the batch (MALFORMED_EVENT)',
      async () => {
        const { events } = makeHistory(4);
        const good = interleave([...events.values()]);
        for (const at of [0, 5, good.length - 1]) {
          const bad = [...good];
          bad[at] = { ...(good[at] as ChartEvent), hlc: 'yesterday' } as unknown as ChartEvent;
          await withLog(async (log) => {
            const details = await expectCode(log.append(bad), 'MALFORMED_EVENT');
            assert.equal(details['index'], at);
            assert.equal(await log.count(), 0);
            assert.deepStrictEqual(await log.versionVector(), {});
          });
        }
      },
    );

    api.it('refuses values that are not events at all, storing nothing', async () => {
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
        assert.equal(await log.count(), 0);
      });
    });

    api.it(
      'refuses an event whose id is not the id of its (site, seq), re-hashed and re-chained or not, storing nothing',
      async () => {
        const a = siteEvents(makeWriter(A), 1);
        const b = siteEvents(makeWriter(B), 1);
        // B's first event, claiming A's first event id: well-formed and correctly chained (seq 1).
        const claiming = { ...b[0]!, id: a[0]!.id } as ChartEvent;
        await withLog(async (log) => {
          await log.append(a);
          const error = await caughtError(log.append([claiming]));
          assert.equal(error.code, 'MALFORMED_EVENT');
          assert.deepStrictEqual(
            error.issues.map((i) => i.path),
            [['id']],
          );
          assert.equal(await log.count(), 1);
          assert.deepStrictEqual(await log.head(B), { seq: 0, hash: null });
        });
      },
    );

    api.it("a gap in a site's seqs is refused with SEQ_GAP and nothing of the batch is stored", async () => {
      const wa = makeWriter(A);
      const wb = makeWriter(B);
      const a = siteEvents(wa, 6);
      const b = siteEvents(wb, 2);
      await withLog(async (log) => {
        await log.append(a.slice(0, 3));
        const details = await expectCode(log.append([...b, a[4]!]), 'SEQ_GAP');
        assert.equal(details['site'], A);
        assert.equal(details['seq'], 5);
        // A site's first event must be seq 1.
        await expectCode(log.append([b[1]!]), 'SEQ_GAP');
        assert.equal(await log.count(), 3);
        assert.deepStrictEqual(await log.versionVector(), { [A]: 3 });
      });
    });

    api.it(
      "an event whose prev is not the hash of the site's previous event is refused with CHAIN_BROKEN",
      async () => {
        const w = makeWriter(A);
        const a = siteEvents(w, 3);
        const other = siteEvents(makeWriter(B), 2);
        // A well-formed event at the right seq that names the wrong predecessor.
        const broken = alteredEvent(a[1]!, { prev: eventHash(other[1]!) });
        await withLog(async (log) => {
          await log.append([a[0]!]);
          const details = await expectCode(log.append([other[0]!, broken]), 'CHAIN_BROKEN');
          assert.equal(details['site'], A);
          assert.equal(details['seq'], 2);
          // Inside one batch too.
          await expectCode(
            log.append([a[1]!, alteredEvent(a[2]!, { prev: eventHash(a[0]!) })]),
            'CHAIN_BROKEN',
          );
          assert.equal(await log.count(), 1);
        });
      },
    );

    api.it('an exact duplicate is a no-op, counted as a duplicate', async () => {
      const { events } = makeHistory(3);
      const batch = interleave([...events.values()]);
      await withLog(async (log) => {
        await log.append(batch);
        assert.deepStrictEqual(await log.append(batch), { appended: 0, duplicates: 9 });
        // Duplicates mixed with new events, and the same event twice in one batch.
        // The same seeded writer run one event further: its first three events are these.
        const next = makeHistory(4).events.get(A)!;
        assert.equal(eventHash(next[2]!), eventHash(events.get(A)![2]!));
        assert.deepStrictEqual(await log.append([batch[0]!, next[3]!, next[3]!]), {
          appended: 1,
          duplicates: 2,
        });
        assert.equal(await log.count(), 10);
      });
    });

    api.it(
      'a duplicate carrying a signature the stored copy lacks gives the stored copy that signature',
      async () => {
        const keys = generateSiteKeys();
        const w = makeWriter(A);
        const a = siteEvents(w, 3);
        const signed = signEvent(a[2]!, keys.privateKey);
        await withLog(async (log) => {
          await log.append(a);
          assert.equal((await log.get(A, 3))?.sig, undefined);
          assert.deepStrictEqual(await log.append([signed]), { appended: 0, duplicates: 1 });
          assert.equal((await log.get(A, 3))?.sig, signed.sig);
          assert.equal((await log.readSite(A, 3))[0]?.sig, signed.sig);
          // An unsigned duplicate later does not take it away.
          await log.append([unsigned(signed)]);
          assert.equal((await log.get(A, 3))?.sig, signed.sig);
          assert.equal(await log.count(), 3);
        });
      },
    );

    api.it('keeps the signature of an event stored signed, and reads it back everywhere', async () => {
      const keys = generateSiteKeys();
      const w = makeWriter(A, { signing: { privateKey: keys.privateKey, every: 2 } });
      const a = siteEvents(w, 4);
      assert.notEqual(a[1]!.sig, undefined);
      await withLog(async (log) => {
        await log.append(a);
        assert.deepStrictEqual(await log.readSite(A), a);
        assert.deepStrictEqual((await log.readAll()).events, a);
        assert.deepStrictEqual(await log.get(A, 4), a[3]);
      });
    });

    api.it(
      'a different event at a taken (site, seq) is a fork: refused with FORK, nothing of the batch stored',
      async () => {
        const a = siteEvents(makeWriter(A, { seed: 1 }), 3);
        // Another writer for the same site from the same start: same seqs, different events.
        const fork = siteEvents(makeWriter(A, { seed: 2 }), 3);
        const b = siteEvents(makeWriter(B), 2);
        assert.notEqual(eventHash(fork[1]!), eventHash(a[1]!));
        await withLog(async (log) => {
          await log.append(a.slice(0, 2));
          const details = await expectCode(log.append([...b, fork[0]!]), 'FORK');
          assert.equal(details['site'], A);
          assert.equal(details['seq'], 1);
          await expectCode(log.append([a[0]!, fork[1]!]), 'FORK');
          assert.equal(await log.count(), 2);
          assert.deepStrictEqual(await log.readSite(A), a.slice(0, 2));
          assert.deepStrictEqual(await log.readSite(B), []);
        });
      },
    );

    api.it('two different events at one (site, seq) inside one batch are a fork', async () => {
      const a = siteEvents(makeWriter(A, { seed: 1 }), 1);
      const fork = siteEvents(makeWriter(A, { seed: 2 }), 1);
      await withLog(async (log) => {
        await expectCode(log.append([a[0]!, fork[0]!]), 'FORK');
        assert.equal(await log.count(), 0);
      });
    });

    api.it('appends issued without awaiting are applied one at a time, in call order', async () => {
      const w = makeWriter(A);
      const runs = [siteEvents(w, 3), siteEvents(w, 3), siteEvents(w, 3)];
      await withLog(async (log) => {
        const results = await Promise.all(runs.map((r) => log.append(r)));
        assert.deepStrictEqual(
          results,
          runs.map(() => ({ appended: 3, duplicates: 0 })),
        );
        assert.deepStrictEqual(await log.readSite(A), runs.flat());
      });
    });
  });
}
