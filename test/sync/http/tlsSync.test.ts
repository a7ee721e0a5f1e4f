/**
 * Health data does not cross a network in clear text: sync over HTTPS with real
 * certificates (made with openssl at test time), the client checking the server against
 * a CA or a pinned certificate, and optional mutual TLS. A server the client does not
 * trust never sees a request (nor the bearer token in it).
 */
import type { RequestListener } from 'node:http';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Replica } from '../../../src/index.js';
import {
  createHttpSyncClient,
  createSyncHandler,
  createSyncServer,
  syncOverHttp,
  type HttpSyncTlsOptions,
  type SyncServerTlsOptions,
} from '../../../src/sync/http/index.js';
import { caughtError as caught } from '../../support/caughtError.js';
import {
  makeCertificate,
  makeCertificateAuthority,
  type TestCertificate,
} from '../../support/testCertificates.js';
import { useTempDir } from '../../support/tempDir.js';
import { expectConverged, openSite, recordMany } from '../../replica/fixtures.js';
import { peersOf, tokenOf } from './httpHarness.js';

const NETWORK = ['practice-a', 'hospital'];
const file = useTempDir('tls');
let ca: TestCertificate;
let otherCa: TestCertificate;
let server: TestCertificate;
let selfSigned: TestCertificate;
let client: TestCertificate;

beforeAll(() => {
  const dir = file('');
  ca = makeCertificateAuthority(dir, 'test-ca');
  otherCa = makeCertificateAuthority(dir, 'other-ca');
  server = makeCertificate(dir, 'hospital', ca);
  selfSigned = makeCertificate(dir, 'hospital-self-signed');
  client = makeCertificate(dir, 'practice-a-client', ca);
});

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers
      .splice(0)
      .map((s) => new Promise<void>((closed) => (s.closeAllConnections(), s.close(() => closed())))),
  );
});

/** Serves `hospital` over HTTPS; `requests` counts what reached the handler. */
async function serveTls(
  hospital: Replica,
  tls: SyncServerTlsOptions,
): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const handler = createSyncHandler(hospital, { peers: peersOf(['practice-a']) });
  const counting: RequestListener = (req, res) => {
    requests++;
    handler(req, res);
  };
  const s = createSyncServer(counting, { tls }) as Server;
  servers.push(s);
  await new Promise<void>((ready) => s.listen(0, '127.0.0.1', ready));
  return { url: `https://127.0.0.1:${(s.address() as AddressInfo).port}`, requests: () => requests };
}

const sites = async (): Promise<[Replica, Replica]> =>
  (await Promise.all(NETWORK.map((s) => openSite(s, { network: NETWORK })))) as [Replica, Replica];
const syncWith = (a: Replica, url: string, tls: HttpSyncTlsOptions) =>
  syncOverHttp(
    a,
    createHttpSyncClient({
      url,
      token: tokenOf('practice-a'),
      tls,
      retries: 2,
      backoff: { initialMs: 1, maxMs: 2 },
    }),
  );

describe('sync over TLS', () => {
  it('converges over HTTPS when the client checks the server against its CA, or pins its certificate', async () => {
    const [a, hospital] = await sites();
    await recordMany(a, 20);
    await recordMany(hospital, 10);
    const { url } = await serveTls(hospital, { cert: server.cert, key: server.key });
    expect(await syncWith(a, url, { ca: ca.cert })).toMatchObject({ eventsSent: 20, eventsReceived: 10 });
    await expectConverged([a, hospital]);
    await recordMany(a, 5);
    const pinned = await serveTls(hospital, { cert: selfSigned.cert, key: selfSigned.key });
    expect(await syncWith(a, pinned.url, { pin: selfSigned.fingerprint })).toMatchObject({ eventsSent: 5 });
    expect(
      await syncWith(a, pinned.url, { pin: selfSigned.fingerprint.replace(/:/g, '').toLowerCase() }),
    ).toMatchObject({ eventsSent: 0 });
    await expectConverged([a, hospital]);
  });

  it('a server whose certificate is not from the trusted CA, not the pinned one, or not public is refused with SYNC_TLS_FAILED, never retried, and never sees the request', async () => {
    const [a, hospital] = await sites();
    await recordMany(a, 3);
    const { url, requests } = await serveTls(hospital, { cert: server.cert, key: server.key });
    for (const tls of [{ ca: otherCa.cert }, { pin: selfSigned.fingerprint }, {}] as HttpSyncTlsOptions[]) {
      const error = await caught(syncWith(a, url, tls));
      expect(error.code, JSON.stringify(Object.keys(tls))).toBe('SYNC_TLS_FAILED');
      expect(error.details).toMatchObject({ url: `${url}/chartlog/sync`, attempts: 1 });
    }
    expect(requests()).toBe(0);
    expect(await hospital.store.count()).toBe(0);
  });

  it('with mutual TLS the server refuses a client without a certificate from its client CA, and syncs with one that has it', async () => {
    const [a, hospital] = await sites();
    await recordMany(a, 4);
    const { url, requests } = await serveTls(hospital, {
      cert: server.cert,
      key: server.key,
      clientCa: ca.cert,
    });
    const refused = await caught(syncWith(a, url, { ca: ca.cert }));
    expect(['SYNC_TLS_FAILED', 'SYNC_HTTP_FAILED']).toContain(refused.code);
    const wrongClient = await caught(
      syncWith(a, url, { ca: ca.cert, cert: selfSigned.cert, key: selfSigned.key }),
    );
    expect(['SYNC_TLS_FAILED', 'SYNC_HTTP_FAILED']).toContain(wrongClient.code);
    expect(requests()).toBe(0);
    expect(await hospital.store.count()).toBe(0);
    expect(await syncWith(a, url, { ca: ca.cert, cert: client.cert, key: client.key })).toMatchObject({
      eventsSent: 4,
    });
    await expectConverged([a, hospital]);
  });

  it('inconsistent TLS options are INVALID_OPTION at once: tls on an http:// url, ca with pin, a malformed pin, a cert without key, tls with fetch', () => {
    const token = tokenOf('practice-a');
    for (const options of [
      { url: 'http://127.0.0.1:1', tls: { ca: ca.cert } },
      { url: 'https://127.0.0.1:1', tls: { ca: ca.cert, pin: selfSigned.fingerprint } },
      { url: 'https://127.0.0.1:1', tls: { pin: 'AB:CD' } },
      { url: 'https://127.0.0.1:1', tls: { cert: client.cert } },
      { url: 'https://127.0.0.1:1', tls: { ca: ca.cert }, fetch },
      { url: 'notaurl' },
    ]) {
      expect(() => createHttpSyncClient({ ...options, token }), JSON.stringify(options.url)).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTION' }),
      );
    }
    expect(() =>
      createSyncServer(() => undefined, { tls: { cert: 'not a certificate', key: 'not a key' } }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
