import { ChartlogError, type ValidationIssue } from '../error/chartlogError.js';
import type { ChartEvent } from './chartEvent.js';
import { checkAuthor } from './checkAuthor.js';
import { encodeEvent, hashCanonical, rememberHash } from './eventHash.js';
import { isIdOfEncoding } from './eventId.js';
import type { EventHash } from './ids.js';
import { isHlc } from './hlc.js';
import { isEventHash, isEventId, isSiteId, isStreamId, SITE_ID_PATTERN, STREAM_ID_PATTERN } from './ids.js';
import {
  checkJson,
  isCanonicalString,
  isPlainObject,
  jsonKeys,
  PROTO_KEY,
  PROTO_KEY_MESSAGE,
} from './json.js';

/** The default largest canonical size of one event: 1 MiB. */
export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

/** Pattern of an event type: dotted lower-case words, e.g. `medication.dose-changed`. */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

const FIELDS = new Set([
  'id',
  'site',
  'seq',
  'hlc',
  'prev',
  'stream',
  'type',
  'v',
  'data',
  'pred',
  'author',
  'sig',
]);
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Options for {@link validateEvent}. */
export interface ValidateEventOptions {
  /** Largest canonical encoding accepted, in bytes. @defaultValue {@link DEFAULT_MAX_EVENT_BYTES} */
  readonly maxBytes?: number;
}

/**
 * Checks that `value` is a well-formed {@link ChartEvent} (docs/architecture.md, "The event") and returns every
 * problem found, each with the path of the offending field; `[]` means valid. The
 * envelope only: whether `data` fits a schema is the chart's business.
 */
export function validateEvent(value: unknown, options: ValidateEventOptions = {}): ValidationIssue[] {
  const issues = envelopeIssues(value, true);
  if (issues.length === 0) {
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_EVENT_BYTES;
    const encoded = encodeEvent(value as ChartEvent);
    const size = Buffer.byteLength(encoded, 'utf8');
    if (size > maxBytes) issues.push(oversize(size, maxBytes));
    else issues.push(...idIssues(value as ChartEvent, encoded));
  }
  return issues;
}

/** The issue reported for an event whose encoding is `size` bytes, over `maxBytes`. */
export function oversize(size: number, maxBytes: number): ValidationIssue {
  return {
    severity: 'error',
    code: 'too-long',
    path: [],
    message: `event is ${size} bytes encoded, over the ${maxBytes}-byte limit`,
  };
}

/**
 * Every envelope problem but size and but whether the id is the one the content derives
 * (both need the canonical encoding: see {@link checkAndEncode}). `checkData: false` skips
 * walking `data` as JSON, for a writer that has just built it from a validated canonical copy.
 */
export function envelopeIssues(value: unknown, checkData: boolean): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const bad = (path: (string | number)[], message: string): void =>
    void issues.push({ severity: 'error', code: 'structure', path, message });
  if (!isPlainObject(value)) {
    bad([], 'an event must be a plain object');
    return issues;
  }
  for (const key of Object.keys(value)) if (!FIELDS.has(key)) bad([key], 'unknown field');
  const e = value;
  if (!isEventId(e['id']))
    bad(['id'], 'must be a lower-case UUIDv8 (the id eventIdOf derives from the event)');
  if (!isSiteId(e['site'])) bad(['site'], `must match ${SITE_ID_PATTERN}`);
  const seq = e['seq'];
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1)
    bad(['seq'], 'must be an integer >= 1');
  if (!isHlc(e['hlc'])) bad(['hlc'], 'must be an HLC stamp like 2026-11-23T19:49:34.123Z-000000');
  if (seq === 1) {
    if (e['prev'] !== null) bad(['prev'], 'must be null for seq 1');
  } else if (!isEventHash(e['prev'])) bad(['prev'], 'must be the 64-hex-digit hash of the previous event');
  if (!isStreamId(e['stream'])) bad(['stream'], `must match ${STREAM_ID_PATTERN}`);
  if (typeof e['type'] !== 'string' || !EVENT_TYPE_PATTERN.test(e['type']))
    bad(['type'], `must match ${EVENT_TYPE_PATTERN}`);
  const v = e['v'];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) bad(['v'], 'must be an integer >= 1');
  if (!isPlainObject(e['data'])) bad(['data'], 'must be a plain object');
  else if (checkData) issues.push(...checkJson(e['data'], ['data']));
  checkPred(e['pred'], bad);
  checkAuthor(e['author'], bad);
  if (e['sig'] !== undefined && (typeof e['sig'] !== 'string' || !BASE64.test(e['sig'])))
    bad(['sig'], 'must be base64 text');
  return issues;
}

/**
 * Asserts `value` is a well-formed {@link ChartEvent}.
 * @throws ChartlogError `OVERSIZE` when it is too large, `MALFORMED_EVENT` otherwise, with `issues`.
 */
export function assertChartEvent(
  value: unknown,
  options: ValidateEventOptions = {},
): asserts value is ChartEvent {
  throwIfIssues(validateEvent(value, options));
}

