/**
 * A peers file is checked whole when read: each TLS setting and key problem is an
 * INVALID_OPTION issue pointing at its field, before anything starts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportPrivateKey, exportPublicKey, generateSiteKeys } from '../../src/event/signature.js';
import { readPeersConfig } from '../../src/cli/peersConfig.js';
import { useTempDir } from '../support/tempDir.js';

const file = useTempDir('peers-config');
const keys = generateSiteKeys();
const token = 'token-of-hospital-d-0123456789';
const PIN = 'AB:'.repeat(31) + 'AB';

const issuesOf = (entry: Record<string, unknown>): { path: readonly (string | number)[]; message: string }[] => {
  writeFileSync(file('peers.json'), JSON.stringify({ peers: [{ site: 'hospital-d', publicKey: exportPublicKey(keys.publicKey), token, ...entry }] }));
  try {
    readPeersConfig(file('peers.json'));
  } catch (error) {
    expect(error).toMatchObject({ code: 'INVALID_OPTION' });
    return [...(error as { issues: { path: (string | number)[]; message: string }[] }).issues];
  }
  return [];
};

describe('readPeersConfig', () => {
  it('reads ca (a file next to the peers file), pin and a client certificate for an https url', () => {
    writeFileSync(file('hospital-ca.crt'), 'CA PEM');
    writeFileSync(file('client.crt'), 'CERT PEM');
    writeFileSync(file('client.key'), 'KEY PEM');
    const url = 'https://hospital.example:8443';
    expect(issuesOf({ url, ourToken: token, ca: 'hospital-ca.crt', clientCert: 'client.crt', clientKey: 'client.key' })).toEqual([]);
    expect(readPeersConfig(file('peers.json')).peers[0]?.tls).toEqual({ ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM' });
    expect(issuesOf({ url, ourToken: token, pin: PIN })).toEqual([]);
    expect(readPeersConfig(file('peers.json')).peers[0]?.tls).toEqual({ pin: PIN });
  });

  it('refuses TLS settings that cannot work, each at its field', () => {
    const url = 'https://hospital.example:8443';
    expect(issuesOf({ url: 'http://hospital.example:8080', ourToken: token, pin: PIN })).toEqual([expect.objectContaining({ path: ['peers', 0, 'url'] })]);
    expect(issuesOf({ url, ourToken: token, pin: PIN, ca: 'hospital-ca.crt' })).toEqual([expect.objectContaining({ path: ['peers', 0, 'pin'], message: expect.stringContaining('not both') })]);
    expect(issuesOf({ url, ourToken: token, pin: 'AB:CD' })).toEqual([expect.objectContaining({ path: ['peers', 0, 'pin'] })]);
    expect(issuesOf({ url, ourToken: token, clientCert: 'client.crt' })).toEqual([expect.objectContaining({ path: ['peers', 0, 'clientCert'] })]);
    expect(issuesOf({ url, ourToken: token, ca: 'missing.crt' })).toEqual([expect.objectContaining({ path: ['peers', 0, 'ca'], message: expect.stringContaining('ENOENT') })]);
  });

  it('refuses a private key given as a peer public key, inline or as a file, naming it', () => {
    writeFileSync(file('hospital-d.key'), exportPrivateKey(keys.privateKey));
    writeFileSync(file('peers.json'), JSON.stringify({ peers: [{ site: 'hospital-d', publicKeyFile: 'hospital-d.key' }, { site: 'practice-a', publicKey: readFileSync(file('hospital-d.key'), 'utf8') }] }));
    let caught: unknown;
    try {
      readPeersConfig(file('peers.json'));
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({
      code: 'INVALID_OPTION',
      issues: [
        { path: ['peers', 0, 'publicKeyFile'], message: expect.stringContaining(`${file('hospital-d.key')} holds a private key`) },
        { path: ['peers', 1, 'publicKey'], message: expect.stringContaining('holds a private key') },
      ],
    });
  });
});
