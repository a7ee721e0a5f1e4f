/**
 * `npm run bench -- practice [--quick] [--sizes quick,full] [--budget-s 600] [--rss-cap-mib 6000] [--samples 200] [--patients N] [--catchup-per-site N] [--cache-mib N] [--heap-mib N|none] [--replay-via worker|cli] [--replay-workers N] [--no-record]`:
 * a replica the size of a real GP practice (issue 10). Builds once, and caches under
 * `.bench-out/practice/`, a SQLite replica store of 10,000 patients × 500 events =
 * 5,000,000 events from 3 sites with the primary-care workload (`--quick`: 1,000
 * patients, 500,000 events; `--patients N` for a smoke run of the benchmark itself), with
 * a current persisted projection (how it is built, and when the cache is rebuilt:
 * bench/practice/practiceStore.ts). Then each measurement runs in a fresh process (cold
 * caches and heap), on the package as built (`dist/`, built first when missing or older
 * than `src/`; only the bench's own code goes through tsx, bench/practice/builtPackage.ts;
 * before 2026-11-27 these processes ran the library from source through tsx too), and
 * prints one JSON line per metric,
 * `{"bench":"practice","metric","value","unit","goal","goalMet","cacheMib",…}`; latency
 * metrics also carry `p50` and `p99` (`value` = p99):
 *
 * - `build_projection_s` (informational, no goal): folding the freshly built store into
 *   its projection (the streaming rebuild), with `eventsPerSecond`; from when the store
 *   was built (`cached: true` when that was an earlier run);
 * - `open_s`, `open_rss_mb`, `rss_after_reading_every_patient_mb`: `createReplica` on the
 *   store (its projection current: `opening` says what opening did, `eventsReadAtOpen`
 *   how many events it read through `readAll`; both should be `current` and 0), RSS
 *   after it, and after reading each patient's state once, every resource in it parsed;
 * - `read_cold_ms`: a random patient's state, first read after open: `--samples` reads (200)
 *   in each of five processes, each its own patients, the percentiles over all of them
 *   (`p99ByProcess` lists each process's; before 2026-11-27 one process of 200 reads);
 * - `record_ms`: one durable event (`replica.record`, SQLite `synchronous: full`), on a copy:
 *   five times `--samples` records (1,000) in one process (200 before 2026-11-27, when one
 *   slow sample moved the p99, the 2nd highest, and its 5M ÷ 500k ratio read 1.03–1.78);
 * - `replica_hash_ms`: the first `chart.hash()` after open, the median of five processes
 *   (`runsMs` lists them; one process before 2026-11-27);
 * - `status_s`, `conflicts_s`: the real `chartlog status|conflicts --store … --json`
 *   (read-only), the built CLI a user runs (`dist/cli/main.js`, built first when missing
 *   or older than `src/`; `cliStartupS` is `chartlog --help` the same way); each is the
 *   median of five runs (`runsS` lists them; one run before 2026-11-27). Before
 *   2026-11-27 these ran from source through tsx, which added 0.4–0.5 s of startup.
 *   `conflicts` shows a page of the queue (100) since 2026-11-27; its line's `allS` is
 *   the whole queue (`--all`), which grows with the record;
 * - `catchup_s`: three sites, each a process of its own on a copy of the store serving
 *   sync over HTTP on 127.0.0.1, record their share of the workload's next saves cut off
 *   (10,000 each; `--catchup-per-site N` for a smoke run); then each pair syncs
 *   (`syncOverHttp`) until quiet, all pairs at once, as sites do. Timed from telling the
 *   sites to sync until every pair is quiet (the projection is folded inline with each
 *   append, so that includes it); convergence (hashes and version vectors) is checked
 *   after the timing. On a machine with fewer cores than sites, the sites share them:
 *   `siteCpuS` is each site's CPU seconds from ready to its report (the catch-up's work
 *   whatever the cores), `cores` this machine's; `siteDiskReadMb` and `siteDiskWrittenMb`
 *   what each read from and wrote to the disk meanwhile (Linux; null elsewhere);
 * - `catchup_floor_s` (no goal; a bound): the same three site processes on the same
 *   events, each doing only what any catch-up of them must (catchupFloorSite.ts): store
 *   every event its peers send over TCP with the store's own tables and indexes, one
 *   durable transaction per 8,000 events, and no checks, merge or projection. What is
 *   left of 3 s is what a catch-up's checks and projection may spend here;
 * - `catchup_one_process_s` (no goal; for comparison with figures before the sites were
 *   processes): the same three replicas in one process, `syncReplicas` until converged;
 * - `replay_events_per_s`: the full streaming rebuild of the persisted projection, with
 *   its peak RSS (`peakRssMb`; the goal needs ≤ 512 MiB). `--replay-via worker` (the
 *   default) opens a copy of the store and calls `projection.rebuild()` in a worker;
 *   `--replay-via cli` runs `chartlog replay --store COPY --json` instead, which measures
 *   the projection rebuild once the CLI's replay does it (before that, its in-memory fold).
 *   `--replay-workers N` rebuilds with N worker threads (`workers`; 0 in the rebuild's own
 *   thread; the store's default when not given), either way.
 * - `replay_floor_events_per_s` (no goal; a bound): every event body read with
 *   better-sqlite3 and parsed, nothing else, in one worker thread per core over equal
 *   shares of the positions (`threads`; `oneThreadEventsPerS` is the same in one thread,
 *   which was the line's value before 2026-11-27): the most any replay could reach on
 *   this machine, whatever its fold costs.
 *
 * Every measuring process starts with `--max-old-space-size=N`, the V8 heap limit a
 * deployment sets: 384 MiB unless `--heap-mib N` (`--heap-mib none`: the RSS cap, the
 * default before 2026-11-27). V8 collects lazily up to its limit, so the RSS lines depend
 * on it as much as on what is live (see DEPLOYMENT_HEAP_MIB); with a limit,
 * `rss_after_reading_every_patient_no_heap_limit_mb` (no goal) reads every patient again
 * in a process without one. The catch-up's processes get only a limit given with
 * `--heap-mib` (see catchupHeapOf). Every line says `heapMib`.
 * Every line says `pageSize`, the store file's SQLite page size: a cached store with other
 * pages than chartlog now makes files with is rewritten to them first (`matchStorePageSize`,
 * a VACUUM); a cached store's `build_projection_s` is still the figure from its build.
 * `--cache-mib N` sets `cacheBytes` (the projection's stream cache) for every replica and
 * projection the workers open; without it, the replica's default (`cacheMib: "default"`).
 * Every child runs under a time budget and an RSS cap: past either it is killed and
 * its line says `"value": null`, `"exceeded": "time" | "rss"` and `reached` (how far it
 * got). With both sizes (`--sizes quick,full`) a `<metric>_5m_vs_500k` line per metric
 * follows (goal ≤ 1.5; for the replay rate, 500k's rate over 5M's). Every line carries the
 * run's start (`at`) and the commit measured (`commit`, `+dirty` when `src/` has
 * uncommitted changes), and is appended to bench/results/practice.jsonl unless
 * `--no-record` or `--patients N` (a smoke run) is given.
 */
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { numberArg, stringArg } from './benchArgs.js';
import { progress, type BenchOptions } from './emit.js';
import { gitCommit } from './gitCommit.js';
import { builtCli } from './practice/builtPackage.js';
import { copyStore } from './practice/copyStore.js';
import {
  percentile,
  type CatchupResult,
  type HashResult,
  type LatencyResult,
  type OpenResult,
  type PracticeJob,
  type PracticeJobKind,
  type RebuildResult,
  type ScanResult,
} from './practice/practiceJob.js';
import type { EventBodyScan } from './practice/scanEventBodies.js';
import { matchStorePageSize } from './practice/matchStorePageSize.js';
import { practiceStore, type PracticeStore } from './practice/practiceStore.js';
import { runPracticeJob, type PracticeJobRun } from './practice/runPracticeJob.js';
import { runBounded, type Bounds, type BoundedRun } from './practice/runBounded.js';

