/**
 * The protocol between the practice benchmark (bench/practice.bench.ts) and its worker
 * (practiceWorker.ts): a job goes in as the worker's one argument, JSON; the worker
 * prints {@link STAGE_PREFIX} lines (how far it got, for a report when it is killed)
 * and one {@link RESULT_PREFIX} line on stdout. Progress for people goes to stderr.
 */
import type { EventBodyScan } from './scanEventBodies.js';

/** Prefix of the worker's one result line. */
export const RESULT_PREFIX = 'PRACTICE_RESULT ';

/** Prefix of a line saying how far the worker got. */
export const STAGE_PREFIX = 'PRACTICE_STAGE ';

/**
 * What a worker measures: `open` (and read every patient), `read` (cold reads), `record`,
 * `hash`, `catchup` (each site a process, syncing over HTTP), `catchup-floor` (the same
 * sites doing only what any catch-up must: catchupFloorSite.ts), `catchup-one-process`
 * (the three replicas in the worker, `syncReplicas`), `replay` (the persisted
 * projection's streaming rebuild, on a copy of the store), `fold` (every event read into
 * memory and folded by `createChart`, for comparison with `replay`) and `scan` (the
 * replay's floor: scanEventBodies.ts).
 */
export type PracticeJobKind =
  | 'open'
  | 'read'
  | 'record'
  | 'hash'
  | 'catchup'
  | 'catchup-floor'
  | 'catchup-one-process'
  | 'replay'
  | 'fold'
  | 'scan';

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
  /** Directory for scratch copies of the store (`record`, `catchup`, `replay`). */
  readonly scratchDir: string;
  /** `cacheBytes` for `createReplica` and `openProjection`; the replica's default when absent. */
  readonly cacheBytes?: number;
  /** Timed rebuilds in one process, for `replay` and `fold` (each result lists every run). @defaultValue 1 */
  readonly runs?: number;
  /** `workers` for `replay`'s rebuild (worker threads; 0 folds in the job's own thread); the store's default when absent. */
  readonly workers?: number;
  /** Which of several processes of one job this is: `read` picks its patients with seed 7 + `process`. @defaultValue 0 */
  readonly process?: number;
}

/** Figures of an `open` job. */
export interface OpenResult {
  readonly openS: number;
  readonly openRssMb: number;
  /** What opening the projection had to do (`current` unless the cached store's projection was not). */
  readonly opening: string;
  /** Events the replica read through the store's `readAll` while opening. */
  readonly eventsReadAtOpen: number;
  readonly rssAfterReadingMb: number;
  readonly readEveryPatientS: number;
}

/** Figures of a `read` or `record` job: one latency per sample, ms; and the replica's open. */
export interface LatencyResult {
  readonly ms: readonly number[];
  readonly openS: number;
  readonly openRssMb: number;
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
  /** Each site process's peak RSS, MiB (`catchup`; its sites are not the worker's memory). */
  readonly sitePeakRssMb?: readonly number[];
  /**
   * Each site process's CPU seconds from ready to its report (`catchup`): the catch-up's
   * work, whatever the cores. Their sum over this machine's cores bounds `catchupS` from
   * below here; their largest is about what it would take with a core per site.
   */
  readonly siteCpuS?: readonly number[];
  /** Each site process's MiB read from the disk (page cache misses) from ready to its report, null where unknown (not Linux). */
  readonly siteDiskReadMb?: readonly (number | null)[];
  /** Each site process's MiB written towards the disk over the same time, null where unknown. */
  readonly siteDiskWrittenMb?: readonly (number | null)[];
  /** Events sent over every link, both directions (`catchup`): `accepted` of them were new to their receiver. */
  readonly eventsSent?: number;
  /** Events sent to a site that already held them (`catchup`): one site relayed what another sent it too. */
  readonly duplicates?: number;
}

/** Figures of a `replay` or `fold` job. */
export interface RebuildResult {
  /** Events folded per run. */
  readonly events: number;
  readonly streams: number;
  /** Each timed run, s. */
  readonly runsS: readonly number[];
  /** `fold`: reading every event into memory first, s (untimed in the runs). */
  readonly loadS?: number;
  /** The replica hash after the last run, and how long it took to compute, ms. */
  readonly hash: string;
  readonly hashMs: number;
  /** Open conflicts after the last run. */
  readonly conflicts: number;
  /** The worker's own peak RSS (`maxRSS`), MiB. */
  readonly maxRssMb: number;
}

/**
 * Figures of a `scan` job: every stored event's body read with better-sqlite3 and parsed
 * (`JSON.parse`), nothing else (see scanEventBodies.ts): in one thread, then in one thread
 * per core. The most a replay could reach on this machine, whatever its fold costs.
 */
export interface ScanResult {
  readonly oneThread: EventBodyScan;
  readonly allCores: EventBodyScan;
}

/** Any worker result. */
export type PracticeResult =
  OpenResult | LatencyResult | HashResult | CatchupResult | RebuildResult | ScanResult;

/** The `p`-th percentile (nearest rank) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
