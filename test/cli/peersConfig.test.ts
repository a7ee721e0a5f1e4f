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

const issuesOf = (
  entry: Record<string, unknown>,
): { path: readonly (string | number)[]; message: string }[] => {
  writeFileSync(
    file('peers.json'),
    JSON.stringify({
      peers: [{ site: 'hospital-d', publicKey: exportPublicKey(keys.publicKey), token, ...entry }],
    }),
  );
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
    expect(
      issuesOf({
        url,
        ourToken: token,
        ca: 'hospital-ca.crt',
        clientCert: 'client.crt',
        clientKey: 'client.key',
      }),
    ).toEqual([]);
    expect(readPeersConfig(file('peers.json')).peers[0]?.tls).toEqual({
      ca: 'CA PEM',
      cert: 'CERT PEM',
      key: 'KEY PEM',
    });
    expect(issuesOf({ url, ourToken: token, pin: PIN })).toEqual([]);
    expect(readPeersConfig(file('peers.json')).peers[0]?.tls).toEqual({ pin: PIN });
  });

  it('refuses TLS settings that cannot work, each at its field', () => {
    const url = 'https://hospital.example:8443';
    expect(issuesOf({ url: 'http://hospital.example:8080', ourToken: token, pin: PIN })).toEqual([
      expect.objectContaining({ path: ['peers', 0, 'url'] }),
    ]);
    expect(issuesOf({ url, ourToken: token, pin: PIN, ca: 'hospital-ca.crt' })).toEqual([
      expect.objectContaining({ path: ['peers', 0, 'pin'], message: expect.stringContaining('not both') }),
    ]);
    expect(issuesOf({ url, ourToken: token, pin: 'AB:CD' })).toEqual([
      expect.objectContaining({ path: ['peers', 0, 'pin'] }),
    ]);
    expect(issuesOf({ url, ourToken: token, clientCert: 'client.crt' })).toEqual([
      expect.objectContaining({ path: ['peers', 0, 'clientCert'] }),
    ]);
    expect(issuesOf({ url, ourToken: token, ca: 'missing.crt' })).toEqual([
      expect.objectContaining({ path: ['peers', 0, 'ca'], message: expect.stringContaining('ENOENT') }),
    ]);
  });

  it('refuses a private key given as a peer public key, inline or as a file, naming it', () => {
    writeFileSync(file('hospital-d.key'), exportPrivateKey(keys.privateKey));
    writeFileSync(
      file('peers.json'),
      JSON.stringify({
        peers: [
          { site: 'hospital-d', publicKeyFile: 'hospital-d.key' },
          { site: 'practice-a', publicKey: readFileSync(file('hospital-d.key'), 'utf8') },
        ],
      }),
    );
    let caught: unknown;
    try {
      readPeersConfig(file('peers.json'));
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({
      code: 'INVALID_OPTION',
      issues: [
        {
          path: ['peers', 0, 'publicKeyFile'],
          message: expect.stringContaining(`${file('hospital-d.key')} holds a private key`),
        },
        { path: ['peers', 1, 'publicKey'], message: expect.stringContaining('holds a private key') },
      ],
    });
  });

  describe('fhirClients', () => {
    const ehr = {
      token: 'ehr-calls-fhir-with-this-0001',
      scope: 'read-write',
      author: { id: 'ehr-service', role: 'system' },
    };
    const patientApp = { token: 'patient-app-of-p1-uses-this-3', scope: 'patient/*.read', patient: 'p1' };
    const peer = { site: 'hospital-d', publicKey: exportPublicKey(keys.publicKey), token };
    const write = (body: Record<string, unknown>): string => {
      writeFileSync(file('peers.json'), JSON.stringify(body));
      return file('peers.json');
    };
    const refusalOf = (body: Record<string, unknown>): unknown => {
      try {
        readPeersConfig(write(body));
      } catch (error) {
        return error;
      }
      throw new Error('the peers file was accepted');
    };

    it('absent: no FHIR clients at all (serve does not answer FHIR)', () => {
      const config = readPeersConfig(write({ peers: [peer] }));
      expect(config.fhirClients).toBeUndefined();
      expect('fhirClients' in config).toBe(false);
    });

    it('present and empty: FHIR is answered, to nobody', () => {
      expect(readPeersConfig(write({ peers: [peer], fhirClients: [] })).fhirClients).toEqual([]);
    });

    it('reads each client with its access, author and patient', () => {
      const clients = readPeersConfig(write({ peers: [peer], fhirClients: [ehr, patientApp] })).fhirClients;
      expect(clients).toEqual([
        {
          token: ehr.token,
          scope: 'read-write',
          access: { scopes: [{ context: 'system', type: '*', read: true, write: true }] },
          author: ehr.author,
        },
        {
          token: patientApp.token,
          scope: 'patient/*.read',
          access: { scopes: [{ context: 'patient', type: '*', read: true, write: false }], patient: 'p1' },
          patient: 'p1',
        },
      ]);
    });

    it('refuses the whole file for any bad client, each problem at fhirClients[i].field', () => {
      expect(
        refusalOf({
          peers: [peer],
          fhirClients: [
            ehr,
            { ...patientApp, patient: undefined, colour: 'blue' },
            { ...ehr, token: 'ehr-calls-fhir-with-this-0002', author: undefined },
          ],
        }),
      ).toMatchObject({
        code: 'INVALID_OPTION',
        issues: [
          { path: ['fhirClients', 1, 'colour'], message: 'unknown field' },
          { path: ['fhirClients', 1, 'patient'], message: expect.stringContaining('required') },
          {
            path: ['fhirClients', 2, 'author'],
            message: expect.stringContaining('every write is recorded under this author'),
          },
        ],
      });
      expect(refusalOf({ peers: [peer], fhirClients: { token: ehr.token } })).toMatchObject({
        code: 'INVALID_OPTION',
        issues: [{ path: ['fhirClients'], message: expect.stringContaining('array') }],
      });
    });

    it("refuses a client token that is a peer's sync token or the token we call a peer with", () => {
      const caller = {
        site: 'practice-c',
        publicKey: exportPublicKey(generateSiteKeys().publicKey),
        url: 'http://127.0.0.1:8082',
        ourToken: 'we-call-practice-c-with-this',
      };
      expect(
        refusalOf({
          peers: [peer, caller],
          fhirClients: [patientApp, { ...ehr, token }, { ...ehr, token: caller.ourToken }],
        }),
      ).toMatchObject({
        code: 'INVALID_OPTION',
        issues: [
          {
            path: ['fhirClients', 1, 'token'],
            message: expect.stringContaining('sync token of peer hospital-d'),
          },
          {
            path: ['fhirClients', 2, 'token'],
            message: expect.stringContaining('call peer practice-c with'),
          },
        ],
      });
    });

    it('still refuses other unknown top-level fields', () => {
      expect(refusalOf({ peers: [peer], fhirClients: [], fhir: [] })).toMatchObject({
        issues: [{ path: ['fhir'], message: 'unknown field' }],
      });
    });
  });
});
