import { createPublicKey, type KeyObject } from 'node:crypto';
import { ChartlogError } from '../error/chartlogError.js';
import { isSiteId, type SiteId } from '../event/ids.js';

/** A public key as a `KeyObject` or as PEM text (what {@link exportPublicKey} writes). */
export type PublicKeyInput = KeyObject | string;

/**
 * The sites a replica trusts, each with the Ed25519 public key its signed heads must
 * verify under (docs/architecture.md, "The event"). Events of a site not in the keyring are refused on ingest
 * as `unknown-site-key`; events signed by any other key as `bad-signature`.
 */
export interface Keyring {
  /** The site's public key, if trusted. */
  get(site: string): KeyObject | undefined;
  /** True when the site is trusted. */
  has(site: string): boolean;
  /**
   * Trusts a site's key. Replacing a site's key with a different one is refused (it would
   * let the new key vouch for the old key's events); rotate keys with a new site id.
   * @throws ChartlogError `INVALID_OPTION` for a bad site id, a key that is not Ed25519, or a different key for a trusted site.
   */
  set(site: string, key: PublicKeyInput): void;
  /** Every trusted site, sorted. */
  sites(): SiteId[];
}

/**
 * Creates a {@link Keyring}.
 *
 * @example
 * ```ts
 * const keyring = createKeyring({ 'practice-a': exportPublicKey(keysA.publicKey), hospital: keysH.publicKey });
 * keyring.set('practice-b', pemFromConfig);
 * ```
 */
export function createKeyring(entries: Readonly<Record<string, PublicKeyInput>> = {}): Keyring {
  const keys = new Map<string, KeyObject>();
  const keyring: Keyring = {
    get: (site) => keys.get(site),
    has: (site) => keys.has(site),
    set(site, input) {
      if (!isSiteId(site))
        throw new ChartlogError('INVALID_OPTION', `not a site id: ${JSON.stringify(site)}`, {
          details: { site },
        });
      const key = toPublicKey(site, input);
      const held = keys.get(site);
      if (held !== undefined && !held.equals(key))
        throw new ChartlogError('INVALID_OPTION', `${site} is already trusted with a different key`, {
          details: { site },
        });
      keys.set(site, key);
    },
    sites: () => [...keys.keys()].sort() as SiteId[],
  };
  for (const [site, key] of Object.entries(entries)) keyring.set(site, key);
  return keyring;
}

function toPublicKey(site: string, input: PublicKeyInput): KeyObject {
  let key: KeyObject;
  try {
    key =
      typeof input === 'string'
        ? createPublicKey(input)
        : input.type === 'private'
          ? createPublicKey(input)
          : input;
  } catch (cause) {
    throw new ChartlogError('INVALID_OPTION', `the key given for ${site} is not a readable public key`, {
      cause,
      details: { site },
    });
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new ChartlogError(
      'INVALID_OPTION',
      `the key given for ${site} is ${String(key.asymmetricKeyType)}, not Ed25519`,
      { details: { site } },
    );
  return key;
}