const SIZES = { quick: { patients: 1_000, label: '500k' }, full: { patients: 10_000, label: '5m' } } as const;
type SizeName = keyof typeof SIZES;
/** Runs of each CLI command (`status_s`, `conflicts_s`, the CLI's start): the median is reported. */
const CLI_RUNS = 5;
/**
 * Processes of each cold sub-millisecond job (`read_cold_ms`, `replica_hash_ms`). One
 * process measured them before, and one slow sample decided each figure and its 5M ÷ 500k
 * ratio: the hash's ratio was 1.01, 1.24 and 1.69 in three runs of the same code, the
 * cold read p99's (2nd highest of 200) 2.84, 1.03 and 1.59.
 */
const COLD_RUNS = 5;

/**
 * V8's old-space limit every measuring process gets unless `--heap-mib` says otherwise,
 * MiB: a deployment's setting for a replica that must stay under 512 MiB (the goal).
 * With no limit, V8 grows its heap lazily, and the RSS after reading every patient
 * measured what one incremental marking happened to keep: on the 500k store, three runs
 * of the same code read 267, 751 and 256 MiB while the heap live after each full
 * collection stayed 45–50 MiB (`--trace-gc`; the 751 MiB run's one marking ran through
 * 255 ms of reading and kept 194 MiB). With this limit, runs at both sizes read 176–368
 * MiB. The run without a limit is still measured, as an informational line.
 */
