import { createHash } from 'node:crypto';

/**
 * The `sig_check` column of a signed `events` row (schema version 2): SHA-256, hex, of the
 * row's event hash and its signature. The row hash covers the event without `sig` (the
 * canonical encoding), so without this a damaged signature would read back cleanly and be
 * relayed; binding the check to the event hash also tells a signature moved onto another
 * row. It detects damage, not forgery: only the origin's public key can say a signature
 * is the origin's (ingest and `verify --keys` check that).
 */
export function signatureCheck(hash: string, sig: string): string {
  return createHash('sha256').update(hash, 'utf8').update('\u0000').update(sig, 'utf8').digest('hex');
}

/** Whether a row's stored signature still matches its check (a row without a signature has none to match). */
export function signatureIntact(hash: string, sig: string | null, check: string | null): boolean {
  if (sig === null) return check === null;
  return check !== null && signatureCheck(hash, sig) === check;
}
