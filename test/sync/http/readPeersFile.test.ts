/**
 * An embedder loads the files `chartlog keygen` and a site's peers file hold, from
 * `chartlog/http`, and gets what the sync server, the client and a replica take.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportPublicKey } from '../../../src/event/signature.js';
import { readPeersFile, readSiteKeyFile, writeSiteKeyFiles } from '../../../src/sync/http/index.js';
import { useTempDir } from '../../support/tempDir.js';

const file = useTempDir('read-peers-file');
const hospital = writeSiteKeyFiles(file('hospital-d.key'));
const PIN = 'AB:'.repeat(31) + 'AB';
const write = (name: string, body: unknown): string => {
  writeFileSync(file(name), typeof body === 'string' ? body : JSON.stringify(body));
  return file(name);
};
const refusalOf = (path: string): unknown => {
  try {
    readPeersFile(path);
  } catch (error) {
    return error;
  }
  throw new Error(`${path} was accepted`);
};

describe('readSiteKeyFile', () => {
  it('reads the key pair chartlog keygen wrote: the private key and its public key', () => {
    const keys = readSiteKeyFile(hospital.privateKeyFile);
    expect(keys.privateKey.asymmetricKeyType).toBe('ed25519');
    expect(exportPublicKey(keys.publicKey)).toBe(readFileSync(hospital.publicKeyFile, 'utf8'));
  });

  it('refuses a missing file and a public key with INVALID_OPTION naming the file', () => {
    expect(() => readSiteKeyFile(file('missing.key'))).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('missing.key') }),
    );
    expect(() => readSiteKeyFile(hospital.publicKeyFile)).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTION',
        message: expect.stringContaining('chartlog keygen'),
      }),
    );
  });
});

describe('readPeersFile', () => {
  const fhirClients = [{ token: 'ward-app-calls-fhir-with-this', scope: 'read' }];
  const entry = {
    site: 'hospital-d',
    publicKeyFile: 'hospital-d.key.pub',
    token: 'hospital-d-calls-us-with-this',
    url: 'https://hospital-d.example:8443',
    ourToken: 'we-call-hospital-d-with-this',
    pin: PIN,
  };

  it("reads a site's peers file: keys (from files next to it), tokens, where to call, and fhirClients as written", () => {
    const peers = readPeersFile(write('practice-a.peers.json', { peers: [entry], fhirClients }));
    expect(peers.peers).toEqual([
      {
        site: 'hospital-d',
        publicKey: hospital.publicKey,
        token: entry.token,
        url: entry.url,
        ourToken: entry.ourToken,
        tls: { pin: PIN },
      },
    ]);
    expect(peers.tokens).toEqual({ [entry.token]: 'hospital-d' });
    expect(peers.keyring().sites()).toEqual(['hospital-d']);
    expect([...peers.keys().keys()]).toEqual(['hospital-d']);
    expect(peers.fhirClients).toEqual(fhirClients);
    expect('fhirClients' in readPeersFile(write('no-fhir.peers.json', { peers: [entry] }))).toBe(false);
  });

  it('refuses a file with every problem at once, each at its field, and a token a FHIR client shares with a peer', () => {
    const path = write('bad.peers.json', {
      peers: [
        { ...entry, token: 'short' },
        { site: 'practice-b', publicKeyFile: 'practice-b.key.pub' },
      ],
      fhirClients: [{ token: entry.ourToken, scope: 'read' }],
      colour: 'blue',
    });
    expect(refusalOf(path)).toMatchObject({
      code: 'INVALID_OPTION',
      details: { path },
      issues: [
        { path: ['colour'], message: 'unknown field' },
        { path: ['peers', 0, 'token'], message: expect.stringContaining('at least 16 characters') },
        { path: ['peers', 1, 'publicKeyFile'], message: expect.stringContaining('ENOENT') },
        { path: ['fhirClients', 0, 'token'], message: expect.stringContaining('ourToken') },
      ],
    });
  });

  it('refuses a file that cannot be read or is not JSON', () => {
    expect(refusalOf(file('missing.peers.json'))).toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('ENOENT'),
    });
    expect(refusalOf(write('not-json.peers.json', '{ peers: [] }'))).toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('is not JSON'),
    });
  });
});
