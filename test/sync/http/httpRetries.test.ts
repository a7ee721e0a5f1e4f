/**
 * The client retries what may succeed later (5xx, dropped connections, responses cut
 * short, timeouts) with backoff, and a retried round is harmless: the protocol is
 * idempotent. Slow peers time out on both sides.
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { Replica } from '../../../src/index.js';
import { caughtError as caught } from '../../support/caughtError.js';
import { createHttpSyncClient, createSyncHandler, syncOverHttp } from '../../../src/sync/http/index.js';
import { allEvents, foldHash, openSite, recordMany } from '../../replica/fixtures.js';
import { failingFirst, peersOf, tokenOf, useServers } from './httpHarness.js';

const NETWORK = ['practice-a', 'hospital'];
const FAST = { backoff: { initialMs: 5, maxMs: 20 } } as const;

async function pair(): Promise<[Replica, Replica]> {
  const [a, hospital] = (await Promise.all(
    NETWORK.map((s) => openSite(s, { network: NETWORK, signEvery: 16 })),
  )) as [Replica, Replica];
  await recordMany(a, 50);
  await recordMany(hospital, 40);
  return [a, hospital];
}

async function expectConverged(a: Replica, b: Replica): Promise<void> {
  const union = new Map(
    [...(await allEvents(a)), ...(await allEvents(b))].map((e) => [`${e.site}:${e.seq}`, e]),
  );
  expect(await a.store.count()).toBe(union.size);
  expect(await b.store.count()).toBe(union.size);
  expect(a.chart.hash()).toBe(foldHash(union.values()));
  expect(b.chart.hash()).toBe(a.chart.hash());
}

describe('retries and timeouts over HTTP', () => {
  const serve = useServers();

  it('retries after a server that fails the first requests with 503, and converges', async () => {
    const [a, hospital] = await pair();
    const handler = createSyncHandler(hospital, { peers: peersOf(['practice-a']) });
    const flaky = failingFirst(
      2,
      (req, res) => {
        req.resume();
        res
          .writeHead(503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { code: 'STORE_UNAVAILABLE', message: 'restarting' } }));
      },
      handler,
    );
    const { url } = await serve(flaky);
    const report = await syncOverHttp(
      a,
      createHttpSyncClient({ url, token: tokenOf('practice-a'), retries: 3, ...FAST }),
      { maxEvents: 16 },
    );
    expect(report.requests).toBe(report.rounds + 2);
    await expectConverged(a, hospital);
  });

  it("gives up after its retries with SYNC_HTTP_FAILED carrying the status and the body's code", async () => {
    const [a, hospital] = await pair();
    const down = failingFirst(
      100,
      (req, res) => (
        req.resume(),
        res
          .writeHead(503, { 'content-type': 'application/json' })
          .end('{"error":{"code":"STORE_UNAVAILABLE","message":"down"}}')
      ),
      createSyncHandler(hospital, { peers: peersOf(['practice-a']) }),
    );
    const { url } = await serve(down);
    const error = await caught(
      syncOverHttp(a, createHttpSyncClient({ url, token: tokenOf('practice-a'), retries: 2, ...FAST })),
    );
    expect(error.code).toBe('SYNC_HTTP_FAILED');
    expect(error.details).toMatchObject({ status: 503, code: 'STORE_UNAVAILABLE', attempts: 3 });
    expect(down.calls).toBe(3);
  });

  it('retries after dropped connections, before and in the middle of a response', async () => {
    const [a, hospital] = await pair();
    const handler = createSyncHandler(hospital, { peers: peersOf(['practice-a']) });
    let n = 0;
    const { url } = await serve((req, res) => {
      n++;
      if (n === 1) return req.socket.destroy(); // dropped before any answer
      if (n === 3 || n === 5) {
        // Cut mid-response: half the last chunk, then the connection goes.
        res.end = ((chunk: string) => {
          res.write(chunk.slice(0, Math.floor(chunk.length / 2)));
          setImmediate(() => res.destroy());
          return res;
        }) as typeof res.end;
      }
      handler(req, res);
    });
    const report = await syncOverHttp(
      a,
      createHttpSyncClient({ url, token: tokenOf('practice-a'), retries: 3, ...FAST }),
      { maxEvents: 16 },
    );
    expect(report.requests).toBe(report.rounds + 3);
    expect(report.refused.count).toBe(0);
    await expectConverged(a, hospital);
  });

  it('times out against a server that never answers, retrying then throwing SYNC_TIMEOUT', async () => {
    const [a] = await pair();
    let calls = 0;
    const { url } = await serve(() => void calls++);
    const started = Date.now();
    const error = await caught(
      syncOverHttp(
        a,
        createHttpSyncClient({ url, token: tokenOf('practice-a'), timeoutMs: 150, retries: 1, ...FAST }),
      ),
    );
    expect(error.code).toBe('SYNC_TIMEOUT');
    expect(error.details).toMatchObject({ attempts: 2 });
    expect(calls).toBe(2);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('answers 408 SYNC_TIMEOUT to a client that stops sending its body', async () => {
    const [, hospital] = await pair();
    const { url } = await serve(
      createSyncHandler(hospital, { peers: peersOf(['practice-a']), requestTimeoutMs: 150 }),
    );
    const { port } = new URL(url);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/chartlog/sync',
          headers: {
            'content-type': 'application/x-ndjson',
            'content-length': 1000,
            authorization: `Bearer ${tokenOf('practice-a')}`,
          },
        },
        (res) => {
          let body = '';
          res
            .setEncoding('utf8')
            .on('data', (c: string) => (body += c))
            .on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.write('{"protocol":1,'); // …and nothing more
    });
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'SYNC_TIMEOUT' } });
    expect(await hospital.store.count()).toBe(40);
  });

  it('can be cancelled with an AbortSignal, retries included', async () => {
    const [a] = await pair();
    const { url } = await serve(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('operator cancelled')), 50);
    await expect(
      syncOverHttp(
        a,
        createHttpSyncClient({
          url,
          token: tokenOf('practice-a'),
          timeoutMs: 5000,
          signal: controller.signal,
        }),
      ),
    ).rejects.toThrow('operator cancelled');
  });
});
