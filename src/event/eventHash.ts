import * as crypto from 'node:crypto';
import type { Author, ChartEvent } from './chartEvent.js';
import { canonicalJson } from './canonicalJson.js';
import type { EventHash } from './ids.js';
import type { Json } from './json.js';

/**
 * The canonical encoding of an event (DESIGN §2): deterministic JSON of every field
 * but `sig`. Its SHA-256 is the event hash; the hash chain and signatures cover it.
 *
 * Top-level keys are written in their sorted order by hand: this runs once per event
 * on every ingest, and skipping the generic key sort there is measurable.
 */
export function encodeEvent(event: ChartEvent): string {
  return (
    '{"author":' + encodeAuthor(event.author) +
    ',"data":' + canonicalJson(event.data) +
    ',"hlc":' + JSON.stringify(event.hlc) +
    // No id member while the id is being derived from the rest (see eventIdOf).
    (event.id === undefined ? '' : ',"id":' + JSON.stringify(event.id)) +
    ',"pred":' + canonicalJson(event.pred as unknown as Json) +
    ',"prev":' + (event.prev === null ? 'null' : JSON.stringify(event.prev)) +
    ',"seq":' + JSON.stringify(event.seq) +
    ',"site":' + JSON.stringify(event.site) +
    ',"stream":' + JSON.stringify(event.stream) +
    ',"type":' + JSON.stringify(event.type) +
    ',"v":' + JSON.stringify(event.v) +
    '}'
  );
}

function encodeAuthor(author: Author): string {
  let out = '{"id":' + JSON.stringify(author.id);
  if (author.org !== undefined) out += ',"org":' + JSON.stringify(author.org);
  if (author.role !== undefined) out += ',"role":' + JSON.stringify(author.role);
  return out + '}';
}

// Events are immutable, so a hash computed once stays right for that object.
const hashes = new WeakMap<ChartEvent, EventHash>();
// The canonical text of events just encoded or verified (by a writer, or by ingest
// after the chain and signature checks), until the store that saves it takes it: so an
// event is encoded once on its way in, not once per layer. Held for the most recent
// events only (two generations of ENCODINGS_HELD), not for each event's lifetime: a
// writer used without a store would otherwise keep ~600 bytes of text per event alive.
const ENCODINGS_HELD = 4096;
let encodings = new Map<ChartEvent, string>();
let olderEncodings = new Map<ChartEvent, string>();

/** SHA-256 (lower-case hex) of {@link encodeEvent}; cached per event object. */
export function eventHash(event: ChartEvent): EventHash {
  let hash = hashes.get(event);
  if (hash === undefined) {
    hash = hashCanonical(encodeEvent(event));
    hashes.set(event, hash);
  }
  return hash;
}

/** Records a hash just computed from the event's own encoding (writers, stores), so it is not recomputed. */
export function rememberHash(event: ChartEvent, hash: EventHash): void {
  hashes.set(event, hash);
}

/**
 * Records that `encoded` is the canonical encoding of `event` and `hash` its SHA-256, for
 * the store append that follows ({@link takeEncoding}). Only for deeply frozen events
 * whose encoding the caller computed or verified itself: a store trusts it as its own.
 * Ignored for an event that is not deeply frozen (the caller could still change it).
 */
export function rememberEncoding(event: ChartEvent, encoded: string, hash: EventHash): void {
  hashes.set(event, hash);
  if (!(Object.isFrozen(event) && Object.isFrozen(event.data) && Object.isFrozen(event.pred) && Object.isFrozen(event.author))) return;
  if (encodings.size >= ENCODINGS_HELD) {
    olderEncodings = encodings;
    encodings = new Map();
  }
  encodings.set(event, encoded);
}

/** The encoding {@link rememberEncoding} recorded for `event` (if still held), handed over once (it is forgotten). */
export function takeEncoding(event: ChartEvent): { readonly encoded: string; readonly hash: EventHash } | undefined {
  const encoded = encodings.get(event) ?? olderEncodings.get(event);
  if (encoded === undefined) return undefined;
  encodings.delete(event);
  olderEncodings.delete(event);
  const hash = hashes.get(event);
  return hash === undefined ? undefined : { encoded, hash };
}

// crypto.hash (Node >= 20.12) is a one-shot digest, about twice as fast as createHash
// for event-sized inputs; every write, ingest and store read hashes events.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

/** SHA-256 (hex) of an already-encoded canonical text. */
export const hashCanonical: (canonical: string) => EventHash = oneShot
  ? (canonical) => oneShot('sha256', canonical, 'hex') as EventHash
  : (canonical) => crypto.createHash('sha256').update(canonical, 'utf8').digest('hex') as EventHash;
