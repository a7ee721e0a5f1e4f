/**
 * `npm run bench -- practice [--quick] [--sizes quick,full] [--budget-s 600] [--rss-cap-mib 6000] [--samples 200] [--patients N]`:
 * a replica the size of a real GP practice (issue 10). Builds once, and caches under
 * `.bench-out/practice/`, a SQLite replica store of 10,000 patients × 500 events =
 * 5,000,000 events from 3 sites with the primary-care workload (`--quick`: 1,000
 * patients, 500,000 events; how it is built: bench/practice/practiceStore.ts). Then each
 * measurement runs in a fresh process (cold caches and heap) and prints one JSON line
 * per metric, `{"bench":"practice","metric","value","unit","goal","goalMet",…}`;
 * latency metrics also carry `p50` and `p99` (`value` = p99):
 *
 * - `open_s`, `open_rss_mb`, `rss_after_reading_every_patient_mb`: `createReplica` on the
 *   store, RSS after it, and after reading each patient's state once;
 * - `read_cold_ms`: a random patient's state, first read after open;
 * - `record_ms`: one durable event (`replica.record`, SQLite `synchronous: full`);
 * - `replica_hash_ms`: the first `chart.hash()` after open;
 * - `status_s`, `conflicts_s`: the real `chartlog status|conflicts --store … --json`, run
 *   from source through tsx as the CLI tests do (`cliStartupS` is `chartlog --help` the same way);
 * - `catchup_s`: three sites, each on a copy of the store, record their share of the
 *   workload's next saves cut off (10,000 each), then `syncReplicas` until converged and
 *   every chart read (the projection included);
 * - `replay_events_per_s`: `chartlog replay --store … --json`, with its peak RSS.
 *
 * Every child runs under a time budget and an RSS cap: past either it is killed and
 * its line says `"value": null`, `"exceeded": "time" | "rss"` and `reached` (how far it
 * got). With both sizes (`--sizes quick,full`) a `<metric>_5m_vs_500k` line per metric
 * follows (goal ≤ 1.5; for the replay rate, 500k's rate over 5M's).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { progress, type BenchOptions } from './emit.js';
import { percentile, RESULT_PREFIX, type CatchupResult, type HashResult, type LatencyResult, type OpenResult, type PracticeJob, type PracticeJobKind } from './practice/practiceJob.js';
import { practiceStore, type PracticeStore } from './practice/practiceStore.js';
import { runBounded, type Bounds, type BoundedRun } from './practice/runBounded.js';

const SIZES = { quick: { patients: 1_000, label: '500k' }, full: { patients: 10_000, label: '5m' } } as const;
type SizeName = keyof typeof SIZES;

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
  replay_events_per_s: { unit: 'events/s', goal: '>= 500000 with peak RSS <= 512 MiB', met: (v: number) => v >= 500_000 },
} as const;
type Metric = keyof typeof METRICS;

type Line = { bench: 'practice'; metric: string; value: number | null; unit: string } & Record<string, unknown>;
const print = (line: Line): void => void process.stdout.write(JSON.stringify(line) + '\n');
const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Runs the benchmark; see the file comment. */
export async function run(options: BenchOptions): Promise<void> {
  const sizes = (stringArg(options.args, '--sizes') ?? (options.quick ? 'quick' : 'full')).split(',') as SizeName[];
  for (const s of sizes) if (!(s in SIZES)) throw new Error(`practice: --sizes takes quick and/or full, not ${s}`);
  const bounds: Bounds = { budgetS: numberArg(options.args, '--budget-s') ?? 600, rssCapMib: numberArg(options.args, '--rss-cap-mib') ?? 6000 };
  const samples = numberArg(options.args, '--samples') ?? 200;
  // For a smoke run of the benchmark itself: any number of patients.
  const patientsOverride = numberArg(options.args, '--patients');
  const results = new Map<SizeName, Map<Metric, number | null>>();
  for (const size of sizes) {
    const store = await practiceStore({ patients: patientsOverride ?? SIZES[size].patients, eventsPerPatient: 500, concurrency: 0.01, seed: 1, catchupPerSite: 10_000 });
    progress(`practice ${SIZES[size].label}: store ${store.storePath} (${store.events} events) ${store.cached ? 'cached' : `built in ${store.buildS.toFixed(1)} s`}`);
    results.set(size, await measureSize(store, patientsOverride === undefined ? SIZES[size].label : `${store.events}`, bounds, samples));
  }
  const small = results.get('quick');
  const large = results.get('full');
  if (small === undefined || large === undefined) {
    progress('practice: the 5m vs 500k ratio lines need both sizes (--sizes quick,full): omitted');
    return;
  }
  for (const metric of Object.keys(METRICS) as Metric[]) {
    const a = small.get(metric);
    const b = large.get(metric);
    const value = a == null || b == null ? null : round(metric === 'replay_events_per_s' ? a / b : b / a);
    print({ bench: 'practice', metric: `${metric}_5m_vs_500k`, value, unit: 'x', goal: '<= 1.5', goalMet: value !== null && value <= 1.5 });
  }
}

