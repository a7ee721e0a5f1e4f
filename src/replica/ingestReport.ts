import { isChartlogError, type ChartlogErrorCode } from '../error/chartlogError.js';
import type { Hlc } from '../event/hlc.js';
import type { SiteId } from '../event/ids.js';

/** Why ingest refused an event (DESIGN §6). */
export type RefusalCode = 'malformed' | 'bad-signature' | 'unknown-site-key' | 'broken-chain' | 'gap' | 'fork' | 'oversize';

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

/** What {@link Replica.ingest} did with a batch. */
export interface IngestReport {
  /** Events newly stored and applied to the chart. */
  readonly accepted: number;
  /** Events already held (or repeated in the batch): harmless no-ops. */
  readonly duplicates: number;
  /** Events refused, each with a typed reason. Refused input changed nothing. */
  readonly refused: readonly IngestRefusal[];
  /** Accepted events with clock skew. */
  readonly skew: readonly SkewReport[];
}

/** The empty report. */
export const EMPTY_INGEST_REPORT: IngestReport = Object.freeze({ accepted: 0, duplicates: 0, refused: Object.freeze([]), skew: Object.freeze([]) });

const BY_ERROR_CODE: Partial<Record<ChartlogErrorCode, RefusalCode>> = {
  MALFORMED_EVENT: 'malformed',
  OVERSIZE: 'oversize',
  SEQ_GAP: 'gap',
  CHAIN_BROKEN: 'broken-chain',
  FORK: 'fork',
  BAD_SIGNATURE: 'bad-signature',
};

/**
 * The refusal code for a store's typed append refusal (the `planAppend` codes), or
 * undefined for an error that is not about the input (the store failing, full, closed):
 * those are thrown, not reported as refusals.
 */
export function refusalCodeOf(error: unknown): RefusalCode | undefined {
  return isChartlogError(error) ? BY_ERROR_CODE[error.code] : undefined;
}

/** Adds two reports. */
export function addReports(a: IngestReport, b: IngestReport): IngestReport {
  return { accepted: a.accepted + b.accepted, duplicates: a.duplicates + b.duplicates, refused: [...a.refused, ...b.refused], skew: [...a.skew, ...b.skew] };
}

/** The site, seq and id of a refused item, as far as it has them (it may be any JSON). */
export function identifyRefused(item: unknown): { site?: string; seq?: number; id?: string } {
  if (typeof item !== 'object' || item === null) return {};
  const v = item as Record<string, unknown>;
  return {
    ...(typeof v['site'] === 'string' ? { site: v['site'] } : {}),
    ...(typeof v['seq'] === 'number' ? { seq: v['seq'] } : {}),
    ...(typeof v['id'] === 'string' ? { id: v['id'] } : {}),
  };
}
