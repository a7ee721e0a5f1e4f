import { withSignature, withoutSignature, type ChartEvent } from './chartEvent.js';
import { freezeDeep } from './freezeDeep.js';
import { internString } from './internStrings.js';
import { isPlainObject, jsonKeys } from './json.js';
import { eventNestingIssue } from './nestingDepth.js';

/**
 * How an event travels between replicas: one line of JSON holding the event's canonical
 * encoding verbatim, and its signature beside it when it has one:
 *
 * ```text
 * {"e":{"author":{…},"data":{…},…,"v":1}}
 * {"e":{"author":{…},"data":{…},…,"v":1},"sig":"base64…"}
 * ```
 *
 * The bytes after `{"e":` are the bytes the origin hashed, so a receiver hashes that
 * slice of the line as it is instead of encoding the parsed event again: the chain and
 * the signature then prove the slice authentic, or the receiver falls back to encoding
 * the parsed event itself (see {@link takeClaimedEncoding}). Any JSON writer can produce a
 * line chartlog accepts; only the fast path needs the sender to keep canonical bytes.
 */
export function encodeWireEvent(event: ChartEvent): string {
  // chartlog builds events with their members in canonical order and parsing keeps the
  // order, so the native stringify is the canonical encoding, except for objects with
  // array-index keys (JavaScript lists those first) or events a caller built in another
  // order; for those the receiver's check fails and it encodes the event itself, which
  // is always right and costs what every event cost before this fast path.
  const body = JSON.stringify(withoutSignature(event));
  return event.sig === undefined ? `{"e":${body}}` : `{"e":${body},"sig":${JSON.stringify(event.sig)}}`;
}

// The slice of its line each decoded event arrived as: its canonical encoding *if* the
// sender kept canonical bytes. Unverified until ingest checks it against the hash chain
// and the signature, so it is never used as the event's hash before that.
const claims = new WeakMap<ChartEvent, string>();

/**
 * Parses one wire line ({@link encodeWireEvent}) into a frozen event object (with `sig`
 * when the line carries one), remembering the bytes it claims as its canonical encoding.
 * Returns the parsed value unchanged when the line is JSON but not an event line, and the
 * parsed event unfrozen when it is nested deeper than any event may be (ingest refuses
 * either with its reason), and undefined when the line is not JSON.
 */
export function decodeWireEvent(line: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isPlainObject(value) || !isPlainObject(value['e'])) return value;
  const sig = value['sig'];
  const keys = Object.keys(value).length;
  if (sig === undefined ? keys !== 1 : keys !== 2 || typeof sig !== 'string') return value;
  const e = value['e'] as unknown as ChartEvent;
  // Freezing recurses: an event nested too deep for that goes to ingest unfrozen, to be
  // refused (naming its site, seq and the path that is too deep).
  if (eventNestingIssue(e) !== undefined) return e;
  // Frozen before the signature is added: freezing stops at an already frozen object.
  freezeParsedEvent(e as unknown as Record<string, unknown>);
  const event = sig === undefined ? e : withSignature(e, sig as string);
  // The claim is the text between `{"e":` and the closing member, when the line is
  // framed exactly so (no whitespace, `e` first); otherwise there is nothing to claim.
  const tail = sig === undefined ? '}' : `,"sig":${JSON.stringify(sig as string)}}`;
  if (line.startsWith('{"e":{') && line.endsWith(tail)) claims.set(event, line.slice(5, line.length - tail.length));
  return event;
}

/**
 * Deep-freezes a freshly parsed event and, on the way, swaps its repeated short strings
 * (site, stream, type, author, values in `data`) for shared copies (see internString):
 * one walk for both. Ids, stamps, hashes and `pred` are unique per event: left alone.
 */
function freezeParsedEvent(e: Record<string, unknown>): void {
  for (const key of ['site', 'stream', 'type'] as const) {
    const v = e[key];
    if (typeof v === 'string') e[key] = internString(v);
  }
  for (const key of ['data', 'author'] as const) {
    const v = e[key];
    if (typeof v === 'object' && v !== null) internAndFreeze(v, key === 'data');
  }
  const pred = e['pred'];
  if (typeof pred === 'object' && pred !== null && !Array.isArray(pred)) {
    // Keyed by resource ids like data: walked by jsonKeys (see there), its fields by freezeDeep.
    const resources = jsonKeys(pred);
    for (let i = 0; i < resources.length; i++) {
      const fields = (pred as Record<string, unknown>)[resources[i] as string];
      if (typeof fields === 'object' && fields !== null) freezeDeep(fields);
    }
    Object.freeze(pred);
  } else if (typeof pred === 'object' && pred !== null) freezeDeep(pred);
  Object.freeze(e);
}

/** `unique`: the object's keys are unique to it (an event payload's resource ids): walked by jsonKeys. */
function internAndFreeze(value: object, unique = false): void {
  if (Object.isFrozen(value)) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'string') value[i] = internString(v);
      else if (typeof v === 'object' && v !== null) internAndFreeze(v);
    }
  } else {
    const o = value as Record<string, unknown>;
    const keys = unique ? jsonKeys(o) : Object.keys(o);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const v = o[key];
      if (typeof v === 'string') o[key] = internString(v);
      else if (typeof v === 'object' && v !== null) internAndFreeze(v);
    }
  }
  Object.freeze(value);
}

/**
 * The bytes `event` arrived as, claimed to be its canonical encoding, when it was
 * decoded by {@link decodeWireEvent}; handed over once (forgotten here). A claim proves
 * nothing by itself: ingest hashes it and accepts the hash only when the chain and the
 * origin's signature agree with it.
 */
export function takeClaimedEncoding(event: ChartEvent): string | undefined {
  const claim = claims.get(event);
  // Forgotten at once: a claim is a slice of the whole message text, and holding it for
  // the event's lifetime would keep every message ever received in memory.
  if (claim !== undefined) claims.delete(event);
  return claim;
}
