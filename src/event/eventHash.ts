import * as crypto from 'node:crypto';
import type { Author, ChartEvent } from './chartEvent.js';
import { canonicalJson } from './canonicalJson.js';
import type { EventHash } from './ids.js';
import type { Json } from './json.js';

/**
 * The canonical encoding of an event (docs/architecture.md, "The event"): deterministic JSON of every field
 * but `sig`. Its SHA-256 is the event hash; the hash chain and signatures cover it.
 *
 * Top-level keys are written in their sorted order by hand: this runs once per event
 * on every ingest, and skipping the generic key sort there is measurable.
 */
export function encodeEvent(event: ChartEvent): string {
  return (
    '{"author":' +
    encodeAuthor(event.author) +
    ',"data":' +
    canonicalJson(event.data) +
    ',"hlc":' +
    JSON.stringify(event.hlc) +
    // No id member while the id is being derived from the rest (see eventIdOf).
    (event.id === undefined ? '' : ',"id":' + JSON.stringify(event.id)) +
    ',"pred":' +
    canonicalJson(event.pred as unknown as Json) +
    ',"prev":' +
    (event.prev === null ? 'null' : JSON.stringify(event.prev)) +
    ',"seq":' +
    JSON.stringify(event.seq) +
    ',"site":' +
    JSON.stringify(event.site) +
    ',"stream":' +
    JSON.stringify(event.stream) +
    ',"type":' +
    JSON.stringify(event.type) +
    ',"v":' +
    JSON.stringify(event.v) +
    '}'
  );
}

function encodeAuthor(author: Author): string {
  let out = '{"id":' + JSON.stringify(author.id);
  if (author.org !== undefined) out += ',"org":' + JSON.stringify(author.org);
  if (author.role !== undefined) out += ',"role":' + JSON.stringify(author.role);
  return out + '}';
}

// A pure memo, not hand-over state: keyed by the event object, which is immutable (the
// writer, ingest and the stores freeze what they make), holding the value eventHash
// would compute from it anyway, and weak, so it lives no longer than the event. Whoever
// computes the hash first (the writer, ingest from the verified bytes, a store reading a
// row) records it; every later caller gets the same value, whoever it is.
const hashes = new WeakMap<ChartEvent, EventHash>();

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

// crypto.hash (Node >= 20.12) is a one-shot digest, about twice as fast as createHash
// for event-sized inputs; every write, ingest and store read hashes events.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

/** SHA-256 (hex) of an already-encoded canonical text. */
export const hashCanonical: (canonical: string) => EventHash = oneShot
  ? (canonical) => oneShot('sha256', canonical, 'hex') as EventHash
  : (canonical) => crypto.createHash('sha256').update(canonical, 'utf8').digest('hex') as EventHash;
