import type { RefusalCode } from './refusalCode.js';
import type { Hlc } from '../event/hlc.js';
import type { SiteId } from '../event/ids.js';

export { refusalCodeOf, type RefusalCode } from './refusalCode.js';

/** A refusal reason: a code to branch on and a message to show an operator. */
export interface RefusalReason {
  /** What kind of refusal. */
  readonly code: RefusalCode;
  /** What was wrong, in words. */
  readonly message: string;
}

/** One refused input event. */
export interface IngestRefusal {
  /** Its position in the ingested array. */
  readonly index: number;
  /** Its site, when it had a readable one. */
  readonly site?: string;
  /** Its seq, when it had a readable one. */
  readonly seq?: number;
  /** Its id, when it had a readable one. */
  readonly id?: string;
  /** Why. */
  readonly reason: RefusalReason;
}

/** An accepted event stamped further ahead of the local wall clock than the skew bound: kept, and reported. */
export interface SkewReport {
  readonly site: SiteId;
  readonly seq: number;
  readonly id: string;
  /** The event's stamp. */
  readonly hlc: Hlc;
  /** How far ahead of the local wall clock it was, in ms. */
  readonly aheadMs: number;
  /** The bound it exceeded, in ms. */
  readonly boundMs: number;
}

/**
 * Refusals aggregated, so a report stays small whatever the input (THREAT_MODEL.md): exact
 * counts, and the first few refusals (by input position) as examples. A batch of a
 * million junk items is reported in a few hundred bytes, never one object per item.
 *
 * ```json
 * { "count": 50000, "byCode": { "malformed": 49990, "fork": 10 },
 *   "examples": [{ "index": 0, "reason": { "code": "malformed", "message": "…" } }, …] }
 * ```
 */
export interface RefusalSummary<R extends IngestRefusal = IngestRefusal> {
  /** How many input events were refused. */
  readonly count: number;
  /** How many per refusal code; codes that did not occur are absent. */
  readonly byCode: Readonly<Partial<Record<RefusalCode, number>>>;
  /** The first refusals, each with its typed reason: at most `maxRefusalExamples` (20 by default). */
  readonly examples: readonly R[];
}

/** What {@link Replica.ingest} did with a batch. */
export interface IngestReport {
  /** Events newly stored and applied to the chart. */
  readonly accepted: number;
  /** Events already held (or repeated in the batch): harmless no-ops. */
  readonly duplicates: number;
  /** Events refused: counts, and the first few with their typed reasons. Refused input changed nothing. */
  readonly refused: RefusalSummary;
  /**
   * Every site with an event refused for a reason a resend will not cure (anything but
   * `gap`), sorted: a sync does not ask the peer for them again in this connection.
   */
  readonly refusedSites: readonly string[];
  /** Accepted events with clock skew. */
  readonly skew: readonly SkewReport[];
}

/** No refusals. */
export const NO_REFUSALS: RefusalSummary<never> = Object.freeze({
  count: 0,
  byCode: Object.freeze({}),
  examples: Object.freeze([]),
});

/** The empty report. */
export const EMPTY_INGEST_REPORT: IngestReport = Object.freeze({
  accepted: 0,
  duplicates: 0,
  refused: NO_REFUSALS,
  refusedSites: Object.freeze([]),
  skew: Object.freeze([]),
});

/** The site, seq and id of a refused item, as far as it has them (it may be any JSON); strings over 128 characters are left out. */
export function identifyRefused(item: unknown): { site?: string; seq?: number; id?: string } {
  if (typeof item !== 'object' || item === null) return {};
  const v = item as Record<string, unknown>;
  // A refusal may be sent back to its peer: a string no site or id could be is left out.
  const short = (x: unknown): x is string => typeof x === 'string' && x.length <= MAX_IDENTIFIER_LENGTH;
  return {
    ...(short(v['site']) ? { site: v['site'] } : {}),
    ...(typeof v['seq'] === 'number' ? { seq: v['seq'] } : {}),
    ...(short(v['id']) ? { id: v['id'] } : {}),
  };
}

const MAX_IDENTIFIER_LENGTH = 128;
