import assert from 'node:assert/strict';
import { compareEvents, type ChartEvent } from '../../event/chartEvent.js';
import { siteId, type SiteId } from '../../event/ids.js';
import type { ConformanceContext } from './conformanceContext.js';
import { interleave, makeHistory, makeWriter, siteEvents, SITES, STREAMS } from './conformanceHistory.js';

/** The read cases: by site, by stream in total order, everything in pages from a cursor, one event, heads and the version vector. */
export function describeReadConformance(context: ConformanceContext): void {
  const { api, withLog, expectCode } = context;
  const [A, B, H] = SITES as [SiteId, SiteId, SiteId];
  api.describe('reads', () => {
    api.it('reads one site from a seq, in seq order, at most `limit`', async () => {
      const { events } = makeHistory(10);
      const a = events.get(A)!;
      await withLog(async (log) => {
        await log.append(interleave([...events.values()]));
        assert.deepStrictEqual(await log.readSite(A), a);
        assert.deepStrictEqual(await log.readSite(A, 4), a.slice(3));
        assert.deepStrictEqual(await log.readSite(A, 4, 3), a.slice(3, 6));
        assert.deepStrictEqual(await log.readSite(A, 10, 5), a.slice(9));
        assert.deepStrictEqual(await log.readSite(A, 11), []);
        assert.deepStrictEqual(await log.readSite(siteId('nowhere')), []);
      });
    });

    api.it(
      'reads one stream in total order (hlc, site, seq), whatever order the events arrived in',
      async () => {
        const { events } = makeHistory(12);
        await withLog(async (log) => {
          // Sites arrive one after another, not in clock order.
          await log.append(events.get(H)!);
          await log.append(events.get(B)!);
          await log.append(events.get(A)!);
          const all = [...events.values()].flat();
          for (const stream of STREAMS) {
            const expected = all.filter((e) => e.stream === stream).sort(compareEvents);
            assert.ok(expected.length > 0);
            assert.deepStrictEqual(await log.readStream(stream), expected);
          }
        });
      },
    );

    api.it('reads everything in local insertion order, in pages, resumable from a cursor', async () => {
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
          assert.ok(page.events.length <= 5);
          seen.push(...page.events);
          cursor = page.cursor;
          pages++;
          if (page.done) break;
          assert.ok(pages < 20);
        }
        assert.deepStrictEqual(seen, [...first, ...second]);
        // Nothing new yet: an empty page at the same place.
        const idle = await log.readAll(cursor, 5);
        assert.deepStrictEqual(idle.events, []);
        assert.equal(idle.done, true);
        // New events appear after the cursor, and only they.
        const more = siteEvents(writers.get(B)!, 3);
        await log.append(more);
        const next = await log.readAll(idle.cursor, 100);
        assert.deepStrictEqual(next.events, more);
        assert.equal(next.done, true);
      });
    });

    api.it(
      'readAll without a limit still pages, and a duplicate does not move in insertion order',
      async () => {
        const w = makeWriter(A);
        const a = siteEvents(w, 5);
        await withLog(async (log) => {
          await log.append(a);
          await log.append([a[0]!]);
          const page = await log.readAll();
          assert.deepStrictEqual(page.events, a);
          assert.equal(page.done, true);
        });
      },
    );

    api.it('refuses a cursor it did not issue with INVALID_OPTION', async () => {
      await withLog(async (log) => {
        await expectCode(log.readAll('not a cursor'), 'INVALID_OPTION');
      });
    });

    api.it('gets the event at (site, seq), or undefined', async () => {
      const { events } = makeHistory(3);
      await withLog(async (log) => {
        await log.append(interleave([...events.values()]));
        assert.deepStrictEqual(await log.get(B, 2), events.get(B)![1]);
        assert.equal(await log.get(B, 4), undefined);
        assert.equal(await log.get(siteId('nowhere'), 1), undefined);
      });
    });

    api.it("reports the version vector, each site's head (seq and hash) and the count", async () => {
      const wa = makeWriter(A);
      const wh = makeWriter(H);
      await withLog(async (log) => {
        await log.append([...siteEvents(wa, 4), ...siteEvents(wh, 2)]);
        assert.deepStrictEqual(await log.versionVector(), { [A]: 4, [H]: 2 });
        assert.deepStrictEqual(await log.head(A), wa.head);
        assert.deepStrictEqual(await log.head(H), wh.head);
        assert.deepStrictEqual(await log.head(B), { seq: 0, hash: null });
        assert.equal(await log.count(), 6);
      });
    });
  });
}
