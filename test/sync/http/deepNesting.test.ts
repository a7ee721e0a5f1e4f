/**
 * Deep nesting over the real HTTP handler on 127.0.0.1 (issue 9, finding 7): an event
 * nested tens of thousands of levels deep is one refusal in the trailer, the rest of the
 * message is taken, and a message that is malformed as a whole is a 400, never a 500.
 */
import { describe, expect, it } from 'vitest';
import { type IngestRefusal } from '../../../src/index.js';
import { syncMessageLines } from '../../../src/sync/wireMessage.js';
import { deepBatch, DEPTHS, MEMBERS, NETWORK, nestedText } from '../../replica/deepEvents.js';
import { openSite } from '../../replica/fixtures.js';
import { post, serveReplica, tokenOf, useServers } from './httpHarness.js';

const AUTH = { authorization: `Bearer ${tokenOf('practice-b')}` };

describe('the sync handler refuses deeply nested input without failing', () => {
  const serve = useServers();

  for (const member of MEMBERS) {
    for (const depth of DEPTHS) {
      it(`answers 200 to a message with an event nested ${depth} levels deep in ${member}: it is refused as malformed, the other events are stored`, async () => {
        const { honest, deepLine } = await deepBatch(member, depth);
        const hospital = await openSite('hospital', { network: NETWORK });
        const { url } = await serveReplica(serve, hospital, ['practice-b']);
        const lines = [
          ...syncMessageLines({
            protocol: 1,
            vector: { 'practice-a': honest.length, 'practice-b': 1 },
            events: honest,
          }),
        ];
        const res = await post(
          url,
          [lines[0], ...lines.slice(1, 3), `${deepLine}\n`, ...lines.slice(3)].join(''),
          AUTH,
        );
        expect(res.status, res.text.slice(0, 300)).toBe(200);
        const trailer = JSON.parse(res.text.trimEnd().split('\n').at(-1) as string) as {
          ingest: { accepted: number; refusedCount: number; refused: IngestRefusal[] };
        };
        expect(trailer.ingest).toMatchObject({ accepted: honest.length, refusedCount: 1 });
        expect(trailer.ingest.refused[0]).toMatchObject({
          index: 2,
          site: 'practice-b',
          reason: {
            code: 'malformed',
            message: expect.stringMatching(new RegExp(`${member}.*nested deeper than \\d+ levels`)),
          },
        });
        expect(await hospital.versionVector()).toEqual({ 'practice-a': honest.length });
      });
    }
  }

  for (const depth of DEPTHS) {
    it(`answers 400 MALFORMED_MESSAGE to a header nested ${depth} levels deep, and changes nothing`, async () => {
      const hospital = await openSite('hospital', { network: NETWORK });
      const { url } = await serveReplica(serve, hospital, ['practice-b']);
      for (const header of [
        `{"protocol":1,"vector":{"practice-b":${nestedText(depth)}}}`,
        `{"protocol":1,"vector":{},"known":{"x":${nestedText(depth)}}}`,
        nestedText(depth),
      ]) {
        const res = await post(url, `${header}\n`, AUTH);
        expect(res.status).toBe(400);
        expect(res.json).toMatchObject({ error: { code: 'MALFORMED_MESSAGE' } });
        expect(res.text.length).toBeLessThan(10_000);
      }
      expect(await hospital.versionVector()).toEqual({});
    });
  }
});
