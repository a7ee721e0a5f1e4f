/**
 * The protocol between the practice benchmark (bench/practice.bench.ts) and its worker
 * (practiceWorker.ts): a job goes in as the worker's one argument, JSON; the worker
 * prints {@link STAGE_PREFIX} lines (how far it got, for a report when it is killed)
 * and one {@link RESULT_PREFIX} line on stdout. Progress for people goes to stderr.
 */

/** Prefix of the worker's one result line. */
export const RESULT_PREFIX = 'PRACTICE_RESULT ';

/** Prefix of a line saying how far the worker got. */
export const STAGE_PREFIX = 'PRACTICE_STAGE ';

/** What a worker measures. */
export type PracticeJobKind = 'open' | 'read' | 'record' | 'hash' | 'catchup';

/** One measurement, run in a fresh process. */
export interface PracticeJob {
  readonly kind: PracticeJobKind;
  readonly storePath: string;
  /** Private key file per site. */
  readonly keyFiles: Readonly<Record<string, string>>;
  /** The catch-up workload (JSON), for `catchup`. */
  readonly catchupPath: string;
  readonly patients: number;
  readonly events: number;
  /** Latency samples, for `read` and `record`. */
  readonly samples: number;
  /** Directory for scratch copies of the store (`catchup`). */
  readonly scratchDir: string;
}

/** Figures of an `open` job. */
export interface OpenResult {
  readonly openS: number;
  readonly openRssMb: number;
  readonly rssAfterReadingMb: number;
  readonly readEveryPatientS: number;
}

/** Figures of a `read` or `record` job: one latency per sample, ms. */
export interface LatencyResult {
  readonly ms: readonly number[];
}

/** Figures of a `hash` job. */
export interface HashResult {
  readonly hashMs: number;
}

/** Figures of a `catchup` job. */
export interface CatchupResult {
  readonly catchupS: number;
  readonly recorded: number;
  readonly accepted: number;
  readonly openS: number;
}

/** Any worker result. */
export type PracticeResult = OpenResult | LatencyResult | HashResult | CatchupResult;

/** The `p`-th percentile (nearest rank) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
