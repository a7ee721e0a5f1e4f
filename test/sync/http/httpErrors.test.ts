/**
 * Bad requests get JSON errors with codes, and change nothing; refused events are not
 * HTTP errors.
 */
import { describe, expect, it } from 'vitest';
import type { Replica } from '../../../src/index.js';
import { caughtError as caught } from '../../support/caughtError.js';
import { createHttpSyncClient, syncMessageLines, syncOverHttp } from '../../../src/sync/http/index.js';
import { allEvents, openSite, recordMany, tampered } from '../../replica/fixtures.js';
import { post, serveReplica, tokenOf, useServers } from './httpHarness.js';

const NETWORK = ['practice-a', 'hospital'];
const AUTH = { authorization: `Bearer ${tokenOf('practice-a')}` };

describe('the sync handler refuses bad requests with JSON errors', () => {
  const serve = useServers();
  const sites = async (): Promise<[Replica, Replica]> =>
    (await Promise.all(NETWORK.map((s) => openSite(s, { network: NETWORK })))) as [Replica, Replica];

  it('401 SYNC_UNAUTHORIZED on a missing or wrong token, and the client does not retry it', async () => {
    const [a, hospital] = await sites();
    let calls = 0;
    const { url } = await serveReplica(serve, hospital, ['practice-a']);
    expect((await post(url, '')).json).toEqual({
      error: { code: 'SYNC_UNAUTHORIZED', message: expect.any(String) },
    });
    const wrong = await post(url, '', { authorization: 'Bearer not-the-token-0123456789' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const counting: typeof fetch = (input, init) => (calls++, fetch(input, init));
    const error = await caught(
      syncOverHttp(
        a,
        createHttpSyncClient({ url, token: 'wrong-token-0123456789', fetch: counting, retries: 3 }),
      ),
    );
    expect(error.code).toBe('SYNC_UNAUTHORIZED');
    expect(error.details).toMatchObject({ status: 401, code: 'SYNC_UNAUTHORIZED' });
    expect(calls).toBe(1);
  });

  it('413 SYNC_TOO_LARGE on a request over the size limit or a line over the line limit', async () => {
    const [hospital] = (await sites()).slice(1) as [Replica];
    const a = await openSite('practice-a', { network: NETWORK, signEvery: 4 });
    await recordMany(a, 60);
    const { url } = await serveReplica(serve, hospital, ['practice-a'], {
      maxRequestBytes: 8 * 1024,
      maxLineBytes: 4 * 1024,
    });
    const error = await caught(
      syncOverHttp(a, createHttpSyncClient({ url, token: tokenOf('practice-a'), retries: 2 })),
    );
    expect(error.code).toBe('SYNC_HTTP_FAILED');
    expect(error.details).toMatchObject({ status: 413, code: 'SYNC_TOO_LARGE', attempts: 1 });
    const long = await post(url, `{"protocol":1,"vector":{}}\n{"x":"${'y'.repeat(5000)}"}\n`, AUTH);
    expect(long.status).toBe(413);
    expect(long.json).toMatchObject({
      error: { code: 'SYNC_TOO_LARGE', message: expect.stringMatching(/line 2/) },
    });
    expect(await hospital.store.count()).toBe(0);
    // Smaller batches get through.
    await syncOverHttp(a, createHttpSyncClient({ url, token: tokenOf('practice-a') }), { maxEvents: 5 });
    expect(await hospital.store.count()).toBe(60);
  });

  it('400 MALFORMED_MESSAGE on garbage, and nothing changed', async () => {
    const [a, hospital] = await sites();
    await recordMany(hospital, 5);
    const { url } = await serveReplica(serve, hospital, ['practice-a']);
    const hash = hospital.chart.hash();
    for (const body of [
      'not json\n',
      '[1,2,3]\n',
      '{"protocol":1,"vector":{},"events":[]}\n',
      '{"protocol":2,"vector":{}}\n',
      '\xff\xfe\n',
    ]) {
      const res = await post(url, body, AUTH);
      expect(res.status, body).toBe(400);
      expect(res.json, body).toMatchObject({
        error: { code: 'MALFORMED_MESSAGE', message: expect.any(String) },
      });
    }
    const issues = (await post(url, '{"protocol":1,"vector":{"a":-1},"extra":true}\n', AUTH)).json as {
      error: { issues: unknown[] };
    };
    expect(issues.error.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: ['extra'] }),
        expect.objectContaining({ path: ['vector'] }),
      ]),
    );
    expect(hospital.chart.hash()).toBe(hash);
    expect(await hospital.store.count()).toBe(5);
    expect(await a.store.count()).toBe(0);
  });

  it('415 on a wrong content type, 405 on a wrong method, 404 elsewhere', async () => {
    const [, hospital] = await sites();
    const { url } = await serveReplica(serve, hospital, ['practice-a']);
    const json = await fetch(`${url}/chartlog/sync`, {
      method: 'POST',
      body: '{}',
      headers: { ...AUTH, 'content-type': 'application/json' },
    });
    expect(json.status).toBe(415);
    expect(await json.json()).toMatchObject({ error: { code: 'SYNC_UNSUPPORTED_MEDIA_TYPE' } });
    const get = await fetch(`${url}/chartlog/sync`, { headers: AUTH });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(await get.json()).toMatchObject({ error: { code: 'SYNC_METHOD_NOT_ALLOWED' } });
    const elsewhere = await fetch(`${url}/other`, { headers: AUTH });
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('answers 200 with refusals in the trailer when events are bad: refusals are not HTTP errors', async () => {
    const [a, hospital] = await sites();
    await recordMany(a, 3);
    const { url } = await serveReplica(serve, hospital, ['practice-a']);
    const events = await allEvents(a);
    const forged = {
      protocol: 1 as const,
      vector: await a.versionVector(),
      events: events.map((e, i) =>
        i === 1 ? tampered(e, (x) => (x['author'] = { id: 'mallory', role: 'gp' })) : e,
      ),
    };
    const res = await post(url, [...syncMessageLines(forged)].join(''), AUTH);
    expect(res.status).toBe(200);
    const trailer = JSON.parse(res.text.trimEnd().split('\n').at(-1) as string) as {
      ingest: { refusedCount: number; accepted: number };
    };
    expect(trailer.ingest.refusedCount).toBeGreaterThan(0);
    expect(trailer.ingest.accepted).toBeLessThan(3);
  });
});
