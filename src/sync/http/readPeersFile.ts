import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { ChartlogError, type ValidationIssueInput } from '../../error/chartlogError.js';
import { isPlainObject } from '../../event/json.js';
import { isSiteId } from '../../event/ids.js';
import { createKeyring, type Keyring } from '../../replica/keyring.js';
import { MIN_TOKEN_LENGTH } from './peerAuth.js';
import { isSyncBaseUrl } from './syncBaseUrl.js';
import { normalizeCertificatePin, type HttpSyncTlsOptions } from './tlsFetch.js';
import { isPrivateKeyPem } from './siteKeyFile.js';

/** One trusted peer of a peers file. */
export interface PeerEntry {
  /** The peer's site id. */
  readonly site: string;
  /** Its Ed25519 public key, PEM. */
  readonly publicKey: string;
  /** The bearer token it presents when it calls our `serve`; absent: it may not call us (its events can still arrive relayed). */
  readonly token?: string;
  /** Its base URL (`http://host:port`), for `serve --sync-every` to call it; given together with {@link PeerEntry.ourToken}. */
  readonly url?: string;
  /** The bearer token we present when we call its `url`: the `token` its own peers file lists for our site. */
  readonly ourToken?: string;
  /**
   * How we check its `https://` url (its `ca` file's PEM or its certificate `pin`) and the client certificate
   * we present; absent: Node's public CAs.
   */
  readonly tls?: HttpSyncTlsOptions;
}

/** A peers file, read and checked by {@link readPeersFile}. */
export interface PeersFile {
  /** Where it was read from. */
  readonly path: string;
  /** Every trusted site, in file order. */
  readonly peers: readonly PeerEntry[];
  /** Bearer token → peer site, for `createSyncHandler`'s `peers`. */
  readonly tokens: Readonly<Record<string, string>>;
  /**
   * The file's `fhirClients` list as written (undefined when absent), for `chartlog/fhir`'s
   * `checkFhirClients(file.fhirClients, ['fhirClients'])`. Only checked here for what
   * concerns the whole file: no client holds a peer's token (`token` or `ourToken`).
   */
  readonly fhirClients?: unknown;
  /** A new keyring with every peer's key (each call a new one: a replica adds its own key to it). */
  keyring(): Keyring;
  /** Every peer's key by site, for `verifyEventLog`. */
  keys(): Map<string, KeyObject>;
}

