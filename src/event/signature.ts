import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { withSignature, type ChartEvent } from './chartEvent.js';
import { eventHash, rememberHash } from './eventHash.js';

/** An Ed25519 key pair for a site. The private key never leaves the site. */
export interface SiteKeys {
  /** Signs this site's chain heads. */
  readonly privateKey: KeyObject;
  /** Given to peers' keyrings so they can check those heads. */
  readonly publicKey: KeyObject;
}

/** Generates a fresh Ed25519 key pair for a site. */
export function generateSiteKeys(): SiteKeys {
  return generateKeyPairSync('ed25519');
}

/** Exports a public key as PEM text, for a peer's keyring or a config file. */
export function exportPublicKey(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/** Exports a private key as PKCS#8 PEM text, to keep in the site's secret store. */
export function exportPrivateKey(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Imports a PEM public key written by {@link exportPublicKey}. */
export function importPublicKey(pem: string): KeyObject {
  return createPublicKey(pem);
}

/** Imports a PEM private key written by {@link exportPrivateKey}. */
export function importPrivateKey(pem: string): KeyObject {
  return createPrivateKey(pem);
}

/**
 * Returns `event` signed by its origin: a *signed head* (docs/architecture.md, "The event"). Because each event
 * names the hash of the one before it, this one signature vouches for the site's events
 * 1..seq. The signature covers the event hash, which excludes `sig` itself.
 */
export function signEvent(event: ChartEvent, privateKey: KeyObject): ChartEvent {
  const hash = eventHash(event);
  const sig = sign(null, Buffer.from(hash, 'hex'), privateKey).toString('base64');
  const signed = withSignature(event, sig);
  // Same canonical encoding (it excludes sig), so the same hash: not computed again.
  rememberHash(signed, hash);
  return signed;
}

/** True when `event.sig` is a valid signature of the event's hash by `publicKey`. False when unsigned. */
export function verifyEventSignature(event: ChartEvent, publicKey: KeyObject): boolean {
  return event.sig !== undefined && verifyHashSignature(eventHash(event), event.sig, publicKey);
}

/**
 * True when `sig` is a valid signature of `hash` (an event hash) by `publicKey`: for
 * ingest, which has the hash of the bytes an event arrived as and must not cache it as
 * the event's hash before this check passes.
 */
export function verifyHashSignature(hash: string, sig: string, publicKey: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(hash, 'hex'), publicKey, Buffer.from(sig, 'base64'));
  } catch {
    // A key of the wrong type or a garbled signature is simply not a valid signature.
    return false;
  }
}