const DEPLOYMENT_HEAP_MIB = 384;

/**
 * The V8 heap limit of the catch-up's processes (`catchup_s`, `catchup_one_process_s`),
 * MiB, from `--heap-mib` as given (undefined: the RSS cap). Not {@link DEPLOYMENT_HEAP_MIB}
 * when none is given: the catch-up has no memory goal (its line reports each site's peak
 * RSS), and under that limit its sites spend their time collecting garbage. At 500k,
 * 6.0–6.9 CPU seconds per site and 10.0–10.5 s in four runs, against 4.7–5.4 s and
 * 8.3–8.7 s in three runs with no limit; at 5M, 23.7 s (11.2–12.9 CPU seconds per site)
 * against 16.8 s the run before. Sending smaller messages (2,000 events, not 8,000) did
 * not help (11.6 s at 500k). A site that must catch up fast is given a larger heap than
 * one that must stay under 512 MiB, so each goal is measured the way a deployment would
 * set for it.
 */
function catchupHeapOf(heapArg: number | 'none' | undefined): number | undefined {
  return heapArg === 'none' ? undefined : heapArg;
}

/** What a line says of its processes' V8 heap limit: MiB, `'rss cap'` (no limit below the RSS cap), or `'node default'` (started with no V8 flags: the CLI). */
type HeapSetting = number | 'rss cap' | 'node default';

/** The {@link HeapSetting} of processes run under `bounds`. */
const heapOf = (bounds: Bounds): HeapSetting => bounds.heapMib ?? 'rss cap';

/** `--heap-mib N` (N MiB) or `--heap-mib none` (no V8 limit below the RSS cap), as given; undefined when absent. */
function heapMibArg(args: readonly string[]): number | 'none' | undefined {
  if (stringArg(args, '--heap-mib') === 'none') return 'none';
  return numberArg(args, '--heap-mib', 'practice');
}

/** A metric: its unit, its goal, and whether a value meets it. */
const METRICS = {
  open_s: { unit: 's', goal: '<= 0.5', met: (v: number) => v <= 0.5 },
  open_rss_mb: { unit: 'MiB', goal: '<= 256', met: (v: number) => v <= 256 },
  rss_after_reading_every_patient_mb: { unit: 'MiB', goal: '<= 512', met: (v: number) => v <= 512 },
  read_cold_ms: { unit: 'ms', goal: 'p99 <= 5', met: (v: number) => v <= 5 },
  record_ms: { unit: 'ms', goal: 'p99 <= 5', met: (v: number) => v <= 5 },
  replica_hash_ms: { unit: 'ms', goal: '<= 10', met: (v: number) => v <= 10 },
  status_s: { unit: 's', goal: '<= 1', met: (v: number) => v <= 1 },
  conflicts_s: { unit: 's', goal: '<= 1', met: (v: number) => v <= 1 },
  catchup_s: { unit: 's', goal: '<= 3', met: (v: number) => v <= 3 },
  replay_events_per_s: {
    unit: 'events/s',
    goal: '>= 500000 with peak RSS <= 512 MiB',
    met: (v: number) => v >= 500_000,
  },
} as const;
type Metric = keyof typeof METRICS;