/**
 * Reads a peers file (`chartlog serve --peers`, `verify --keys`): the sites this site trusts,
 * with their public keys, the bearer tokens they call us with, and where and how to call
 * them. Each site has its own peers file, listing the other sites.
 *
 * ```json
 * {
 *   "peers": [
 *     { "site": "hospital-d", "publicKeyFile": "hospital-d.key.pub", "token": "hospital-d-calls-us-with-this" },
 *     { "site": "practice-b", "publicKey": "-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----\n" },
 *     { "site": "practice-c", "publicKeyFile": "practice-c.key.pub", "token": "practice-c-calls-us-with-this",
 *       "url": "https://practice-c.example:8443", "ourToken": "we-call-practice-c-with-this", "ca": "practice-c-ca.crt" }
 *   ],
 *   "fhirClients": [
 *     { "token": "the-practice-ehr-calls-fhir-with-this", "scope": "read-write", "author": { "id": "ehr-service", "role": "system" } },
 *     { "token": "the-audit-dashboard-reads-with-this", "scope": "read" },
 *     { "token": "the-patient-app-of-p1-uses-this", "scope": "patient/*.read", "patient": "p1" }
 *   ]
 * }
 * ```
 *
 * Each peer has a `site` id and exactly one of `publicKey` (PEM text) or `publicKeyFile`
 * (a path, relative to the peers file; what `chartlog keygen` writes as `FILE.pub`).
 * `token` is optional: at least 16 characters, unique across the file. Sites listed
 * without a token are trusted for their signatures but may not call this site. A site
 * may list itself (its key must then be its own). `url` (an `http://` or `https://` base
 * URL) and `ourToken` (at least 16 characters: the `token` that peer's own peers file lists
 * for us) go together and are optional: they tell `chartlog serve --sync-every` where and
 * how to call that peer. With an `https://` url, `ca` (a CA certificate file) or `pin` (the
 * SHA-256 fingerprint of the peer's certificate, `openssl x509 -noout -fingerprint -sha256`)
 * says which server certificate to accept (neither: the public CAs), and `clientCert` with
 * `clientKey` (files) are the certificate we present to a peer requiring mutual TLS; files
 * are relative to the peers file. Other fields are refused, and so is a `publicKey` or
 * `publicKeyFile` holding a private key (a site's private key never leaves it).
 *
 * `fhirClients` (optional) lists the clients of the FHIR API: when it is present, even empty,
 * `chartlog serve` answers FHIR R4 under `/fhir`; absent, it does not. Each has a `token`
 * (at least 16 visible ASCII characters, unique, and held by no peer as `token` or
 * `ourToken`: this is checked here), a `scope` (`read`, `read-write`, or SMART v1 scopes such as
 * `patient/*.read user/Practitioner.read`), an `author` (`{ id, role?, org? }`, required when
 * the scope writes: its writes are recorded under it) and a `patient` (a FHIR id, required with
 * `patient/` scopes: the one record they reach). The list is returned as written: check it
 * with `checkFhirClients` from `chartlog/fhir`.
 *
 * @throws ChartlogError `INVALID_OPTION` with `issues` pointing at the offending fields
 *   (every problem of the file at once), `details.path` the file.
 * @example
 * ```ts
 * import { createSyncHandler, readPeersFile, readSiteKeyFile } from 'chartlog/http';
 * const peers = readPeersFile('practice-a.peers.json');
 * const replica = await createReplica({
 *   site: 'practice-a', keys: readSiteKeyFile('practice-a.key'), keyring: peers.keyring(), store, schema: clinicalSchema,
 * });
 * const handler = createSyncHandler(replica, { peers: peers.tokens });
 * ```
 */
export function readPeersFile(path: string): PeersFile {
  const { file, issues } = checkPeersFile(path);
  if (file === undefined || issues.length > 0)
    throw new ChartlogError('INVALID_OPTION', `peers file ${path} is not valid`, {
      issues,
      details: { path },
    });
  return file;
}

/**
 * {@link readPeersFile} without the throw for invalid content, for a caller that checks more
 * of the file (the CLI checks `fhirClients` too) and reports every problem at once: the file
 * (when it has no issues), its `fhirClients` as written (even when it has), and its issues.
 * An unreadable file or one that is not JSON still throws.
 * @throws ChartlogError `INVALID_OPTION` when the file cannot be read or is not JSON.
 */
