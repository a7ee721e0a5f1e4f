/**
 * Server memory per request and per peer is bounded by configured limits whatever the
 * input (THREAT_MODEL.md): refusals are counted, not held one object per line;
 * vectors name only trusted sites; sessions and concurrent requests per peer are capped.
 * Every test runs the real handler on a real 127.0.0.1 socket.
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { Replica } from '../../../src/index.js';
import { openSite, recordMany } from '../../replica/fixtures.js';
import { post, serveReplica, tokenOf, useServers } from './httpHarness.js';

const NETWORK = ['practice-a', 'practice-b', 'hospital'];
const AUTH_A = { authorization: `Bearer ${tokenOf('practice-a')}` };
const AUTH_B = { authorization: `Bearer ${tokenOf('practice-b')}` };
const HEADER = '{"protocol":1,"vector":{}}\n';

interface Trailer {
  readonly end: true;
  readonly events: number;
  readonly ingest: {
    readonly accepted: number;
    readonly refusedCount: number;
    readonly refusedByCode?: Record<string, number>;
    readonly refused: readonly { index: number; reason: { code: string } }[];
  };
}

const linesOf = (text: string): string[] => text.trimEnd().split('\n');
const trailerOf = (text: string): Trailer => JSON.parse(linesOf(text).at(-1) as string) as Trailer;

describe('server memory is bounded by configured limits whatever a peer sends', () => {
  const serve = useServers();
  const hospital = (): Promise<Replica> => openSite('hospital', { network: NETWORK });

  it('a body of tiny junk lines yields exact refusal counts and only the first few refusals as examples', async () => {
    const h = await hospital();
    await recordMany(h, 3);
    const { url } = await serveReplica(serve, h, ['practice-a']);
    const junk = ['{}', '[]', '1', 'not json', '"x"', '{"e":1}'];
    const n = 30_000;
    const body = HEADER + Array.from({ length: n }, (_, i) => junk[i % junk.length]).join('\n') + '\n';
    const res = await post(url, body, AUTH_A);
    expect(res.status).toBe(200);
    const { ingest } = trailerOf(res.text);
    expect(ingest.accepted).toBe(0);
    expect(ingest.refusedCount).toBe(n);
    expect(ingest.refusedByCode).toEqual({ malformed: n });
    expect(ingest.refused).toHaveLength(20);
    expect(ingest.refused.map((r) => r.index)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(await h.store.count()).toBe(3);

    const few = await serveReplica(serve, h, ['practice-a'], { maxRefusalExamples: 2 });
    const trimmed = trailerOf((await post(few.url, body, AUTH_A)).text).ingest;
    expect([trimmed.refusedCount, trimmed.refused.length]).toEqual([n, 2]);
  });

  it('a message with more event lines than the limit is refused whole with 413, and nothing changes', async () => {
    const h = await hospital();
    const { url } = await serveReplica(serve, h, ['practice-a'], { maxMessageEvents: 10 });
    const event = '{"e":{"site":"practice-a","seq":1}}';
    const ok = await post(url, HEADER + `${event}\n`.repeat(10), AUTH_A);
    expect(ok.status).toBe(200);
    const over = await post(url, HEADER + `${event}\n`.repeat(11), AUTH_A);
    expect(over.status).toBe(413);
    expect(over.json).toMatchObject({
      error: { code: 'SYNC_TOO_LARGE', message: expect.stringMatching(/10 events/) },
    });
    expect(await h.store.count()).toBe(0);
  });

  it('a vector naming 100k sites is refused, and is never echoed back', async () => {
    const h = await hospital();
    const { url } = await serveReplica(serve, h, ['practice-a']);
    const vector = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`x${i}`, 1]));
    const res = await post(url, `${JSON.stringify({ protocol: 1, vector })}\n`, AUTH_A);
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({
      error: { code: 'SYNC_TOO_LARGE', message: expect.stringMatching(/sites/) },
    });
    expect(res.text.length).toBeLessThan(1000);
  });

  it('vector entries for sites the server does not trust are ignored: not kept, not echoed', async () => {
    const h = await hospital();
    await recordMany(h, 2);
    const { url } = await serveReplica(serve, h, ['practice-a']);
    const vector = {
      'practice-a': 0,
      ...Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`x${i}`, 7])),
    };
    const session = { ...AUTH_A, 'chartlog-session': 's1' };
    const first = await post(url, `${JSON.stringify({ protocol: 1, vector })}\n`, session);
    expect(first.status).toBe(200);
    const header = JSON.parse(linesOf(first.text)[0] as string) as { known: Record<string, number> };
    expect(Object.keys(header.known).sort()).toEqual(['hospital']);
  });

  it('sessions per token are capped: a peer opening many sessions evicts only its own oldest', async () => {
    const h = await hospital();
    const { url } = await serveReplica(serve, h, ['practice-a', 'practice-b'], { maxSessionsPerPeer: 2 });
    // An empty body on a fresh session is answered with a header (a fresh state always
    // speaks first); on a remembered one with nothing to say, only the trailer.
    const speaks = async (auth: Record<string, string>, session: string): Promise<boolean> =>
      linesOf((await post(url, '', { ...auth, 'chartlog-session': session })).text).length > 1;
    expect(await speaks(AUTH_B, 'b1')).toBe(true);
    expect(await speaks(AUTH_A, 's1')).toBe(true);
    expect(await speaks(AUTH_A, 's1')).toBe(false);
    expect(await speaks(AUTH_A, 's2')).toBe(true);
    expect(await speaks(AUTH_A, 's3')).toBe(true);
    expect(await speaks(AUTH_A, 's1')).toBe(true); // evicted by s3
    expect(await speaks(AUTH_B, 'b1')).toBe(false); // another peer's session is untouched
  });

  it('a request from a peer already at its concurrency limit gets 429 with Retry-After; other peers are served', async () => {
    const h = await hospital();
    let verified = 0;
    const peers: Record<string, string> = {
      [tokenOf('practice-a')]: 'practice-a',
      [tokenOf('practice-b')]: 'practice-b',
    };
    const { url } = await serve(
      (await import('../../../src/sync/http/index.js')).createSyncHandler(h, {
        verify: (t: string) => (verified++, peers[t]),
        maxConcurrentPerPeer: 1,
      } as never),
    );
    // A first request whose body never finishes holds practice-a's one slot.
    const { port } = new URL(url);
    const slow = request({
      host: '127.0.0.1',
      port,
      path: '/chartlog/sync',
      method: 'POST',
      headers: { ...AUTH_A, 'content-type': 'application/x-ndjson' },
    });
    const slowAnswer = new Promise<number>((resolve, reject) => {
      slow.on('response', (res) => (res.resume(), resolve(res.statusCode ?? 0)));
      slow.on('error', reject);
    });
    slow.write(HEADER);
    while (verified === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setImmediate(r));

    const second = await post(url, '', AUTH_A);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(second.json).toMatchObject({ error: { code: 'SYNC_BUSY' } });
    expect((await post(url, '', AUTH_B)).status).toBe(200);

    slow.end();
    expect(await slowAnswer).toBe(200);
    expect((await post(url, '', AUTH_A)).status).toBe(200); // the slot is free again
  });
});