type Line = { bench: 'practice'; metric: string; value: number | null; unit: string } & Record<
  string,
  unknown
>;
type Print = (line: Line) => void;
const RESULTS = fileURLToPath(new URL('./results/practice.jsonl', import.meta.url));

/**
 * Prints each line on stdout, stamped with the run's start (`at`) and the commit measured
 * (`commit`), and with `record` also appends it to bench/results/practice.jsonl, so the
 * figures the README quotes are the lines a run wrote, not lines copied by hand.
 */
function linePrinter(record: boolean): Print {
  const stamp = { at: new Date().toISOString(), commit: gitCommit() };
  return (line) => {
    const text = JSON.stringify({ ...line, ...stamp });
    process.stdout.write(text + '\n');
    if (record) appendFileSync(RESULTS, text + '\n');
  };
}
const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Runs the benchmark; see the file comment. */
export async function run(options: BenchOptions): Promise<void> {
  const sizes = (stringArg(options.args, '--sizes') ?? (options.quick ? 'quick' : 'full')).split(
    ',',
  ) as SizeName[];
  for (const s of sizes)
    if (!(s in SIZES)) throw new Error(`practice: --sizes takes quick and/or full, not ${s}`);
  const heapArg = heapMibArg(options.args);
  const bounds: Bounds = {
    budgetS: numberArg(options.args, '--budget-s', 'practice') ?? 600,
    rssCapMib: numberArg(options.args, '--rss-cap-mib', 'practice') ?? 6000,
    heapMib: heapArg === 'none' ? undefined : (heapArg ?? DEPLOYMENT_HEAP_MIB),
  };
  const catchupHeapMib = catchupHeapOf(heapArg);
  const samples = numberArg(options.args, '--samples', 'practice') ?? 200;
  // For a smoke run of the benchmark itself: any number of patients.
  const patientsOverride = numberArg(options.args, '--patients', 'practice');
  const catchupPerSite = numberArg(options.args, '--catchup-per-site', 'practice') ?? 10_000;
  const cacheMib = numberArg(options.args, '--cache-mib', 'practice');
  const replayVia = stringArg(options.args, '--replay-via') ?? 'worker';
  if (replayVia !== 'worker' && replayVia !== 'cli')
    throw new Error(`practice: --replay-via takes worker or cli, not ${replayVia}`);
  const replayWorkers = numberArg(options.args, '--replay-workers', 'practice');
  // A smoke run (`--patients N`) measures the benchmark, not chartlog: never recorded.
  const print = linePrinter(!options.args.includes('--no-record') && patientsOverride === undefined);
  const results = new Map<SizeName, Map<Metric, number | null>>();
  for (const size of sizes) {
    const store = await practiceStore({
      patients: patientsOverride ?? SIZES[size].patients,
      eventsPerPatient: 500,
      concurrency: 0.01,
      seed: 1,
      catchupPerSite,
    });
    const pageSize = matchStorePageSize(store.storePath);
    progress(
      `practice ${SIZES[size].label}: store ${store.storePath} (${store.events} events, ${pageSize}-byte pages) ${store.cached ? 'cached' : `built in ${store.buildS.toFixed(1)} s`}`,
    );
    results.set(
      size,
      await measureSize(
        store,
        patientsOverride === undefined ? SIZES[size].label : `${store.events}`,
        bounds,
        { samples, cacheMib, replayVia, replayWorkers, pageSize, catchupHeapMib },
        print,
      ),
    );
  }
  const small = results.get('quick');
  const large = results.get('full');
  if (small === undefined || large === undefined) {
    progress('practice: the 5m vs 500k ratio lines need both sizes (--sizes quick,full): omitted');
    return;
  }
  for (const metric of Object.keys(METRICS) as Metric[]) {
    // A metric missing at either size (not measured, or null) has no ratio.
    const a = small.get(metric) ?? null;
    const b = large.get(metric) ?? null;
    const value = a === null || b === null ? null : round(metric === 'replay_events_per_s' ? a / b : b / a);
    print({
      bench: 'practice',
      metric: `${metric}_5m_vs_500k`,
      value,
      unit: 'x',
      goal: '<= 1.5',
      goalMet: value !== null && value <= 1.5,
    });
  }
}