export function checkPeersFile(path: string): {
  file: PeersFile | undefined;
  fhirClients: unknown;
  issues: ValidationIssueInput[];
} {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ChartlogError(
      'INVALID_OPTION',
      `cannot read peers file ${path}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`,
      { cause, details: { path } },
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new ChartlogError('INVALID_OPTION', `peers file ${path} is not JSON: ${(cause as Error).message}`, {
      cause,
      details: { path },
    });
  }
  const issues: ValidationIssueInput[] = [];
  const peers: PeerEntry[] = [];
  const tokens: Record<string, string> = {};
  const list =
    typeof raw === 'object' && raw !== null && !Array.isArray(raw)
      ? (raw as Record<string, unknown>)['peers']
      : undefined;
  if (!Array.isArray(list))
    issues.push({
      path: ['peers'],
      message: 'must be an array of { site, publicKey | publicKeyFile, token?, url?, ourToken? }',
    });
  else {
    for (const extra of Object.keys(raw as object))
      if (extra !== 'peers' && extra !== 'fhirClients')
        issues.push({ path: [extra], message: 'unknown field' });
    const seen = new Set<string>();
    list.forEach((entry: unknown, i) => {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
        return void issues.push({ path: ['peers', i], message: 'must be an object' });
      const e = entry as Record<string, unknown>;
      for (const extra of Object.keys(e))
        if (!PEER_FIELDS.includes(extra))
          issues.push({ path: ['peers', i, extra], message: 'unknown field' });
      const site = e['site'];
      if (typeof site !== 'string' || !isSiteId(site))
        return void issues.push({ path: ['peers', i, 'site'], message: 'must be a site id' });
      if (seen.has(site)) issues.push({ path: ['peers', i, 'site'], message: `${site} is listed twice` });
      seen.add(site);
      let publicKey: string | undefined;
      if (typeof e['publicKey'] === 'string' && e['publicKeyFile'] === undefined) publicKey = e['publicKey'];
      else if (typeof e['publicKeyFile'] === 'string' && e['publicKey'] === undefined) {
        const file = resolve(dirname(path), e['publicKeyFile']);
        try {
          publicKey = readFileSync(file, 'utf8');
        } catch (cause) {
          issues.push({
            path: ['peers', i, 'publicKeyFile'],
            message: `cannot read ${file}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`,
          });
        }
      } else
        issues.push({
          path: ['peers', i],
          message: 'needs exactly one of publicKey (PEM text) or publicKeyFile (a path)',
        });
      if (publicKey !== undefined && isPrivateKeyPem(publicKey)) {
        const field = e['publicKeyFile'] !== undefined ? 'publicKeyFile' : 'publicKey';
        const holder =
          field === 'publicKeyFile' ? resolve(dirname(path), e['publicKeyFile'] as string) : 'this PEM';
        issues.push({
          path: ['peers', i, field],
          message:
            `${holder} holds a private key: give the public key (the .pub file chartlog keygen writes), ` +
            'and keep the private key at its site',
        });
        publicKey = undefined;
      }
      const token = e['token'];
      if (token !== undefined) {
        if (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH)
          issues.push({
            path: ['peers', i, 'token'],
            message: `must be a string of at least ${MIN_TOKEN_LENGTH} characters`,
          });
        else if (tokens[token] !== undefined)
          issues.push({
            path: ['peers', i, 'token'],
            message: `the same token is given to ${tokens[token]}`,
          });
        else tokens[token] = site;
      }
      const problem = (field: string, message: string): void =>
        void issues.push({ path: ['peers', i, field], message });
      const call = checkPeerUrl(e, problem);
      const tls = checkPeerTls(e, dirname(path), problem);
      if (publicKey !== undefined)
        peers.push({
          site,
          publicKey,
          ...(typeof token === 'string' ? { token } : {}),
          ...call,
          ...(tls !== undefined ? { tls } : {}),
        });
    });
  }
  const fhirClients = isPlainObject(raw) ? raw['fhirClients'] : undefined;
  issues.push(...tokensSharedWithPeers(fhirClients, peers));
  if (issues.length > 0) return { file: undefined, fhirClients, issues };
  // Check every key now, so a bad one is a configuration error naming its site.
  const keyring = createKeyring(Object.fromEntries(peers.map((p) => [p.site, p.publicKey])));
  const file: PeersFile = {
    path,
    peers,
    tokens,
    ...(fhirClients !== undefined ? { fhirClients } : {}),
    keyring: () => createKeyring(Object.fromEntries(peers.map((p) => [p.site, p.publicKey]))),
    keys: () => new Map(keyring.sites().map((s) => [s, keyring.get(s) as KeyObject])),
  };
  return { file, fhirClients, issues };
}

/** A peer entry's `url` and `ourToken`, checked (both or neither); each problem goes to `problem`. */
function checkPeerUrl(
  e: Record<string, unknown>,
  problem: (field: string, message: string) => void,
): { url?: string; ourToken?: string } {
  const { url, ourToken } = e;
  if (url === undefined && ourToken === undefined) return {};
  if (url === undefined) {
    problem('ourToken', 'is only used with url (where we call this peer)');
    return {};
  }
  let failed = false;
  const fail = (field: string, message: string): void => {
    failed = true;
    problem(field, message);
  };
  if (typeof url !== 'string' || !isSyncBaseUrl(url))
    fail(
      'url',
      'must be an http:// or https:// base URL without user, password, query or fragment, e.g. http://127.0.0.1:8080',
    );
  if (ourToken === undefined)
    fail('url', "needs ourToken: the token this peer's own peers file lists for us");
  else if (typeof ourToken !== 'string' || ourToken.length < MIN_TOKEN_LENGTH)
    fail('ourToken', `must be a string of at least ${MIN_TOKEN_LENGTH} characters`);
  return !failed ? { url: url as string, ourToken: ourToken as string } : {};
}

