/**
 * The two-site walkthrough over TLS, with real `chartlog` processes and certificates made
 * by openssl: serve --tls-cert/--tls-key, sync checking the server with --tls-ca or the
 * peers file's `pin`, serve's own periodic sync over TLS, mutual TLS, and the warning for
 * plain HTTP off loopback.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  makeCertificate,
  makeCertificateAuthority,
  type TestCertificate,
} from '../support/testCertificates.js';
import { useTempDir } from '../support/tempDir.js';
import { runChartlog, startServe, type ServeProcess } from './runChartlog.js';

const file = useTempDir('cli-tls');
const token = (site: string): string => `token-of-${site}-0123456789`;
const SITES = ['practice-a', 'hospital-d'];
let ca: TestCertificate;
let otherCa: TestCertificate;
let hospital: TestCertificate;
let practice: TestCertificate;
let client: TestCertificate;
const servers: ServeProcess[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop('SIGKILL')));
});

beforeAll(async () => {
  const dir = file('');
  ca = makeCertificateAuthority(dir, 'ca');
  otherCa = makeCertificateAuthority(dir, 'other-ca');
  hospital = makeCertificate(dir, 'hospital-d', ca);
  practice = makeCertificate(dir, 'practice-a');
  client = makeCertificate(dir, 'practice-a-client', ca);
  for (const s of SITES) expect((await runChartlog(['keygen', '--out', file(`${s}.key`)])).code).toBe(0);
});

const peersFile = (name: string, extra: Record<string, Record<string, string>> = {}): string => {
  writeFileSync(
    file(name),
    JSON.stringify({
      peers: SITES.map((site) => ({
        site,
        publicKeyFile: `${site}.key.pub`,
        token: token(site),
        ...extra[site],
      })),
    }),
  );
  return file(name);
};
/** Resolves once the serve process has printed a line matching `pattern` on stdout. */
function outputMatching(served: ServeProcess, pattern: RegExp): Promise<void> {
  return new Promise((found) => {
    let seen = '';
    const look = (s: string): void => {
      seen += s;
      if (!pattern.test(seen)) return;
      served.child.stdout?.off('data', look);
      found();
    };
    served.child.stdout?.on('data', look);
  });
}
const serveArgs = (site: string, peers: string, more: readonly string[] = []): string[] => [
  '--store',
  file(`${site}.chartlog`),
  '--site',
  site,
  '--key',
  file(`${site}.key`),
  '--peers',
  peers,
  ...more,
];
const syncArgs = (peers: string, url: string, more: readonly string[] = []): string[] => [
  'sync',
  '--store',
  file('practice-a.chartlog'),
  '--site',
  'practice-a',
  '--key',
  file('practice-a.key'),
  '--peers',
  peers,
  '--peer',
  url,
  '--token',
  token('practice-a'),
  '--json',
  ...more,
];

