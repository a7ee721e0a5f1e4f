import type { KeyObject } from 'node:crypto';
import { ChartlogError, type ValidationIssue } from '../error/chartlogError.js';
import type { Author, ChartEvent, EventData, EventPred } from './chartEvent.js';
import { eventIdOfEncoding } from './eventId.js';
import type { EncodingHandover } from './encodingHandover.js';
import { encodeEvent, hashCanonical, rememberHash } from './eventHash.js';
import { copyCanonicalJson, type CanonicalCopy } from './copyJson.js';
import { createHybridClock, type HybridClock } from './hybridClock.js';
import type { EventHash, EventId, SiteId, StreamId } from './ids.js';
import { isSiteId } from './ids.js';
import { isPlainObject } from './json.js';
import { isStrictlySorted } from './isStrictlySorted.js';
import { signEvent } from './signature.js';
import { DEFAULT_MAX_EVENT_BYTES, envelopeIssues, oversize, throwIfIssues } from './validateEvent.js';

/** The last event a site wrote: where its next event chains on. */
export interface SiteHead {
  /** Seq of the last event (0 before the first). */
  readonly seq: number;
  /** Hash of the last event (null before the first). */
  readonly hash: EventHash | null;
}

/** What a caller supplies to record one event; the writer fills in the rest. */
export interface EventDraft {
  /** The record it belongs to. */
  readonly stream: StreamId;
  /** Clinical event type, e.g. `allergy.recorded`. */
  readonly type: string;
  /** Schema version of `data`. @defaultValue `1` */
  readonly v?: number;
  /** The payload. */
  readonly data: EventData;
  /** Per written field, the writes seen as current. @defaultValue `{}` */
  readonly pred?: EventPred;
  /** Who is recording it. */
  readonly author: Author;
}

/** Options for {@link createEventWriter}. */
export interface EventWriterOptions {
  /** This site's id. */
  readonly site: SiteId;
  /** The site's clock. @defaultValue a new {@link createHybridClock} on `Date.now` */
  readonly clock?: HybridClock;
  /** Where the site's chain currently ends (from its store). @defaultValue `{ seq: 0, hash: null }` */
  readonly head?: SiteHead;
  /** Sign a head every `every` events with this key (docs/architecture.md, "The event"). @defaultValue unsigned */
  readonly signing?: { readonly privateKey: KeyObject; readonly every?: number };
  /** Largest encoded event, in bytes. @defaultValue 1 MiB */
  readonly maxBytes?: number;
  /**
   * Where the writer leaves each event's canonical encoding for the store append that
   * follows (`EventLog.append(events, { encodings })`), so the store does not encode it
   * again. @defaultValue none: the store encodes each event itself
   */
  readonly encodings?: EncodingHandover;
}

/**
 * Creates a site's events: dense seq, HLC stamp, an id derived from the event's content (`eventIdOf`), hash
 * chain, periodic signed heads.
 */
export interface EventWriter {
  /** The site this writer records for. */
  readonly site: SiteId;
  /** Where the chain ends now. */
  readonly head: SiteHead;
  /**
   * Builds, validates and returns the next event. Nothing advances when it throws.
   * @throws ChartlogError `MALFORMED_EVENT` / `OVERSIZE` naming the offending field.
   */
  append(draft: EventDraft): ChartEvent;
  /** Builds several events as one unit: all or, on a throw, none. */
  appendAll(drafts: readonly EventDraft[]): ChartEvent[];
  /** Returns the head event signed (a signed head), e.g. before answering a sync; undefined before any event or without a key. */
  signHead(): ChartEvent | undefined;
}

/**
 * Creates an {@link EventWriter} for one site.
 *
 * @example
 * ```ts
 * const writer = createEventWriter({ site: siteId('practice-a') });
 * const event = writer.append({ stream, type: 'allergy.recorded', data, author: { id: 'dr-1' } });
 * ```
 */
