/**
 * `npm run bench -- scale [--quick] [--sizes 10000,100000,1000000] [--runs K] [--out FILE] [--cache-mib N]`:
 * scale curves. How the per-event cost of rebuild, sync and memory, and the cost of
 * opening a replica and of a cold read, change as the log grows from 10,000 to 1,000,000
 * events (--quick: 10k, 30k, 100k). Goal: the cost per event (per open, per read) at the
 * largest size within 1.5× of the smallest.
 *
 * Method. The workload is the primary-care one (bench/workload/): N saves → N events,
 * 3 sites, ~1% of updates concurrent, patients = N / 100 at every size, so a record's
 * shape (≈100 events, snapshots, conflicts) stays the same and only the number of records
 * grows. Each measurement runs in a fresh `node --expose-gc` process, so sizes do not
 * share a heap and each peak RSS is that measurement's own; generation is never timed.
 * - rebuild: `createChart({ schema: clinicalSchema }).apply(events)` from scratch, after
 *   a full GC, 5 times in one process (3 at 1M and above; median; only one chart live at
 *   a time), as bench/rebuild.bench.ts does; then the first `chart.hash()` (every stream
 *   hashed).
 * - memory: live heap (`heapUsed` after `gc()`) holding the events, then events + one
 *   rebuilt chart, less the heap before generation; per event. Plus each worker's peak RSS.
 * - sync: 3 sites record their share offline through replicas on memory stores
 *   (`recordSavesOffline`), then `syncReplicas` over every pair until quiet, a chart
 *   read per replica included (bench/sync.bench.ts, memory stores); µs per accepted
 *   event (each replica accepts the other two sites' events: ~2N). One process per run;
 *   3 runs (median) below 1M events, 1 at 1M and above. Convergence is checked untimed.
 * - open and cold read: a SQLite replica store of the same workload (N events over N / 100
 *   patients, signed, its persisted projection current), built once and cached under
 *   `.bench-out/practice/` as the practice benchmark builds its own
 *   (bench/practice/practiceStore.ts); in a fresh bounded process
 *   (bench/practice/practiceWorker.ts, job `read`): `createReplica` on it, timed (`open_ms`,
 *   and `open_rss_mb` right after), then the first `chart.state` of up to 50 random
 *   patients, each not yet in the projection's cache (`read_cold_ms`: median, with p99;
 *   the file may be in the OS page cache, as it is on a replica that just wrote it).
 *   `--cache-mib N` sets the replica's `cacheBytes` (default: the replica's).
 * Before timing, each rebuild and sync worker runs its procedure once on a separate 3,000-event workload
 * of the same shape (JIT warm-up, equal at every size). `--runs K` sets both run counts.
 * GC pauses inside each timed region are measured (`PerformanceObserver` `gc` entries)
 * and reported as a share, and the part of it in full (mark-compact) collections. Prints one JSON line per figure, then the growth ratios
 * (largest size vs smallest), and writes everything to bench/results/scale.json
 * (--quick: .bench-out/scale-quick.json) for `node scripts/plot-scale.mjs`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { numberArg } from './benchArgs.js';
import { emit, progress, type BenchLine, type BenchOptions } from './emit.js';
import { gitCommit } from './gitCommit.js';
import type { LatencyResult } from './practice/practiceJob.js';
import { practiceStore } from './practice/practiceStore.js';
import { runPracticeJob } from './practice/runPracticeJob.js';
import { runWorker } from './scale/runWorker.js';
import {
  CONCURRENCY,
  EVENTS_PER_PATIENT,
  SEED,
  type RebuildResult,
  type SyncResult,
} from './scale/scaleJob.js';
import {
  growthRatios,
  loadAverage,
  machineInfo,
  summariseSize,
  type ScaleResults,
  type SizeSummary,
} from './scale/scaleResults.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const GOAL = 1.5;

/** Runs the scale curves (see the file comment). */
export async function run(options: BenchOptions): Promise<void> {
  const sizes =
    parseSizes(argValue(options.args, '--sizes')) ??
    (options.quick ? [10_000, 30_000, 100_000] : [10_000, 100_000, 1_000_000]);
  const runsArg = argValue(options.args, '--runs');
  const runs = runsArg === undefined ? undefined : Number(runsArg);
  if (runs !== undefined && !(Number.isInteger(runs) && runs >= 1))
    throw new Error(`--runs must be a positive integer, got ${runsArg}`);
  const out = resolve(
    root,
    argValue(options.args, '--out') ??
      (options.quick ? '.bench-out/scale-quick.json' : 'bench/results/scale.json'),
  );
  const cacheMib = numberArg(options.args, '--cache-mib', 'scale');

  const startedAt = new Date().toISOString();
  const commit = gitCommit();
  const loadStart = loadAverage();
  const lines: BenchLine[] = [];
  const say = (line: {
    readonly metric: string;
    readonly value: number;
    readonly unit: string;
    readonly [extra: string]: string | number | boolean;
  }): void => {
    const full: BenchLine = { bench: 'scale', ...line };
    lines.push(full);
    emit(full);
  };
  const summaries: SizeSummary[] = [];
  const raw: { rebuild: RebuildResult; sync: SyncResult[]; open: LatencyResult }[] = [];

  for (const events of sizes) {
    const patients = Math.max(1, Math.round(events / EVENTS_PER_PATIENT));
    progress(`scale: ${events} events over ${patients} patients`);
    const rebuild = await runWorker({
      kind: 'rebuild',
      events,
      patients,
      runs: runs ?? (events >= 1_000_000 ? 3 : 5),
    });
    if (rebuild.kind !== 'rebuild') throw new Error('scale: expected a rebuild result');
    const syncRuns = runs ?? (events >= 1_000_000 ? 1 : 3);
    const syncs: SyncResult[] = [];
    for (let r = 0; r < syncRuns; r++) {
      const s = await runWorker({ kind: 'sync', events, patients, runs: 1 });
      if (s.kind !== 'sync') throw new Error('scale: expected a sync result');
      syncs.push(s);
    }
    const open = await openAndReadCold(events, patients, cacheMib);
    raw.push({ rebuild, sync: syncs, open });
    const s = summariseSize(rebuild, syncs, open);
    summaries.push(s);
    say({
      metric: 'rebuild_us_per_event',
      value: s.rebuild.usPerEvent,
      unit: 'µs/event',
      events,
      patients,
      runs: s.rebuild.runsUsPerEvent.length,
      statistic: 'median',
      min: Math.min(...s.rebuild.runsUsPerEvent),
      gcPercent: s.rebuild.gcPercent,
      gcMajorPercent: s.rebuild.gcMajorPercent,
    });
    say({ metric: 'hash_us_per_event', value: s.rebuild.hashUsPerEvent, unit: 'µs/event', events, patients });
    say({
      metric: 'sync_us_per_event',
      value: s.sync.usPerEvent,
      unit: 'µs/event',
      events,
      patients,
      accepted: s.sync.accepted,
      runs: s.sync.runsUsPerEvent.length,
      statistic: 'median',
      min: Math.min(...s.sync.runsUsPerEvent),
      gcPercent: s.sync.gcPercent,
      gcMajorPercent: s.sync.gcMajorPercent,
    });
    say({
      metric: 'record_us_per_event',
      value: s.sync.recordUsPerEvent,
      unit: 'µs/event',
      events,
      patients,
      runs: s.sync.runsUsPerEvent.length,
      statistic: 'median',
    });
    say({
      metric: 'heap_bytes_per_event',
      value: s.memory.heapBytesPerEvent,
      unit: 'bytes/event',
      events,
      patients,
      eventsBytes: s.memory.eventsBytesPerEvent,
      chartBytes: s.memory.chartBytesPerEvent,
    });
    say({
      metric: 'sync_heap_bytes_per_replica_event',
      value: s.memory.syncHeapBytesPerReplicaEvent,
      unit: 'bytes/event',
      events,
      patients,
      replicas: 3,
    });
    say({ metric: 'rss_mb', value: s.memory.rebuildRssMb, unit: 'MiB', events, patients, phase: 'rebuild' });
    say({ metric: 'rss_mb', value: s.memory.syncRssMb, unit: 'MiB', events, patients, phase: 'sync' });
    const cache = cacheMib ?? 'default';
    say({ metric: 'open_ms', value: s.open.openMs, unit: 'ms', events, patients, cacheMib: cache });
    say({ metric: 'open_rss_mb', value: s.open.openRssMb, unit: 'MiB', events, patients, cacheMib: cache });
    say({
      metric: 'read_cold_ms',
      value: s.open.readColdMs,
      unit: 'ms',
      events,
      patients,
      statistic: 'median',
      p99: s.open.readColdP99Ms,
      samples: s.open.readColdSamples,
      cacheMib: cache,
    });
  }

  const growth = growthRatios(summaries, GOAL);
  for (const g of growth)
    say({
      metric: g.metric,
      value: g.value,
      unit: 'ratio',
      from: g.from,
      to: g.to,
      goal: g.goal,
      met: g.value <= g.goal,
    });

  const results: ScaleResults = {
    bench: 'scale',
    startedAt,
    finishedAt: new Date().toISOString(),
    commit,
    commitAtEnd: gitCommit(),
    machine: machineInfo(),
    loadAverage: { start: loadStart, end: loadAverage() },
    quick: options.quick,
    eventsPerPatient: EVENTS_PER_PATIENT,
    sizes: summaries,
    growth,
    lines,
    raw,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  progress(
    `scale: wrote ${out}; plot with: node scripts/plot-scale.mjs ${out === resolve(root, 'bench/results/scale.json') ? '' : out}`.trimEnd(),
  );
}

/**
 * Opens a replica on a cached SQLite store of `events` events over `patients` patients
 * (current projection) in a fresh bounded process, and reads up to 50 patients cold.
 */
async function openAndReadCold(
  events: number,
  patients: number,
  cacheMib: number | undefined,
): Promise<LatencyResult> {
  const store = await practiceStore({
    patients,
    eventsPerPatient: EVENTS_PER_PATIENT,
    concurrency: CONCURRENCY,
    seed: SEED,
    catchupPerSite: 0,
  });
  const job = {
    kind: 'read' as const,
    storePath: store.storePath,
    keyFiles: store.keyFiles,
    catchupPath: store.catchupPath,
    patients,
    events: store.events,
    samples: Math.min(50, patients),
    scratchDir: join(store.dir, '..', 'scratch'),
    ...(cacheMib !== undefined ? { cacheBytes: Math.round(cacheMib * 1024 * 1024) } : {}),
  };
  const { run, result } = await runPracticeJob(`  scale ${events}`, job, { budgetS: 600, rssCapMib: 6000 });
  if (result === undefined)
    throw new Error(
      `scale: opening a replica on ${store.storePath} failed (${run.exceeded ?? `exit ${run.exit}`}: ${run.reached})`,
    );
  return result as LatencyResult;
}

/** The value after `--name` (or in `--name=value`), if given. */
function argValue(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

/** `10000,100000,1e6` → sorted event counts; undefined when not given. */
function parseSizes(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const sizes = text.split(',').map((s) => Number(s.trim().replace(/_/g, '')));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 100))
    throw new Error(`--sizes wants event counts ≥ 100, comma-separated, got ${text}`);
  return [...new Set(sizes)].sort((a, b) => a - b);
}
