import type { EventId, SiteId } from './ids.js';
import { uuidFromSha256 } from './uuidFromSha256.js';

/** The text {@link eventIdOf} hashes names this scheme and its version, so a later scheme can never collide with it. */
const EVENT_ID_SCHEME = 'chartlog/event-id/v1';

/**
 * The id of the event at `(site, seq)`: a pure function of its origin (DESIGN §2, §8).
 * A name-based UUIDv8 (RFC 9562): the first 16 bytes of SHA-256 of the UTF-8 text
 * `chartlog/event-id/v1\n<site>\n<seq>`, version 8, variant `10`.
 *
 * Because the id is derived from the origin, no other site can mint it (every store and
 * ingest refuse an event whose `id` is not `eventIdOf(site, seq)`), and two different
 * events share an id only when they are one site's fork at one seq, which stores refuse.
 *
 * @example
 * ```ts
 * eventIdOf(siteId('practice-a'), 1) // the same on every machine, forever
 * ```
 */
export function eventIdOf(site: SiteId, seq: number): EventId {
  return uuidFromSha256(`${EVENT_ID_SCHEME}\n${site}\n${seq}`) as EventId;
}
