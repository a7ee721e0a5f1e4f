/**
 * Branded identifiers. A plain string becomes one of these only through a guard or a
 * constructor here, so a `StreamId` can never be passed where a `SiteId` is meant.
 */

import { ChartlogError } from '../error/chartlogError.js';
import type { IdKind } from '../error/chartlogErrorDetails.js';

/** A site's id: `[a-z0-9][a-z0-9-]{0,63}`. */
export type SiteId = string & { readonly __brand: 'SiteId' };
/** A record's id, `<kind>/<key>`, e.g. `patient/0192…` or `schedule/clinic-a`. */
export type StreamId = string & { readonly __brand: 'StreamId' };
/**
 * An event's id: its idempotency key, derived from the event's own content by
 * {@link eventIdOf} (a name-based UUIDv8), so it belongs to that event alone.
 */
export type EventId = string & { readonly __brand: 'EventId' };
/** Lower-case hex SHA-256 of an event's canonical encoding. */
export type EventHash = string & { readonly __brand: 'EventHash' };

/** Pattern every {@link SiteId} matches. */
export const SITE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** Pattern every {@link StreamId} matches: a lower-case kind, a slash, a key of URL-safe characters. */
export const STREAM_ID_PATTERN = /^[a-z][a-z0-9-]{0,31}\/[A-Za-z0-9._~:@-]{1,128}$/;
/** Pattern every {@link EventId} matches: a lower-case UUID version 8, variant `10` (RFC 9562). */
export const EVENT_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** Pattern of an {@link EventHash}. */
export const EVENT_HASH_PATTERN = /^[0-9a-f]{64}$/;

/** True when `value` is a valid {@link SiteId}. */
export function isSiteId(value: unknown): value is SiteId {
  return typeof value === 'string' && SITE_ID_PATTERN.test(value);
}

/** True when `value` is a valid {@link StreamId}. */
export function isStreamId(value: unknown): value is StreamId {
  return typeof value === 'string' && STREAM_ID_PATTERN.test(value);
}

/**
 * True when `value` has the form of an {@link EventId} ({@link EVENT_ID_PATTERN}). Whether
 * it is the id of a given event is {@link eventIdOf}'s business.
 */
export function isEventId(value: unknown): value is EventId {
  return typeof value === 'string' && EVENT_ID_PATTERN.test(value);
}

/** True when `value` is a valid {@link EventHash}. */
export function isEventHash(value: unknown): value is EventHash {
  return typeof value === 'string' && EVENT_HASH_PATTERN.test(value);
}

/**
 * Brands `value` as a {@link SiteId}.
 * @throws ChartlogError `INVALID_ID` (`details.kind` `'site'`) when it does not match {@link SITE_ID_PATTERN}.
 */
export function siteId(value: string): SiteId {
  if (!isSiteId(value)) throw invalidId('site', value, SITE_ID_PATTERN);
  return value;
}

/**
 * Brands `value` as a {@link StreamId}.
 * @throws ChartlogError `INVALID_ID` (`details.kind` `'stream'`) when it does not match {@link STREAM_ID_PATTERN}.
 * @example streamId(`patient/${patientId}`)
 */
export function streamId(value: string): StreamId {
  if (!isStreamId(value)) throw invalidId('stream', value, STREAM_ID_PATTERN);
  return value;
}

/**
 * The error for a value that is not the `kind` of identifier it must be (matching `pattern`).
 *
 * @example
 * ```ts
 * throw invalidId('patient', given, FHIR_ID_PATTERN); // INVALID_ID, details { kind: 'patient', value: given }
 * ```
 */
export function invalidId(
  kind: IdKind,
  value: unknown,
  pattern: RegExp | string,
): ChartlogError<'INVALID_ID'> {
  const what = kind === 'hlc' ? 'an HLC stamp' : `a ${kind} id`;
  return new ChartlogError('INVALID_ID', `not ${what}: ${JSON.stringify(value)}`, {
    details: { kind, value },
    issues: [{ code: 'value', path: [], message: `must match ${String(pattern)}` }],
  });
}
