/**
 * A hostile site (or a buggy one) sends events nested tens of thousands of levels deep:
 * each such event is refused as malformed, with the path where it gets too deep, and
 * every other event of the batch or message is taken (finding 7 of issue 9).
 */
import { describe, expect, it } from 'vitest';
import { initSyncState, type ChartEvent, type Replica } from '../../src/index.js';
import { decodeSyncMessageText, syncMessageLines } from '../../src/sync/wireMessage.js';
import { caughtError } from '../support/caughtError.js';
import { deepBatch as batch, DEPTHS, expectDeepRefused, MEMBERS, nested, NETWORK } from './deepEvents.js';
import { draft, openSite } from './fixtures.js';

async function expectHonestTaken(replica: Replica, honest: readonly ChartEvent[]): Promise<void> {
  expect(await replica.versionVector()).toEqual({ 'practice-a': honest.length });
  expect(replica.chart.size).toBe(honest.length);
}

describe('ingest refuses deeply nested events one by one and takes the rest', () => {
  for (const member of MEMBERS) {
    for (const depth of DEPTHS) {
      it(`an event nested ${depth} levels deep in ${member}, handed over in process, is refused as malformed and the others are accepted`, async () => {
        const { honest, deep } = await batch(member, depth);
        const hospital = await openSite('hospital', { network: NETWORK });
        const report = await hospital.ingest([...honest.slice(0, 2), deep, ...honest.slice(2)]);
        expect(report.accepted).toBe(honest.length);
        expectDeepRefused(report, 2, member);
        await expectHonestTaken(hospital, honest);
      });

      it(`an event nested ${depth} levels deep in ${member}, in a sync message's text, is refused as malformed and the others are accepted`, async () => {
        const { honest, deepLine } = await batch(member, depth);
        const hospital = await openSite('hospital', { network: NETWORK });
        const lines = [
          ...syncMessageLines({
            protocol: 1,
            vector: { 'practice-a': honest.length, 'practice-b': 1 },
            events: honest,
          }),
        ];
        const text = [lines[0], `${deepLine}\n`, ...lines.slice(1)].join('');
        const [, report] = await hospital.receiveSyncMessage(initSyncState(), decodeSyncMessageText(text));
        expect(report.accepted).toBe(honest.length);
        expectDeepRefused(report, 0, member);
        await expectHonestTaken(hospital, honest);
        // And the replica keeps working.
        await hospital.record(draft('hospital', 1));
        expect(hospital.chart.size).toBe(honest.length + 1);
      });
    }
  }

  for (const depth of DEPTHS) {
    it(`recording a draft nested ${depth} levels deep in data, pred or author is refused with MALFORMED_EVENT naming the path, and nothing is recorded`, async () => {
      const a = await openSite('practice-a', { network: NETWORK });
      const base = draft('practice-a', 1);
      const deep = nested(depth) as never;
      for (const [bad, path] of [
        [{ ...base, data: { 'Item/r0': { lww: deep } } }, ['data', 'Item/r0', 'lww']],
        [{ ...base, pred: { 'Item/r0': { lww: deep } } }, ['pred', 'Item/r0', 'lww']],
        [{ ...base, author: { id: 'dr-x', role: deep } }, ['author', 'role']],
      ] as const) {
        const error = await caughtError(a.record(bad));
        expect(error).toMatchObject({
          code: 'MALFORMED_EVENT',
          issues: [
            {
              path: expect.arrayContaining([...path]),
              message: expect.stringMatching(/nested deeper than \d+ levels/),
            },
          ],
        });
      }
      expect(await a.versionVector()).toEqual({});
      expect((await a.record(base)).seq).toBe(1);
    });
  }
});