async function measureSize(store: PracticeStore, size: string, bounds: Bounds, samples: number): Promise<Map<Metric, number | null>> {
  const values = new Map<Metric, number | null>();
  const scratchDir = join(store.dir, '..', 'scratch');
  mkdirSync(scratchDir, { recursive: true });
  const base = { size, events: store.events, budgetS: bounds.budgetS, rssCapMib: bounds.rssCapMib };
  const emitMetric = (metric: Metric, value: number | null, run: BoundedRun, extra: Record<string, unknown> = {}): void => {
    values.set(metric, value);
    const { unit, goal, met } = METRICS[metric];
    const failed = value === null ? (run.exceeded !== undefined ? { exceeded: run.exceeded, reached: run.reached, afterS: round(run.wallS, 1) } : { failed: `exit ${run.exit}`, reached: run.reached }) : {};
    print({ bench: 'practice', metric, value: value === null ? null : round(value), unit, ...extra, goal, goalMet: value !== null && met(value) && extra['goalMet'] !== false, ...failed, ...base, peakRssMb: run.peakRssMib });
  };
  const worker = async (kind: PracticeJobKind): Promise<{ run: BoundedRun; result: unknown }> => {
    const job: PracticeJob = { kind, storePath: store.storePath, keyFiles: store.keyFiles, catchupPath: store.catchupPath, patients: store.patients, events: store.events, samples, scratchDir };
    progress(`practice ${size}: ${kind}…`);
    const run = await runBounded(`${size} ${kind}`, [`--max-old-space-size=${bounds.rssCapMib}`, '--import', 'tsx', 'bench/practice/practiceWorker.ts', JSON.stringify(job)], bounds);
    // A killed worker leaves its copies of the store behind.
    rmSync(scratchDir, { recursive: true, force: true });
    mkdirSync(scratchDir, { recursive: true });
    const line = run.stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
    return { run, result: run.exceeded === undefined && run.exit === 0 && line !== undefined ? JSON.parse(line.slice(RESULT_PREFIX.length)) : undefined };
  };
  const cli = async (command: string, ...rest: string[]): Promise<{ run: BoundedRun; json: Record<string, unknown> | undefined }> => {
    progress(`practice ${size}: chartlog ${command}…`);
    const run = await runBounded(`${size} chartlog ${command}`, ['--import', 'tsx', 'src/cli/main.ts', command, ...rest], bounds);
    let json: Record<string, unknown> | undefined;
    try {
      json = run.exceeded === undefined && run.exit === 0 ? (JSON.parse(run.stdout) as Record<string, unknown>) : undefined;
    } catch {
      json = undefined;
    }
    return { run, json };
  };

  const open = await worker('open');
  const o = open.result as OpenResult | undefined;
  emitMetric('open_s', o?.openS ?? null, open.run);
  emitMetric('open_rss_mb', o?.openRssMb ?? null, open.run);
  emitMetric('rss_after_reading_every_patient_mb', o?.rssAfterReadingMb ?? null, open.run, o ? { readEveryPatientS: round(o.readEveryPatientS) } : {});
  for (const [kind, metric] of [['read', 'read_cold_ms'], ['record', 'record_ms']] as const) {
    const { run, result } = await worker(kind);
    const ms = (result as LatencyResult | undefined)?.ms;
    emitMetric(metric, ms ? percentile(ms, 99) : null, run, ms ? { p50: round(percentile(ms, 50)), p99: round(percentile(ms, 99)), samples: ms.length } : {});
  }
  const hash = await worker('hash');
  emitMetric('replica_hash_ms', (hash.result as HashResult | undefined)?.hashMs ?? null, hash.run);

  const startup = await cli('--help');
  for (const [command, metric] of [['status', 'status_s'], ['conflicts', 'conflicts_s']] as const) {
    const { run, json } = await cli(command, '--store', store.storePath, '--json');
    emitMetric(metric, json ? run.wallS : null, run, { cliStartupS: round(startup.run.wallS) });
  }
  const catchup = await worker('catchup');
  const c = catchup.result as CatchupResult | undefined;
  emitMetric('catchup_s', c?.catchupS ?? null, catchup.run, c ? { recorded: c.recorded, accepted: c.accepted, openThreeReplicasS: round(c.openS) } : {});
  const replay = await cli('replay', '--store', store.storePath, '--json');
  const eps = typeof replay.json?.['eventsPerSecond'] === 'number' ? replay.json['eventsPerSecond'] : null;
  emitMetric('replay_events_per_s', eps, replay.run, { goalMet: eps !== null && eps >= 500_000 && replay.run.peakRssMib <= 512 });
  return values;
}

function stringArg(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function numberArg(args: readonly string[], name: string): number | undefined {
  const s = stringArg(args, name);
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!(n > 0)) throw new Error(`practice: ${name} takes a positive number, not ${s}`);
  return n;
}