/** Throws `OVERSIZE` or `MALFORMED_EVENT` for a non-empty issue list. */
export function throwIfIssues(issues: readonly ValidationIssue[]): void {
  if (issues.length === 0) return;
  const tooBig = isOversize(issues);
  throw new ChartlogError(
    tooBig ? 'OVERSIZE' : 'MALFORMED_EVENT',
    tooBig ? 'event too large' : 'malformed event',
    { issues },
  );
}

/** True when the only problem in `issues` is the event's size (`OVERSIZE` rather than `MALFORMED_EVENT`). */
export function isOversize(issues: readonly ValidationIssue[]): boolean {
  return issues.length === 1 && issues[0]?.code === 'too-long';
}

/** What {@link checkAndEncode} found: the problems, or the event's canonical text and hash. */
export type CheckedEvent =
  | { readonly issues: readonly ValidationIssue[]; readonly encoded?: undefined; readonly hash?: undefined }
  | { readonly issues: readonly []; readonly encoded: string; readonly hash: EventHash };

/**
 * Validates an event and, when it is valid, returns its canonical encoding and hash
 * from a single encoding: what a store needs to check, hash and save an event without
 * encoding it three times.
 */
export function checkAndEncode(value: unknown, options: ValidateEventOptions = {}): CheckedEvent {
  const issues = envelopeIssues(value, true);
  if (issues.length > 0) return { issues };
  const event = value as ChartEvent;
  const encoded = encodeEvent(event);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const size = Buffer.byteLength(encoded, 'utf8');
  if (size > maxBytes) return { issues: [oversize(size, maxBytes)] };
  const wrongId = idIssues(event, encoded);
  if (wrongId.length > 0) return { issues: wrongId };
  const hash = hashCanonical(encoded);
  rememberHash(event, hash);
  return { issues: [], encoded, hash };
}

/**
 * {@link checkAndEncode} for an event whose canonical encoding is already known (made by
 * `decodeWireEvent` from the parsed event, never the bytes it arrived as): validates the
 * envelope and hashes `claimed` without encoding the event again. The hash is not
 * remembered here: ingest remembers it once the chain and the signature agree with it.
 */
export function checkClaimedEncoding(
  value: unknown,
  claimed: string,
  options: ValidateEventOptions = {},
): CheckedEvent {
  const issues = envelopeIssues(value, true);
  if (issues.length > 0) return { issues };
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const size = Buffer.byteLength(claimed, 'utf8');
  if (size > maxBytes) return { issues: [oversize(size, maxBytes)] };
  const wrongId = idIssues(value as ChartEvent, claimed);
  if (wrongId.length > 0) return { issues: wrongId };
  return { issues: [], encoded: claimed, hash: hashCanonical(claimed) };
}

/**
 * An event's id must be the one its content derives (`eventIdOf`, docs/architecture.md, "Event identity"): no site
 * can give its event another event's id, and nobody can name an event before it exists.
 * `encoded` is the event's canonical encoding, for a valid envelope.
 */
function idIssues(event: ChartEvent, encoded: string): ValidationIssue[] {
  if (isIdOfEncoding(encoded, event.id)) return [];
  return [
    {
      severity: 'error',
      code: 'invariant',
      path: ['id'],
      message:
        `is not the id derived from this event's content (eventIdOf): the event was altered after it was ` +
        `made, or claims another event's id`,
    },
  ];
}

function checkPred(pred: unknown, bad: (path: (string | number)[], message: string) => void): void {
  if (!isPlainObject(pred)) return bad(['pred'], 'must be a plain object (use {} when nothing was seen)');
  // Index loops, not Object.entries/forEach: this runs on every ingested event.
  const resources = jsonKeys(pred);
  for (let r = 0; r < resources.length; r++) {
    const resource = resources[r] as string;
    const fields = pred[resource];
    if (!isDataKey(resource)) {
      bad(
        ['pred', resource],
        resource === PROTO_KEY ? PROTO_KEY_MESSAGE : 'key is not well-formed Unicode NFC',
      );
      continue;
    }
    if (!isPlainObject(fields)) {
      bad(['pred', resource], 'must map field names to arrays of event ids');
      continue;
    }
    const names = Object.keys(fields);
    for (let f = 0; f < names.length; f++) {
      const field = names[f] as string;
      const ids = fields[field];
      if (!isDataKey(field)) {
        bad(
          ['pred', resource, field],
          field === PROTO_KEY ? PROTO_KEY_MESSAGE : 'key is not well-formed Unicode NFC',
        );
        continue;
      }
      if (!Array.isArray(ids)) {
        bad(['pred', resource, field], 'must be an array of event ids');
        continue;
      }
      for (let i = 0; i < ids.length; i++)
        if (!isEventId(ids[i]))
          bad(['pred', resource, field, i], 'must be an event id (a lower-case UUIDv8)');
    }
  }
}

/** A key `pred` may hold, as `data` may (see checkJson): NFC, and not `__proto__`. */
function isDataKey(key: string): boolean {
  return key !== PROTO_KEY && isCanonicalString(key);
}
