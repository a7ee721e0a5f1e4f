import type { ChartEvent } from './chartEvent.js';
import { encodeEvent } from './eventHash.js';
import type { EventId } from './ids.js';
import { uuidFromSha256 } from './uuidFromSha256.js';

/** The text {@link eventIdOf} hashes starts with this scheme and version, so a later scheme can never collide with it. */
const EVENT_ID_SCHEME = 'chartlog/event-id/v1\n';

/** An event as its id is derived from: everything but the id (and the signature, which no encoding covers). */
export type EventWithoutId = Omit<ChartEvent, 'id' | 'sig'> & {
  readonly id?: undefined;
  readonly sig?: undefined;
};

/**
 * The id of an event: derived from everything the event says but its id (docs/architecture.md,
 * "Event identity"). A name-based UUIDv8 (RFC 9562): the first 16 bytes of SHA-256 of the UTF-8 text
 * `chartlog/event-id/v1\n` followed by the event's canonical encoding without its `id`
 * member, with version nibble 8 and variant `10`.
 *
 * Because the content names the origin (`site`, `seq`, `prev`), no other site can mint
 * an event with this id, and two different events never share one (short of a SHA-256
 * collision). Because it names the content too, nobody can know an event's id before
 * the event exists: a `pred` or a retraction can only name an event its author has seen.
 *
 * @example
 * ```ts
 * const id = eventIdOf({ author, data, hlc, pred: {}, prev: null, seq: 1, site, stream, type, v: 1 });
 * ```
 */
export function eventIdOf(event: EventWithoutId): EventId {
  return eventIdOfEncoding(encodeEvent(event as unknown as ChartEvent));
}

/** {@link eventIdOf} from the event's canonical encoding without its `id` member. */
export function eventIdOfEncoding(encodedWithoutId: string): EventId {
  return uuidFromSha256(EVENT_ID_SCHEME + encodedWithoutId) as EventId;
}

/**
 * True when `id` is the id of the event whose canonical encoding (with that id in it) is
 * `encoded`. The caller has checked the envelope, so `id` has the form of an id.
 */
export function isIdOfEncoding(encoded: string, id: string): boolean {
  // In a valid envelope's canonical text the top-level id is the only `,"id":"<id>"`
  // followed by `,"pred":{`: members after it (pred's arrays of ids, prev, seq, site,
  // stream, type, v) cannot spell it, and data, before it, could only by holding the
  // event's own id, which depends on data. So the last such member is the top-level one.
  const member = `,"id":"${id}"`;
  const at = encoded.lastIndexOf(`${member},"pred":{`);
  if (at < 0) return false;
  return eventIdOfEncoding(encoded.slice(0, at) + encoded.slice(at + member.length)) === id;
}