describe('chartlog over TLS', () => {
  it('sync reaches a TLS server checked against --tls-ca, and refuses one from another CA with exit 4 SYNC_TLS_FAILED', async () => {
    const peers = peersFile('peers.json');
    const d = await startServe(
      serveArgs('hospital-d', peers, [
        '--tls-cert',
        hospital.certFile,
        '--tls-key',
        hospital.keyFile,
        '--demo-activity',
        '50',
        '--demo-events',
        '5',
      ]),
    );
    servers.push(d);
    expect(d.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const wrong = await runChartlog(syncArgs(peers, d.url, ['--tls-ca', otherCa.certFile]));
    expect(wrong.code).toBe(4);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ peers: [{ error: { code: 'SYNC_TLS_FAILED' } }] });
    const plain = await runChartlog(syncArgs(peers, d.url.replace('https:', 'http:')));
    expect(plain.code).toBe(4); // a TLS server does not speak plain HTTP
    const synced = await runChartlog(syncArgs(peers, d.url, ['--tls-ca', ca.certFile]));
    expect(synced.stderr).toBe('');
    expect(synced.code).toBe(0);
    expect(JSON.parse(synced.stdout)).toMatchObject({
      converged: true,
      peers: [{ site: 'hospital-d', converged: true }],
    });
  });

  it("serve's periodic sync calls a TLS peer pinned in the peers file; mutual TLS refuses a client without a certificate", async () => {
    // practice-a serves with a self-signed certificate; hospital-d pins it and presents a client certificate.
    const practicePeers = peersFile('practice.peers.json');
    const a = await startServe(
      serveArgs('practice-a', practicePeers, [
        '--tls-cert',
        practice.certFile,
        '--tls-key',
        practice.keyFile,
        '--tls-client-ca',
        ca.certFile,
        '--demo-activity',
        '50',
        '--demo-events',
        '3',
      ]),
    );
    servers.push(a);
    const noCert = await runChartlog([
      'status',
      '--store',
      file('hospital-d.chartlog'),
      '--peer',
      a.url,
      '--token',
      token('hospital-d'),
      '--tls-pin',
      practice.fingerprint,
      '--json',
    ]);
    expect(noCert.code).toBe(1);
    expect(JSON.parse(noCert.stdout)).toMatchObject({
      peers: [{ error: { code: expect.stringMatching(/^SYNC_(TLS|HTTP)_FAILED$/) } }],
    });
    const pinned = {
      'practice-a': {
        url: a.url,
        ourToken: token('hospital-d'),
        pin: practice.fingerprint,
        clientCert: client.certFile,
        clientKey: client.keyFile,
      },
    };
    const d = await startServe(
      serveArgs('hospital-d', peersFile('hospital.peers.json', pinned), ['--sync-every', '100']),
    );
    servers.push(d);
    // A round that moved practice-a's events prints {"synced":true,"peer":"practice-a",…}.
    await outputMatching(d, /"synced":true,"peer":"practice-a","url":"https:/);
    const { stderr } = await d.stop('SIGTERM');
    expect(stderr).not.toContain('SYNC_TLS_FAILED');
  });

  it('the FHIR API is served over the same TLS as sync: a client checking the CA reads it with its token, plain HTTP gets nothing', async () => {
    const fhirToken = 'ward-screen-0123456789';
    writeFileSync(
      file('fhir.peers.json'),
      JSON.stringify({ peers: [], fhirClients: [{ token: fhirToken, scope: 'read' }] }),
    );
    const d = await startServe(
      serveArgs('hospital-d', file('fhir.peers.json'), [
        '--tls-cert',
        hospital.certFile,
        '--tls-key',
        hospital.keyFile,
      ]),
    );
    servers.push(d);
    const get = (path: string, ca: string): Promise<{ status: number; body: string }> =>
      new Promise((done, failed) => {
        const req = request(
          `${d.url}${path}`,
          { ca, headers: { authorization: `Bearer ${fhirToken}` } },
          (res) => {
            let body = '';
            res
              .setEncoding('utf8')
              .on('data', (c: string) => (body += c))
              .on('end', () => done({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', failed).end();
      });
    const metadata = await get('/fhir/metadata', readFileSync(ca.certFile, 'utf8'));
    expect(metadata.status).toBe(200);
    expect(JSON.parse(metadata.body)).toMatchObject({
      resourceType: 'CapabilityStatement',
      fhirVersion: '4.0.1',
    });
    expect((await get('/fhir/Patient/p1', readFileSync(ca.certFile, 'utf8'))).status).toBe(404);
    await expect(get('/fhir/metadata', readFileSync(otherCa.certFile, 'utf8'))).rejects.toThrow();
    await expect(fetch(`${d.url.replace('https:', 'http:')}/fhir/metadata`)).rejects.toThrow();
  });

  it('serve warns when it listens for plain HTTP on an address other machines can reach', async () => {
    const d = await startServe(serveArgs('hospital-d', peersFile('warn.peers.json'), ['--host', '0.0.0.0']));
    servers.push(d);
    const { stderr } = await d.stop('SIGTERM');
    expect(stderr).toMatch(/WARNING: serving plain HTTP on 0\.0\.0\.0.*--tls-cert/);
  });
});