export function createEventWriter(options: EventWriterOptions): EventWriter {
  if (!isSiteId(options.site))
    throw new ChartlogError('INVALID_OPTION', `not a site id: ${JSON.stringify(options.site)}`);
  const site = options.site;
  const clock = options.clock ?? createHybridClock();
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const signEvery = options.signing?.every ?? 256;
  if (!Number.isInteger(signEvery) || signEvery < 1)
    throw new ChartlogError('INVALID_OPTION', `signing.every must be a positive integer, got ${signEvery}`);
  let head: SiteHead = options.head ?? { seq: 0, hash: null };
  let last: ChartEvent | undefined;

  const encodings = options.encodings;
  const build = (
    draft: EventDraft,
    at: SiteHead,
  ): { readonly event: ChartEvent; readonly encoded: string; readonly hash: EventHash } => {
    if (!isPlainObject(draft))
      throw new ChartlogError('MALFORMED_EVENT', 'an event draft must be an object', {
        issues: [{ path: [], message: 'not an object' }],
      });
    // One walk validates the caller's payload and takes a frozen NFC copy of it, so the
    // event never aliases objects the caller may mutate later.
    const issues: ValidationIssue[] = [];
    const order: CanonicalCopy = { ordered: true };
    const data = copyCanonicalJson(draft.data, ['data'], issues, undefined, order);
    const pred = copyCanonicalJson(draft.pred ?? {}, ['pred'], issues, undefined, order);
    const author = copyCanonicalJson(draft.author, ['author'], issues, undefined, order);
    throwIfIssues(issues);
    const hlc = clock.now();
    // Members in canonical (sorted) order, as every event chartlog builds: see encodeEvent.
    const prev = at.hash;
    const seq = at.seq + 1;
    const stream = draft.stream;
    const type = draft.type;
    const v = draft.v ?? 1;
    const normalizedPred = normalizePred(pred as EventPred);
    // The id is derived from everything else the event says (eventIdOf): encode it
    // without an id first, natively when the copy's key order is canonical.
    const body = {
      author: author as unknown as Author,
      data: data as EventData,
      hlc,
      pred: normalizedPred,
      prev,
      seq,
      site,
      stream,
      type,
      v,
    };
    const id = eventIdOfEncoding(
      order.ordered ? JSON.stringify(body) : encodeEvent(body as unknown as ChartEvent),
    );
    const event: ChartEvent = Object.freeze({
      author: body.author,
      data: body.data,
      hlc,
      id,
      pred: normalizedPred,
      prev,
      seq,
      site,
      stream,
      type,
      v,
    });
    const envelope = envelopeIssues(event, false);
    throwIfIssues(envelope);
    // Encode once: the same bytes give the size check, the hash the chain needs, and the
    // text the store saves. A copy in canonical key order stringifies canonically, natively.
    const encoded = order.ordered ? JSON.stringify(event) : encodeEvent(event);
    const size = Buffer.byteLength(encoded, 'utf8');
    if (size > maxBytes) throwIfIssues([oversize(size, maxBytes)]);
    const hash = hashCanonical(encoded);
    rememberHash(event, hash);
    return { event, encoded, hash };
  };

  const writer: EventWriter = {
    site,
    get head() {
      return head;
    },
    append(draft) {
      return writer.appendAll([draft])[0] as ChartEvent;
    },
    appendAll(drafts) {
      const out: ChartEvent[] = [];
      let at = head;
      for (const draft of drafts) {
        const built = build(draft, at);
        let event = built.event;
        // A signed copy has the same canonical encoding (it excludes sig): hand over that.
        if (options.signing && event.seq % signEvery === 0)
          event = signEvent(event, options.signing.privateKey);
        encodings?.remember(event, built.encoded, built.hash);
        out.push(event);
        at = { seq: event.seq, hash: built.hash };
      }
      head = at;
      if (out.length > 0) last = out[out.length - 1];
      return out;
    },
    signHead() {
      if (!last || !options.signing) return undefined;
      if (last.sig === undefined) last = signEvent(last, options.signing.privateKey);
      return last;
    },
  };
  return writer;
}

/** Sorted, de-duplicated pred ids, so the same knowledge always encodes the same way. */
function normalizePred(pred: EventPred): EventPred {
  const out: Record<string, Record<string, readonly EventId[]>> = {};
  for (const resource of Object.keys(pred).sort()) {
    const fields = pred[resource];
    if (!isPlainObject(fields)) {
      out[resource] = fields as never; // left for validation to report with its path
      continue;
    }
    const copy: Record<string, readonly EventId[]> = {};
    for (const field of Object.keys(fields).sort()) {
      const ids = fields[field];
      copy[field] = Array.isArray(ids)
        ? isStrictlySorted(ids)
          ? ids
          : Object.freeze([...new Set(ids)].sort())
        : (ids as never);
    }
    out[resource] = Object.freeze(copy);
  }
  return Object.freeze(out);
}
