import assert from 'node:assert/strict';
import { generateSiteKeys, signEvent } from '../../event/signature.js';
import type { SiteId } from '../../event/ids.js';
import type { ConformanceContext } from './conformanceContext.js';
import { interleave, makeHistory, makeWriter, siteEvents, SITES, STREAMS } from './conformanceHistory.js';

/** The marker and lifecycle cases: named markers, close, and (when the factory can reopen) everything surviving a reopen. */
export function describeLifecycleConformance(context: ConformanceContext): void {
  const { api, factory, withLog, expectCode } = context;
  const [A, B, H] = SITES as [SiteId, SiteId, SiteId];
  api.describe('markers', () => {
    api.it('puts, gets, replaces and removes a named marker, apart from events', async () => {
      await withLog(async (log) => {
        const putMarker = log.putMarker?.bind(log);
        const getMarker = log.getMarker?.bind(log);
        assert.notEqual(putMarker && getMarker, undefined);
        if (!putMarker || !getMarker) return;
        assert.equal(await getMarker('chartlog.recovery'), undefined);
        await putMarker('chartlog.recovery', {
          reason: 'restored-from-backup',
          shownOwnSeq: 0,
          note: 'café',
        });
        await putMarker('other.marker', [1, 2.5, null, true]);
        assert.deepStrictEqual(await getMarker('chartlog.recovery'), {
          reason: 'restored-from-backup',
          shownOwnSeq: 0,
          note: 'café',
        });
        await putMarker('chartlog.recovery', { reason: 'behind', shownOwnSeq: 7 });
        assert.deepStrictEqual(await getMarker('chartlog.recovery'), { reason: 'behind', shownOwnSeq: 7 });
        await putMarker('chartlog.recovery', undefined);
        assert.equal(await getMarker('chartlog.recovery'), undefined);
        assert.deepStrictEqual(await getMarker('other.marker'), [1, 2.5, null, true]);
        assert.equal(await log.count(), 0);
        assert.deepStrictEqual(await log.versionVector(), {});
      });
    });

    api.it(
      'refuses a marker name that is not a plain lower-case name with INVALID_OPTION, storing nothing',
      async () => {
        await withLog(async (log) => {
          for (const name of ['', 'Recovery', 'a-b', 'a/b', 'x'.repeat(65), '1abc']) {
            await expectCode(log.putMarker!(name, 1), 'INVALID_OPTION');
            await expectCode(log.getMarker!(name), 'INVALID_OPTION');
          }
        });
      },
    );
  });

  api.describe('lifecycle', () => {
    api.it('after close every call fails with STORE_CLOSED, and close is idempotent', async () => {
      const log = await factory.open();
      await log.append(siteEvents(makeWriter(A), 2));
      await log.close();
      await log.close();
      const calls: (() => Promise<unknown>)[] = [
        () => log.append([]),
        () => log.readSite(A),
        () => log.readStream(STREAMS[0]!),
        () => log.readAll(),
        () => log.get(A, 1),
        () => log.versionVector(),
        () => log.head(A),
        () => log.count(),
        () => log.putMarker!('chartlog.recovery', 1),
        () => log.getMarker!('chartlog.recovery'),
      ];
      for (const call of calls) await expectCode(call(), 'STORE_CLOSED');
    });

    if (factory.reopen) {
      const reopen = factory.reopen.bind(factory);
      api.it(
        'reopened, keeps every event, signature, head, cursor and marker, and continues the chains',
        async () => {
          const keys = generateSiteKeys();
          const { events, writers } = makeHistory(6);
          const batch = interleave([...events.values()]);
          const signed = signEvent(batch[4]!, keys.privateKey);
          const log = await factory.open();
          let cursor: string;
          try {
            await log.append(batch);
            await log.append([signed]);
            await log.putMarker!('chartlog.recovery', { reason: 'behind', shownOwnSeq: 6 });
            cursor = (await log.readAll(undefined, 10)).cursor;
          } finally {
            await log.close();
          }
          const again = await reopen();
          try {
            assert.equal(
              ((await log.count().catch((e: unknown) => e)) as { code?: unknown }).code,
              { code: 'STORE_CLOSED' }.code,
            );
            assert.equal(await again.count(), 18);
            assert.deepStrictEqual(await again.versionVector(), { [A]: 6, [B]: 6, [H]: 6 });
            for (const site of SITES) assert.deepStrictEqual(await again.head(site), writers.get(site)!.head);
            const expected = batch.map((e, i) => (i === 4 ? signed : e));
            assert.deepStrictEqual((await again.readAll(undefined, 100)).events, expected);
            assert.deepStrictEqual((await again.readAll(cursor, 100)).events, expected.slice(10));
            assert.deepStrictEqual(await again.getMarker!('chartlog.recovery'), {
              reason: 'behind',
              shownOwnSeq: 6,
            });
            // The chains continue from the reloaded heads; a fork is still a fork.
            const more = siteEvents(writers.get(B)!, 2);
            assert.deepStrictEqual(await again.append(more), { appended: 2, duplicates: 0 });
            await expectCode(again.append(siteEvents(makeWriter(A, { seed: 99 }), 1)), 'FORK');
            assert.equal(await again.count(), 20);
          } finally {
            await again.close();
          }
        },
      );
    }
  });
}
