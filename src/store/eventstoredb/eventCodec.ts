import {
  binaryEvent,
  jsonEvent,
  type EventData,
  type JSONType,
  type RecordedEvent,
} from '@eventstore/db-client';
import { ChartlogError, type ValidationIssue } from '../../error/chartlogError.js';
import type { ChartEvent } from '../../event/chartEvent.js';
import { eventHash } from '../../event/eventHash.js';
import type { EventHash } from '../../event/ids.js';
import { uuidFromSha256 } from '../../event/uuidFromSha256.js';
import { checkAndEncode } from '../../event/validateEvent.js';
import { signatureCheck, signatureIntact } from '../signatureCheck.js';
import type { StreamNames } from './streamNames.js';

/** Metadata stored with each site event. */
interface SiteEventMetadata {
  /** Storage format of this adapter. */
  readonly chartlog: 1;
  /** The event hash, checked again on every read. */
  readonly hash: EventHash;
  /** The origin's signature, when the event was stored signed. */
  readonly sig?: string;
  /** With `sig`: its {@link signatureCheck} against `hash`, checked on every read. */
  readonly sigCheck?: string;
}

/** A site-stream record read back: the event (with its own signature only when intact) and what the read found. */
export interface DecodedSiteEvent {
  /** The event; `sig` is the record's own signature, present only when it passed its check. */
  readonly event: ChartEvent;
  /** The event hash (checked against the stored one). */
  readonly hash: EventHash;
  /** True when the record's signature failed its check or had none, and was left out. */
  readonly sigDamaged: boolean;
}

/**
 * The EventStoreDB event for a chart event: id = a UUID derived from the event's hash
 * (so a retried write carries the same id and the server's own idempotency applies,
 * while a different event at the same position, a fork, never passes for a retry: the
 * chart id names only the position), type = the clinical type, data = the event without
 * `sig` as JSON (its canonical encoding re-hashes to the same value), metadata =
 * `{ chartlog: 1, hash, sig?, sigCheck? }` (`sigCheck`: see {@link signatureCheck}).
 */
export function encodeSiteEvent(event: ChartEvent): EventData {
  const { sig, ...unsigned } = event;
  const hash = eventHash(event);
  const metadata: SiteEventMetadata = {
    chartlog: 1,
    hash,
    ...(sig === undefined ? {} : { sig, sigCheck: signatureCheck(hash, sig) }),
  };
  return jsonEvent({
    id: uuidFromSha256(`event|${hash}`),
    type: event.type,
    data: unsigned as unknown as JSONType,
    metadata: metadata as unknown as JSONType,
  });
}

/**
 * The chart event a site-stream record holds, checked: well-formed, its hash equal to
 * the stored one, and stored where it belongs (stream of its site, revision seq − 1).
 * Its signature is kept only when it matches its `sigCheck`: a damaged one, or one
 * stored without a check (as this adapter wrote before checks; nothing was released
 * then, and a check that may be absent would let damage that loses it pass), is left
 * out and flagged, the event kept: its hash vouches for it, and any later signed copy
 * gives it a signature again (through the signature overlay).
 * @throws ChartlogError `STORE_CORRUPT` naming the stream and revision.
 */
export function decodeSiteRecord(record: RecordedEvent, names: StreamNames): DecodedSiteEvent {
  const where = { stream: record.streamId, revision: String(record.revision) };
  const corrupt = (why: string, issues: readonly ValidationIssue[] = []): ChartlogError =>
    new ChartlogError('STORE_CORRUPT', `event ${record.streamId}@${record.revision} ${why}`, {
      issues,
      details: where,
    });
  const meta = record.metadata as Partial<SiteEventMetadata> | undefined;
  if (
    !record.isJson ||
    typeof record.data !== 'object' ||
    record.data === null ||
    Array.isArray(record.data) ||
    !meta ||
    typeof meta !== 'object' ||
    typeof meta.hash !== 'string'
  ) {
    throw corrupt('is not a chartlog event (no JSON data or no hash metadata)');
  }
  const sig = storedText(meta.sig);
  const sigIntact = signatureIntact(meta.hash, sig, storedText(meta.sigCheck));
  const value = sig !== null && sigIntact ? { ...(record.data as object), sig } : (record.data as object);
  // Stored events are read back whatever size limit the writer used.
  const checked = checkAndEncode(value, { maxBytes: Number.MAX_SAFE_INTEGER });
  if (checked.hash === undefined) throw corrupt('is malformed', checked.issues);
  const event = value as ChartEvent;
  const hash = checked.hash;
  if (hash !== meta.hash)
    throw corrupt(`hashes to ${hash.slice(0, 12)}… but was stored as ${meta.hash.slice(0, 12)}…`);
  if (record.streamId !== names.site(event.site) || record.revision !== BigInt(event.seq - 1))
    throw corrupt(
      `holds ${event.site} seq ${event.seq}, which belongs at ${names.site(event.site)}@${event.seq - 1}`,
    );
  return { event, hash, sigDamaged: !sigIntact };
}

/** {@link decodeSiteRecord}'s event alone, for readers that need only its content and hash. */
export function decodeSiteEvent(record: RecordedEvent, names: StreamNames): ChartEvent {
  return decodeSiteRecord(record, names).event;
}

/**
 * A link (`$>`, data `<revision>@<stream>`) from a record's index stream to a site event.
 * Its id is derived from what it points at, so a retried write carries the same id.
 */
export function encodeIndexLink(event: ChartEvent, names: StreamNames): EventData {
  const target = names.site(event.site);
  return binaryEvent({
    id: uuidFromSha256(`index|${target}|${event.seq}|${eventHash(event)}`),
    type: '$>',
    data: Buffer.from(`${event.seq - 1}@${target}`, 'utf8'),
  });
}

/** A stored text field: null when absent; a value of another type is damage, and `''` never matches a check. */
function storedText(value: unknown): string | null {
  if (value === undefined) return null;
  return typeof value === 'string' ? value : '';
}