const PEER_FIELDS = [
  'site',
  'publicKey',
  'publicKeyFile',
  'token',
  'url',
  'ourToken',
  'ca',
  'pin',
  'clientCert',
  'clientKey',
];

/** A peer entry's `ca`, `pin`, `clientCert` and `clientKey`, checked and read (files relative to `dir`); each problem goes to `problem`. */
function checkPeerTls(
  e: Record<string, unknown>,
  dir: string,
  problem: (field: string, message: string) => void,
): HttpSyncTlsOptions | undefined {
  const { ca, pin, clientCert, clientKey, url } = e;
  if (ca === undefined && pin === undefined && clientCert === undefined && clientKey === undefined)
    return undefined;
  const before = { failed: false };
  const fail = (field: string, message: string): void => {
    before.failed = true;
    problem(field, message);
  };
  if (typeof url !== 'string' || !url.startsWith('https://'))
    fail('url', 'ca, pin, clientCert and clientKey only apply to an https:// url');
  if (ca !== undefined && pin !== undefined) fail('pin', 'give ca or pin, not both');
  if (pin !== undefined && (typeof pin !== 'string' || normalizeCertificatePin(pin) === undefined))
    fail(
      'pin',
      "must be the SHA-256 fingerprint of the peer's certificate: 64 hex digits, colons optional (openssl " +
        'x509 -noout -fingerprint -sha256 -in peer.crt)',
    );
  if ((clientCert === undefined) !== (clientKey === undefined))
    fail(clientCert === undefined ? 'clientKey' : 'clientCert', 'clientCert and clientKey go together');
  const read = (field: string, value: unknown): string | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== 'string')
      return void fail(field, 'must be a file path (relative to the peers file)');
    const file = resolve(dir, value);
    try {
      return readFileSync(file, 'utf8');
    } catch (cause) {
      return void fail(
        field,
        `cannot read ${file}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`,
      );
    }
  };
  const [caPem, certPem, keyPem] = [
    read('ca', ca),
    read('clientCert', clientCert),
    read('clientKey', clientKey),
  ];
  if (before.failed) return undefined;
  return {
    ...(caPem !== undefined ? { ca: caPem } : {}),
    ...(typeof pin === 'string' ? { pin } : {}),
    ...(certPem !== undefined && keyPem !== undefined ? { cert: certPem, key: keyPem } : {}),
  };
}

/**
 * An issue for each FHIR client (`fhirClients[i].token`) that holds a peer's token, to call
 * us or to be called with: a FHIR app's token must not open sync, nor a peer's the FHIR API.
 */
function tokensSharedWithPeers(list: unknown, peers: readonly PeerEntry[]): ValidationIssueInput[] {
  if (!Array.isArray(list)) return [];
  const heldBy = new Map<string, string>();
  for (const peer of peers) {
    if (peer.ourToken !== undefined)
      heldBy.set(peer.ourToken, `the token we call peer ${peer.site} with (ourToken)`);
    if (peer.token !== undefined) heldBy.set(peer.token, `the sync token of peer ${peer.site}`);
  }
  const issues: ValidationIssueInput[] = [];
  list.forEach((entry: unknown, i) => {
    const token = isPlainObject(entry) ? entry['token'] : undefined;
    const held = typeof token === 'string' ? heldBy.get(token) : undefined;
    if (held !== undefined)
      issues.push({
        path: ['fhirClients', i, 'token'],
        message: `is also ${held}: give FHIR clients tokens of their own`,
      });
  });
  return issues;
}
