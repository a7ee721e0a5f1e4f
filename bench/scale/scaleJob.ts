/**
 * The protocol between the scale benchmark (bench/scale.bench.ts) and its workers
 * (scaleWorker.ts): a job goes in as the worker's one argument, JSON; one
 * {@link RESULT_PREFIX} line comes back on stdout. Everything else the worker says goes
 * to stderr.
 */

/** Prefix of the worker's one result line on stdout. */
export const RESULT_PREFIX = 'SCALE_RESULT ';

/** Events per patient at every size: patients = events / this, so one record's shape does not change with N. */
export const EVENTS_PER_PATIENT = 100;

/** Fraction of updates concurrent with another site's latest write, as in the rebuild and sync benchmarks. */
export const CONCURRENCY = 0.01;

/** Workload seed, fixed so every size replays exactly. */
export const SEED = 1;

/** Events folded (rebuild) or recorded and synced (sync) once, untimed, before the measurement: JIT warm-up, the same at every size. */
export const WARMUP_EVENTS = 3_000;

/** One measurement to run in a fresh process. */
export interface ScaleJob {
  /** `rebuild`: fold N events into a new chart (and measure the heap it retains); `sync`: record N events at 3 sites offline, then sync them. */
  readonly kind: 'rebuild' | 'sync';
  /** Total events. */
  readonly events: number;
  /** Patients (streams) they are spread over. */
  readonly patients: number;
  /** Timed rebuilds in this process (median reported); ignored for `sync`, which runs once per process. */
  readonly runs: number;
}

/** Memory as `process.memoryUsage()` reports it after a full `gc()`, in bytes. */
export interface HeapSample {
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

/** Main-thread garbage-collection pauses inside a timed region, seconds: all, and by kind. */
export interface GcTime {
  readonly totalS: number;
  /** Mark-compact (full) collections: their cost grows with the live heap. */
  readonly majorS: number;
  /** Scavenges of the young generation. */
  readonly minorS: number;
  /** Incremental marking steps (the main-thread part of a concurrent major GC). */
  readonly incrementalS: number;
}

/** What a `rebuild` worker measured. */
export interface RebuildResult {
  readonly kind: 'rebuild';
  readonly events: number;
  readonly patients: number;
  /** Seconds to generate the saves and record them as events (not part of any figure but the wall time). */
  readonly generateS: number;
  /** Each run's `chart.apply(events)` time, seconds. */
  readonly applyS: readonly number[];
  /** Each run's garbage-collection pauses during `apply`. */
  readonly applyGc: readonly GcTime[];
  /** The first `chart.hash()` after the last rebuild (hashes every stream), seconds. */
  readonly hashS: number;
  /** Live heap before the workload was generated. */
  readonly baseline: HeapSample;
  /** Live heap holding the events (saves dropped). */
  readonly withEvents: HeapSample;
  /** Live heap holding the events and one rebuilt chart. */
  readonly withChart: HeapSample;
  /** Peak resident set size of the worker, MiB. */
  readonly maxRssMb: number;
}

/** What a `sync` worker measured. */
export interface SyncResult {
  readonly kind: 'sync';
  readonly events: number;
  readonly patients: number;
  /** Events recorded, per site. */
  readonly perSite: Readonly<Record<string, number>>;
  /** Seconds to record every site's saves offline, through its replica. */
  readonly recordS: number;
  /** Seconds for `syncReplicas` plus the read that brings every chart up to date. */
  readonly syncS: number;
  /** Garbage-collection pauses during the sync. */
  readonly syncGc: GcTime;
  /** Events accepted by all receivers (each replica accepts what the other two recorded: ~2N). */
  readonly accepted: number;
  readonly messages: number;
  readonly passes: number;
  /** Seconds to hash the three charts and compare them (untimed check). */
  readonly verifyS: number;
  /** Live heap holding the three converged replicas. */
  readonly afterSync: HeapSample;
  /** Live heap before the workload was generated. */
  readonly baseline: HeapSample;
  /** Peak resident set size of the worker, MiB. */
  readonly maxRssMb: number;
}

/** Either worker's result. */
export type WorkerResult = RebuildResult | SyncResult;
