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
 * A receiver encodes the parsed event natively (`JSON.stringify`, no key sort) when
 * every object of it arrived with its keys in canonical order, which is what this writes;
 * otherwise it encodes the event generically. Either way the hash it checks against the
 * chain and the signature is the hash of the event's canonical encoding, never of the
 * bytes as they arrived (see {@link takeClaimedEncoding}). Any JSON writer can produce a
 * line chartlog accepts; only the native path needs the sender to keep canonical order.
 */
export function encodeWireEvent(event: ChartEvent): string {
  // chartlog builds events with their members in canonical order and parsing keeps the
  // order, so the native stringify is the canonical encoding, except for objects with
  // array-index keys (JavaScript lists those first) or events a caller built in another
  // order; for those the receiver sees a key out of order and encodes the event
  // generically, which is always right and costs what every event cost before.
  const body = JSON.stringify(withoutSignature(event));
  return event.sig === undefined ? `{"e":${body}}` : `{"e":${body},"sig":${JSON.stringify(event.sig)}}`;
}

// The canonical encoding of each decoded event whose key order allowed encoding it
// natively, until ingest takes it. Never the bytes of the line: those are whatever the
// sender wrote (duplicate keys, whitespace, `C,"e":C`), and a hostile origin can sign them.
const claims = new WeakMap<ChartEvent, string>();

/**
 * Parses one wire line ({@link encodeWireEvent}) into a frozen event object (with `sig`
 * when the line carries one), remembering its canonical encoding when the parsed key
 * order lets `JSON.stringify` produce it. Returns the parsed value unchanged when the
 * line is JSON but not an event line, and the parsed event unfrozen when it is nested
 * deeper than any event may be (ingest refuses either with its reason), and undefined
 * when the line is not JSON.
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
  const sorted = freezeParsedEvent(e as unknown as Record<string, unknown>);
  const event = sig === undefined ? e : withSignature(e, sig as string);
  // JSON.parse builds only plain objects, arrays and primitives, and JSON.stringify
  // writes their own keys in property order and numbers and strings exactly as
  // canonicalJson does: with every key order sorted it *is* encodeEvent (without a `sig`
  // member, which the encoding leaves out). The walk checks the key order of data, author and pred;
  // ingest hashes this only for a valid envelope, whose other members are scalars, whose
  // pred fields hold only id strings, and whose strings are NFC.
  if (sorted && !Object.hasOwn(e, 'sig')) claims.set(event, JSON.stringify(e));
  return event;
}

/**
 * Deep-freezes a freshly parsed event and, on the way, swaps its repeated short strings
 * (site, stream, type, author, values in `data`) for shared copies (see internString):
 * one walk for both. Ids, stamps, hashes and `pred` are unique per event: left alone.
 * Returns true when every object of the event holds its keys in canonical (sorted)
 * order, told by the same walk.
 */
function freezeParsedEvent(e: Record<string, unknown>): boolean {
  for (const key of ['site', 'stream', 'type'] as const) {
    const v = e[key];
    if (typeof v === 'string') e[key] = internString(v);
  }
  let sorted = isSorted(Object.keys(e));
  for (const key of ['data', 'author'] as const) {
    const v = e[key];
    if (typeof v === 'object' && v !== null) sorted = internAndFreeze(v, key === 'data') && sorted;
  }
  const pred = e['pred'];
  if (typeof pred === 'object' && pred !== null && !Array.isArray(pred)) {
    // Keyed by resource ids like data: walked by jsonKeys (see there).
    const resources = jsonKeys(pred);
    sorted &&= isSorted(resources);
    for (let i = 0; i < resources.length; i++) {
      const fields = (pred as Record<string, unknown>)[resources[i] as string];
      if (typeof fields === 'object' && fields !== null) {
        if (!Array.isArray(fields)) sorted &&= isSorted(Object.keys(fields));
        freezeDeep(fields);
      }
    }
    Object.freeze(pred);
  } else if (typeof pred === 'object' && pred !== null) freezeDeep(pred);
  Object.freeze(e);
  return sorted;
}

/**
 * `unique`: the object's keys are unique to it (an event payload's resource ids): walked
 * by jsonKeys. Returns true when every object met holds its keys in sorted order.
 */
function internAndFreeze(value: object, unique = false): boolean {
  // Never true of a freshly parsed value: an unknown order is not a canonical one.
  if (Object.isFrozen(value)) return false;
  let sorted = true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'string') value[i] = internString(v);
      else if (typeof v === 'object' && v !== null) sorted = internAndFreeze(v) && sorted;
    }
  } else {
    const o = value as Record<string, unknown>;
    const keys = unique ? jsonKeys(o) : Object.keys(o);
    sorted = isSorted(keys);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const v = o[key];
      if (typeof v === 'string') o[key] = internString(v);
      else if (typeof v === 'object' && v !== null) sorted = internAndFreeze(v) && sorted;
    }
  }
  Object.freeze(value);
  return sorted;
}

/** True when `keys` are in strictly increasing UTF-16 order, the canonical key order (canonicalJson). */
function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (!((keys[i - 1] as string) < (keys[i] as string))) return false;
  return true;
}

/**
 * The canonical encoding of `event` that {@link decodeWireEvent} computed natively, when
 * the event's key order allowed it; handed over once (forgotten here). It is the
 * encoding of the parsed event, not the bytes it arrived as, so its hash is the event's
 * hash: the hash chain and the origin's signature are checked against that, and a
 * store given it holds canonical bytes only.
 */
export function takeClaimedEncoding(event: ChartEvent): string | undefined {
  const claim = claims.get(event);
  // Forgotten at once: ingest takes it for the store append that follows, and holding
  // it for the event's lifetime would keep a second copy of every event received.
  if (claim !== undefined) claims.delete(event);
  return claim;
}
