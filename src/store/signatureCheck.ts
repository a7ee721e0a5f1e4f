import { createHash } from 'node:crypto';

/**
 * The checksum stored beside a signature (SQLite: the `sig_check` column, schema version 2;
 * EventStoreDB: `sigCheck` in the event's metadata or in its `<prefix>-signatures` entry):
 * SHA-256, hex, of the event hash and the signature. A store re-hashes an event on read,
 * but that hash covers the event without `sig` (the canonical encoding), so without this a
 * damaged signature would read back cleanly and be relayed; binding the check to the event
 * hash also tells a signature moved onto another event. It detects damage, not forgery:
 * only the origin's public key can say a signature is the origin's (ingest and
 * `verify --keys` check that).
 *
 * @example
 * ```ts
 * const check = signatureCheck(eventHash(event), event.sig);
 * signatureIntact(eventHash(event), event.sig, check); // true
 * ```
 */
export function signatureCheck(hash: string, sig: string): string {
  return createHash('sha256').update(hash, 'utf8').update('\u0000').update(sig, 'utf8').digest('hex');
}

/**
 * Whether a stored signature still matches its check. No signature matches only no check
 * (a check without its signature means the signature was lost); a signature without a
 * check never matches, so a store cannot be made to skip the check by losing it.
 */
export function signatureIntact(hash: string, sig: string | null, check: string | null): boolean {
  if (sig === null) return check === null;
  return check !== null && signatureCheck(hash, sig) === check;
}