/** Knobs of one size's measurements. */
interface Knobs {
  readonly samples: number;
  /** `cacheBytes` for the workers' replicas, MiB; the replica's default when undefined. */
  readonly cacheMib: number | undefined;
  readonly replayVia: 'worker' | 'cli';
  /** Worker threads for the replay's rebuild; the store's default when undefined. */
  readonly replayWorkers: number | undefined;
  /** The store file's SQLite page size (see `matchStorePageSize`), on every line. */
  readonly pageSize: number;
  /** The V8 heap limit of the catch-up's processes, MiB; undefined: the RSS cap (see catchupHeapOf). */
  readonly catchupHeapMib: number | undefined;
}

async function measureSize(
  store: PracticeStore,
  size: string,
  bounds: Bounds,
  knobs: Knobs,
  print: Print,
): Promise<Map<Metric, number | null>> {
  const { samples, cacheMib } = knobs;
  const values = new Map<Metric, number | null>();
  const scratchDir = join(store.dir, '..', 'scratch');
  mkdirSync(scratchDir, { recursive: true });
  const base = {
    size,
    events: store.events,
    cacheMib: cacheMib ?? 'default',
    budgetS: bounds.budgetS,
    rssCapMib: bounds.rssCapMib,
    pageSize: knobs.pageSize,
  };
  const p = store.projection;
  print({
    bench: 'practice',
    metric: 'build_projection_s',
    value: round(p.seconds),
    unit: 's',
    eventsPerSecond: Math.round(p.eventsPerSecond),
    foldedEvents: p.events,
    cached: store.cached,
    goal: 'none (informational)',
    size,
    events: store.events,
    pageSize: knobs.pageSize,
  });
  const emitMetric = (
    metric: Metric,
    value: number | null,
    run: BoundedRun,
    extra: Record<string, unknown> = {},
    heapMib: HeapSetting = heapOf(bounds),
  ): void => {
    values.set(metric, value);
    const { unit, goal, met } = METRICS[metric];
    const failed =
      value === null
        ? run.exceeded !== undefined
          ? { exceeded: run.exceeded, reached: run.reached, afterS: round(run.wallS, 1) }
          : { failed: `exit ${run.exit}`, reached: run.reached }
        : {};
    print({
      bench: 'practice',
      metric,
      value: value === null ? null : round(value),
      unit,
      ...extra,
      goal,
      goalMet: value !== null && met(value) && extra['goalMet'] !== false,
      ...failed,
      ...base,
      heapMib,
      peakRssMb: run.peakRssMib,
    });
  };
  /** A line without a goal: `value` (null when the job failed, with how far it got), measured under `jobBounds`. */
  const emitInformational = (
    metric: string,
    value: number | null,
    unit: string,
    job: PracticeJobRun,
    jobBounds: Bounds,
    extra: Record<string, unknown>,
  ): void =>
    print({
      bench: 'practice',
      metric,
      value,
      unit,
      ...extra,
      ...(value === null ? { reached: job.run.reached } : {}),
      ...base,
      heapMib: heapOf(jobBounds),
      peakRssMb: job.run.peakRssMib,
    });
  const worker = async (
    kind: PracticeJobKind,
    processIndex = 0,
    jobBounds: Bounds = bounds,
    jobSamples = samples,
  ): Promise<PracticeJobRun> => {
    const job: PracticeJob = {
      kind,
      storePath: store.storePath,
      keyFiles: store.keyFiles,
      catchupPath: store.catchupPath,
      patients: store.patients,
      events: store.events,
      samples: jobSamples,
      scratchDir,
      ...(cacheMib !== undefined ? { cacheBytes: Math.round(cacheMib * 1024 * 1024) } : {}),
      ...(knobs.replayWorkers !== undefined ? { workers: knobs.replayWorkers } : {}),
      ...(processIndex > 0 ? { process: processIndex } : {}),
    };
    return runPracticeJob(`practice ${size}`, job, jobBounds);
  };
  /** `worker(kind)` in {@link COLD_RUNS} processes one after another: every run, or the first that failed alone. */
  const workerRuns = async (kind: PracticeJobKind): Promise<PracticeJobRun[]> => {
    const runs: PracticeJobRun[] = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      const one = await worker(kind, i);
      if (one.result === undefined) return [one];
      runs.push(one);
    }
    return runs;
  };
  const median = (values: readonly number[]): number => percentile(values, 50);
  const cli = async (
    command: string,
    ...rest: string[]
  ): Promise<{ run: BoundedRun; json: Record<string, unknown> | undefined }> => {
    progress(`practice ${size}: chartlog ${command}…`);
    const run = await runBounded(`${size} chartlog ${command}`, [builtCli(), command, ...rest], bounds);
    let json: Record<string, unknown> | undefined;
    try {
      json =
        run.exceeded === undefined && run.exit === 0
          ? (JSON.parse(run.stdout) as Record<string, unknown>)
          : undefined;
    } catch {
      json = undefined;
    }
    return { run, json };
  };

  /**
   * `cli` {@link CLI_RUNS} times: the run of median wall time (any failed run is returned
   * instead), and every run's wall time. One CLI run's time is mostly Node starting, which
   * varies 2× on this shared machine (0.17 against 0.35 s for `--help` in one run).
   */
  const cliMedian = async (
    command: string,
    ...rest: string[]
  ): Promise<{ run: BoundedRun; json: Record<string, unknown> | undefined; runsS: number[] }> => {
    const runs: Awaited<ReturnType<typeof cli>>[] = [];
    for (let i = 0; i < CLI_RUNS; i++) {
      const one = await cli(command, ...rest);
      if (one.run.exceeded !== undefined || one.run.exit !== 0)
        return { ...one, runsS: [round(one.run.wallS)] };
      runs.push(one);
    }
    const sorted = [...runs].sort((x, y) => x.run.wallS - y.run.wallS);
    const median = sorted[Math.floor(sorted.length / 2)] as (typeof runs)[number];
    return { ...median, runsS: runs.map((r) => round(r.run.wallS)) };
  };

  const open = await worker('open');
  const o = open.result as OpenResult | undefined;
  emitMetric(
    'open_s',
    o?.openS ?? null,
    open.run,
    o ? { opening: o.opening, eventsReadAtOpen: o.eventsReadAtOpen } : {},
  );
  emitMetric('open_rss_mb', o?.openRssMb ?? null, open.run);
  emitMetric(
    'rss_after_reading_every_patient_mb',
    o?.rssAfterReadingMb ?? null,
    open.run,
    o ? { readEveryPatientS: round(o.readEveryPatientS) } : {},
  );
  if (bounds.heapMib !== undefined) {
    // The same read with no V8 heap limit: what a process started without one shows.
    const noLimit: Bounds = { ...bounds, heapMib: undefined };
    const unlimited = await worker('open', 0, noLimit);
    const u = unlimited.result as OpenResult | undefined;
    emitInformational(
      'rss_after_reading_every_patient_no_heap_limit_mb',
      u === undefined ? null : round(u.rssAfterReadingMb),
      'MiB',
      unlimited,
      noLimit,
      {
        goal: 'none (informational)',
        note: 'rss_after_reading_every_patient_mb in a process without a V8 heap limit: V8 collects lazily, so this swings from run to run',
      },
    );
  }
  const reads = await workerRuns('read');
  const readMs = reads.map((r) => (r.result as LatencyResult | undefined)?.ms);
  const allReadMs = readMs.every((ms) => ms !== undefined) ? readMs.flat() : undefined;
  emitMetric(
    'read_cold_ms',
    allReadMs ? percentile(allReadMs, 99) : null,
    (reads.at(-1) as PracticeJobRun).run,
    allReadMs
      ? {
          p50: round(percentile(allReadMs, 50)),
          p99: round(percentile(allReadMs, 99)),
          samples: allReadMs.length,
          processes: reads.length,
          p99ByProcess: readMs.map((ms) => round(percentile(ms ?? [], 99))),
        }
      : {},
  );
  // As many durable records as cold reads (one process: each record job copies the store).
  const { run: recordRun, result: recorded } = await worker('record', 0, bounds, samples * COLD_RUNS);
  const recordMs = (recorded as LatencyResult | undefined)?.ms;
  emitMetric(
    'record_ms',
    recordMs ? percentile(recordMs, 99) : null,
    recordRun,
    recordMs
      ? {
          p50: round(percentile(recordMs, 50)),
          p99: round(percentile(recordMs, 99)),
          samples: recordMs.length,
        }
      : {},
  );
  const hashes = await workerRuns('hash');
  const hashMs = hashes.map((h) => (h.result as HashResult | undefined)?.hashMs);
  const allHashMs = hashMs.every((ms) => ms !== undefined) ? (hashMs as number[]) : undefined;
  emitMetric(
    'replica_hash_ms',
    allHashMs ? median(allHashMs) : null,
    (hashes.at(-1) as PracticeJobRun).run,
    allHashMs ? { runsMs: allHashMs.map((ms) => round(ms)) } : {},
  );

  const startup = await cliMedian('--help');
  for (const [command, metric] of [
    ['status', 'status_s'],
    ['conflicts', 'conflicts_s'],
  ] as const) {
    const { run, json, runsS } = await cliMedian(command, '--store', store.storePath, '--json');
    // `conflicts` shows a page of the queue; the whole queue (--all) is timed beside it.
    const whole =
      command === 'conflicts'
        ? await cliMedian(command, '--store', store.storePath, '--all', '--json')
        : undefined;
    emitMetric(
      metric,
      json ? run.wallS : null,
      run,
      {
        runsS,
        cliStartupS: round(startup.run.wallS),
        ...(whole?.json ? { allS: round(whole.run.wallS) } : {}),
      },
      // The CLI as a user runs it: `node dist/cli/main.js`, no V8 flags.
      'node default',
    );
  }
  // The catch-up has no memory goal, and under the deployment heap limit its sites spend
  // their time collecting: see catchupHeapOf.
  const catchupBounds: Bounds = { ...bounds, heapMib: knobs.catchupHeapMib };
  const catchup = await worker('catchup', 0, catchupBounds);
  const c = catchup.result as CatchupResult | undefined;
  emitMetric(
    'catchup_s',
    c?.catchupS ?? null,
    catchup.run,
    c
      ? {
          recorded: c.recorded,
          accepted: c.accepted,
          sites: 'processes over HTTP',
          // The worker's own peakRssMb is not the sites' memory: each reports its own.
          sitePeakRssMb: c.sitePeakRssMb,
          ...siteUsageOf(c),
          eventsSent: c.eventsSent,
          duplicates: c.duplicates,
          // Copying the store, starting the site processes and recording cut off: before the timing.
          sitesReadyS: round(c.openS),
        }
      : {},
    heapOf(catchupBounds),
  );
  // The bound on any catch-up here: the same sites taking the same events in with nothing but the store's writes.
  const floorRun = await worker('catchup-floor', 0, catchupBounds);
  const f = floorRun.result as CatchupResult | undefined;
  emitInformational(
    'catchup_floor_s',
    f === undefined ? null : round(f.catchupS),
    's',
    floorRun,
    catchupBounds,
    {
      note:
        'the same three site processes, each storing the events it lacks as sent by its peers over TCP (JSON.parse, SHA-256, INSERT, ' +
        'one durable transaction per 8,000), with no validation, signature, merge or projection: the least any catch-up could take here',
      ...(f !== undefined
        ? {
            accepted: f.accepted,
            ...siteUsageOf(f),
          }
        : {}),
    },
  );
  const oneProcess = await worker('catchup-one-process', 0, catchupBounds);
  const c1 = oneProcess.result as CatchupResult | undefined;
  emitInformational(
    'catchup_one_process_s',
    c1 === undefined ? null : round(c1.catchupS),
    's',
    oneProcess,
    catchupBounds,
    {
      note: 'the three replicas in one process, syncReplicas: how catchup_s was measured before',
      ...(c1 !== undefined ? { recorded: c1.recorded, accepted: c1.accepted } : {}),
    },
  );
  let eps: number | null;
  let replayRun: BoundedRun;
  let replayExtra: Record<string, unknown>;
  if (knobs.replayVia === 'cli') {
    // The CLI's replay rebuilds the store's projection: on a copy, so the cached store stays as built.
    const copy = join(scratchDir, 'replay.chartlog');
    copyStore(store.storePath, copy);
    const replay = await cli(
      'replay',
      '--store',
      copy,
      '--json',
      ...(knobs.replayWorkers !== undefined ? ['--workers', String(knobs.replayWorkers)] : []),
    );
    rmSync(scratchDir, { recursive: true, force: true });
    mkdirSync(scratchDir, { recursive: true });
    eps = typeof replay.json?.['eventsPerSecond'] === 'number' ? replay.json['eventsPerSecond'] : null;
    replayRun = replay.run;
    replayExtra = {
      via: 'chartlog replay --json',
      workers: knobs.replayWorkers ?? 'default',
      seconds: typeof replay.json?.['seconds'] === 'number' ? round(replay.json['seconds']) : null,
    };
  } else {
    const replay = await worker('replay');
    const r = replay.result as RebuildResult | undefined;
    const seconds = r?.runsS[0];
    eps = r !== undefined && seconds !== undefined ? r.events / seconds : null;
    replayRun = replay.run;
    replayExtra = {
      via: 'projection.rebuild() in a worker',
      workers: knobs.replayWorkers ?? 'default',
      ...(r && seconds !== undefined
        ? { seconds: round(seconds), streams: r.streams, hashMs: round(r.hashMs) }
        : {}),
    };
  }
  emitMetric('replay_events_per_s', eps === null ? null : Math.round(eps), replayRun, {
    ...replayExtra,
    goalMet: eps !== null && eps >= 500_000 && replayRun.peakRssMib <= 512,
  });
  // The bound on any replay here: reading and parsing every event, nothing else, on every core.
  const scan = await worker('scan');
  const floor = scan.result as ScanResult | undefined;
  const rate = (x: EventBodyScan): number => Math.round(x.events / x.seconds);
  emitInformational(
    'replay_floor_events_per_s',
    floor === undefined ? null : rate(floor.allCores),
    'events/s',
    scan,
    bounds,
    {
      note: 'every event body read (better-sqlite3) and JSON.parse-d, nothing else, in one thread per core: the most any replay could reach here',
      ...(floor !== undefined
        ? { threads: floor.allCores.threads, oneThreadEventsPerS: rate(floor.oneThread) }
        : {}),
    },
  );
  return values;
}

/**
 * What each site process of a catch-up (or its floor) used from ready to report: CPU
 * seconds, and MiB read from and written to the disk; and this machine's cores, since
 * with fewer cores than sites the sites wait for each other.
 */
function siteUsageOf(result: CatchupResult): Record<string, unknown> {
  return {
    siteCpuS: result.siteCpuS?.map((s) => round(s, 2)),
    siteDiskReadMb: result.siteDiskReadMb,
    siteDiskWrittenMb: result.siteDiskWrittenMb,
    cores: availableParallelism(),
  };
}
