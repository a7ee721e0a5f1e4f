import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ChartlogError } from '../../error/chartlogError.js';
import {
  exportPrivateKey,
  exportPublicKey,
  generateSiteKeys,
  importPrivateKey,
  type SiteKeys,
} from '../../event/signature.js';

/** Where {@link writeSiteKeyFiles} put a site's keys. */
export interface SiteKeyFiles {
  /** The private key, PKCS#8 PEM, mode 0600. */
  readonly privateKeyFile: string;
  /** The public key, SPKI PEM: `<privateKeyFile>.pub`, for peers' peers files. */
  readonly publicKeyFile: string;
  /** The public key's PEM text. */
  readonly publicKey: string;
}

/**
 * Generates a site's Ed25519 key pair and writes it as `file` (private, mode 0600) and
 * `file.pub` (public): what `chartlog keygen --out FILE` does. Refuses to overwrite either
 * unless `force`.
 *
 * @param force - Overwrite existing files. @defaultValue `false`
 * @throws ChartlogError `INVALID_OPTION` when a file exists; `STORE_UNAVAILABLE` when it cannot be written.
 * @example
 * ```ts
 * const { publicKeyFile } = writeSiteKeyFiles('practice-a.key'); // give practice-a.key.pub to the peers
 * ```
 */
export function writeSiteKeyFiles(file: string, force = false): SiteKeyFiles {
  const publicKeyFile = `${file}.pub`;
  for (const f of [file, publicKeyFile])
    if (!force && existsSync(f))
      throw new ChartlogError('INVALID_OPTION', `${f} exists: refusing to overwrite a key (use --force)`, {
        details: { path: f },
      });
  const keys = generateSiteKeys();
  const publicKey = exportPublicKey(keys.publicKey);
  try {
    writeFileSync(file, exportPrivateKey(keys.privateKey), { mode: 0o600 });
    writeFileSync(publicKeyFile, publicKey);
  } catch (cause) {
    throw new ChartlogError(
      'STORE_UNAVAILABLE',
      `cannot write ${file}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`,
      { cause, details: { path: file } },
    );
  }
  return { privateKeyFile: file, publicKeyFile, publicKey };
}

/**
 * Reads a site's key pair from its private key file (PKCS#8 PEM, as `chartlog keygen` and
 * {@link writeSiteKeyFiles} write it): the `keys` a replica signs with.
 *
 * @throws ChartlogError `INVALID_OPTION` when the file is unreadable or not an Ed25519 private key.
 * @example
 * ```ts
 * import { readSiteKeyFile } from 'chartlog/http';
 * const replica = await createReplica({ site: 'practice-a', keys: readSiteKeyFile('practice-a.key'), store, schema: clinicalSchema });
 * ```
 */
export function readSiteKeyFile(file: string): SiteKeys {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ChartlogError(
      'INVALID_OPTION',
      `cannot read key file ${file}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`,
      { cause, details: { path: file } },
    );
  }
  try {
    const privateKey = importPrivateKey(pem);
    if (privateKey.asymmetricKeyType !== 'ed25519')
      throw new Error(`${String(privateKey.asymmetricKeyType)} key`);
    return { privateKey, publicKey: createPublicKey(privateKey) };
  } catch (cause) {
    throw new ChartlogError(
      'INVALID_OPTION',
      `key file ${file} is not an Ed25519 private key in PEM (make one with chartlog keygen)`,
      { cause, details: { path: file } },
    );
  }
}

/** True when `pem` holds a private key (of any kind): what must never be handed out as a public key. */
export function isPrivateKeyPem(pem: string): boolean {
  return /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/.test(pem);
}
