/**
 * `npm run bench -- vs-crdt [--quick] [options…]`: chartlog side by side with Yjs and
 * Automerge on the same clinical workload, in one run.
 *
 * Workload: `generateSaves` (bench/workload/primaryCareSaves.ts), one seed for every
 * system: 3 sites × N saves (N = 100,000; `--quick` 20,000) over N/10 patients; a save
 * is 1–10 field writes on one patient's resources. Each site records its saves cut off
 * from the others; then every site takes in everything from the others; then each
 * site's full state is read out.
 *
 * Each system in its idiomatic form, one natural unit per save (bench/vsCrdt/, one file
 * per system; each file's doc comment says why it is modelled so):
 * - Yjs: a `Y.Doc` per site, one `doc.transact` per save; register fields as entries of
 *   a top-level `Y.Map` (values atomic), set elements as entries of another keyed by
 *   canonical JSON, log entries pushed on a top-level `Y.Array`; merge = the y-protocols
 *   exchange (state vector out, `encodeStateAsUpdate` back, `applyUpdate`); materialize
 *   = `toJSON()`.
 * - Automerge: a document per site forked from one initial document (a container per
 *   patient, so no site creates a container another also creates), one `A.change` per
 *   save, values as atomic JSON text in `ImmutableString`s; merge = `saveSince(forkHeads)`
 *   → `loadIncremental`; materialize = `A.toJS` (+ parsing the values).
 * - chartlog: a replica per site (memory store, keys, keyring, hybrid clock, clinical
 *   schema), one event per save through `recordSavesOffline`, one `recordAll` per save;
 *   merge = `syncReplicas` (JSON on the wire) + charts brought up to date; materialize =
 *   `chart.state(stream)` of every stream turned into plain field values. Twice: its
 *   integrity features on (the default) and off (`integrity: false`).
 * Sites never see each other before the merge, so every write two sites make to one
 * field is concurrent in all three systems (the workload's `concurrent` flag plays no part).
 *
 * What is timed: record, merge and materialize (all three sites each), nothing else (not
 * generating the saves, not setting up docs, keys or replicas, not checking results).
 * Bytes exchanged: everything the merge put on the wire (requests included).
 *
 * Equal work: every system must end with the same logical values. The parent works
 * out the expected state from the saves alone (`expectedState.ts`): a register written
 * at one site ends with that site's last write, a set holds every element added, a log
 * every entry. Registers written at two or more sites (concurrent: sites never see each
 * other before the merge) are left out of the comparison; the value each system shows
 * there must be one of the writing sites' last values. Every site of every run is
 * digested and compared with the expectation, and a run that differs fails the benchmark.
 *
 * Memory: each run is a process of its own (`worker.ts`, spawned with `node --import tsx`)
 * that generates the same saves from the seed (their hash is checked), so its peak RSS
 * (`process.resourceUsage().maxRSS`, read when the timed phases end, before the checks)
 * is one system's alone plus the same baseline (Node, the loader and the saves, printed
 * as `baseline_rss_mb`). `peak_heap_mb` is the largest `heapUsed + external` sampled at
 * a phase end. Runs go one after another (the machine has two shared cores), in rounds
 * (run 1 of every system, then run 2 …) so drifting load falls on all alike. Times and
 * memory are medians over the runs (3; Automerge at full size 1). A run over its budget
 * (time or RSS) is killed: its figures are printed as lower bounds, and the system is
 * measured again at N/5 (and extrapolated linearly, labelled as such) so the run never
 * hangs.
 *
 * Ratios (chartlog with and without integrity): `speedup_vs_yjs` and
 * `speedup_vs_automerge` (their total time / ours), `memory_vs_yjs` and
 * `memory_vs_automerge` (our peak RSS / theirs), and `memory_above_baseline_vs_…` (the
 * same less each worker's baseline).
 *
 * Options (`key=value`): `systems=chartlog,yjs,…`, `reps=3`, `automerge-reps=`, `n=` (saves
 * per site), `patients=` (default N/10), `seed=1`, `budget-s=` (900; full 3600),
 * `budget-mb=16384`, `dump=<dir>` (write normalized states as TSV), and modelling
 * variants: `chartlog-batch=1`, `automerge-values=json|nested`, `automerge-merge=since|sync`,
 * `crdt-docs=site|patient` (Yjs and Automerge: a document per site or per patient).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emit, progress, type BenchOptions } from './emit.js';
import { prepareWorkload, type PreparedWorkload } from './vsCrdt/preparedWorkload.js';
import { emitFigures, emitRatios, printTable } from './vsCrdt/report.js';
import { runWorker, type WorkerBudget } from './vsCrdt/runWorker.js';
import { figuresFromRuns, figuresFromStopped, type SystemFigures } from './vsCrdt/systemFigures.js';
import { isSystemName, SYSTEM_NAMES, type SystemName, type SystemOptions } from './vsCrdt/systems.js';
import { verifyRun } from './vsCrdt/verifyRun.js';
import type { WorkerResult } from './vsCrdt/workerProtocol.js';

const GOALS = { yjs: { speedup: 2, memory: 1 }, automerge: { speedup: 50 } } as const;
/** When a system goes over budget at full size, it is measured again at this fraction of N. */
const FALLBACK_FRACTION = 0.2;

interface Settings {
  readonly perSite: number;
  readonly patients: number;
  readonly seed: number;
  readonly systems: readonly SystemName[];
  readonly reps: number;
  readonly automergeReps: number;
  readonly budget: WorkerBudget;
  readonly dumpDir?: string;
  readonly options: SystemOptions;
}

/** Runs the benchmark (called by bench/run.ts). */
export async function run(options: BenchOptions): Promise<void> {
  const settings = parseSettings(options);
  const dir = mkdtempSync(join(tmpdir(), 'chartlog-vs-crdt-'));
  try {
    await compare(settings, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function compare(s: Settings, dir: string): Promise<void> {
  const workloads = new Map<number, PreparedWorkload>();
  const workload = async (perSite: number): Promise<PreparedWorkload> => {
    let w = workloads.get(perSite);
    if (w === undefined) {
      const patients =
        perSite === s.perSite ? s.patients : Math.max(1, Math.round(s.patients * (perSite / s.perSite)));
      progress(
        `vs-crdt: generating ${3 * perSite} saves over ${patients} patients (seed ${s.seed}) and the expected state…`,
      );
      w = await prepareWorkload({
        perSite,
        patients,
        seed: s.seed,
        dir,
        ...(s.dumpDir === undefined ? {} : { dumpDir: s.dumpDir }),
      });
      workloads.set(perSite, w);
      progress(
        `  saves ${w.savesHash}: ${w.expected.fields} fields, ${w.expected.multiSite} of them registers written at several sites (left out of the comparison)`,
      );
    }
    return w;
  };
  const headline = await workload(s.perSite);
  emit({
    bench: 'vs-crdt',
    metric: 'fields_compared',
    value: headline.expected.fields - headline.expected.multiSite,
    unit: 'fields',
    perSite: s.perSite,
    patients: s.patients,
    saves: headline.saves,
    savesHash: headline.savesHash,
    multiSiteRegistersExcluded: headline.expected.multiSite,
    logicalDigest: headline.expected.logical.slice(0, 16),
  });

  const rows: SystemFigures[] = [];
  const figures = await measureInterleaved(
    s.systems,
    headline,
    (system) => (system === 'automerge' ? s.automergeReps : s.reps),
    s,
  );
  for (const system of s.systems) {
    const measured = figures.get(system) as SystemFigures;
    rows.push(measured);
    emitFigures(measured, headline.patients);
    if (measured.bound === 'lower') {
      const smaller = await workload(Math.max(100, Math.round(s.perSite * FALLBACK_FRACTION)));
      const small = (await measureInterleaved([system], smaller, () => 1, s)).get(system) as SystemFigures;
      rows.push(small);
      emitFigures(
        small,
        smaller.patients,
        `measured at N = ${smaller.perSite}/site: N = ${s.perSite} went over budget`,
      );
      if (small.bound === undefined) {
        const factor = s.perSite / smaller.perSite;
        emit({
          bench: 'vs-crdt',
          metric: 'total_s_extrapolated',
          value: Math.round(small.totalS * factor * 10) / 10,
          unit: 's',
          system,
          perSite: s.perSite,
          fromPerSite: smaller.perSite,
          method: 'linear in N from a smaller run: an estimate, not a measurement',
        });
      }
    }
  }

  const ratios: { ours: SystemName; versus: SystemName; speedup: number; memory: number; bound: boolean }[] =
    [];
  for (const ours of ['chartlog', 'chartlog-no-integrity'] as const) {
    const mine = figures.get(ours);
    if (mine === undefined || mine.bound !== undefined) continue;
    for (const versus of ['yjs', 'automerge'] as const) {
      const other = figures.get(versus);
      if (other === undefined) continue;
      emitRatios(mine, other, GOALS[versus]);
      ratios.push({
        ours,
        versus,
        speedup: other.totalS / mine.totalS,
        memory: mine.peakRssMb / other.peakRssMb,
        bound: other.bound !== undefined,
      });
    }
  }
  const off = figures.get('chartlog-no-integrity');
  if (off !== undefined && off.bound === undefined && Number(off.notes['signedHeads']) > 0) {
    progress(
      `vs-crdt: WARNING: chartlog-no-integrity still signed ${off.notes['signedHeads']} heads: this checkout's createReplica ignores \`integrity: false\`, so both chartlog rows measure the same thing`,
    );
  }
  printTable(rows, ratios);
}

/**
 * Runs every system `repsOf(system)` times at one size, in rounds (run 1 of each system,
 * then run 2 of each …) so that a change in the shared machine's load falls on every
 * system alike. Each run is checked ({@link verifyRun}); a system whose run goes over
 * budget is not run again and gets that run's lower bounds.
 */
async function measureInterleaved(
  systems: readonly SystemName[],
  w: PreparedWorkload,
  repsOf: (system: SystemName) => number,
  s: Settings,
): Promise<Map<SystemName, SystemFigures>> {
  const results = new Map<SystemName, WorkerResult[]>(systems.map((system) => [system, []]));
  const stopped = new Map<SystemName, SystemFigures>();
  const rounds = Math.max(...systems.map(repsOf));
  for (let rep = 1; rep <= rounds; rep++) {
    for (const system of systems) {
      if (rep > repsOf(system) || stopped.has(system)) continue;
      progress(`vs-crdt: ${system}, N = ${w.perSite}/site, run ${rep}/${repsOf(system)}…`);
      const outcome = await runWorker(
        {
          system,
          perSite: w.perSite,
          patients: w.patients,
          seed: w.seed,
          multiSiteFile: w.multiSiteFile,
          options: s.options,
          ...(s.dumpDir === undefined ? {} : { dumpDir: s.dumpDir }),
        },
        s.budget,
        (p) => progress(`  ${p.phase}: ${p.seconds.toFixed(2)} s`),
      );
      if (!outcome.ok) {
        if (outcome.reason === 'crash') throw new Error(`vs-crdt: ${system} worker ${outcome.detail}`);
        progress(`  stopped (${outcome.reason}: ${outcome.detail}); its figures are lower bounds`);
        stopped.set(system, figuresFromStopped(system, w.perSite, outcome));
        continue;
      }
      verifyRun(outcome.result, w);
      const r = outcome.result;
      progress(
        `  checked: 3 sites converged, ${r.digests[0]?.fields} fields as expected; peak RSS ${r.peakRssMb} MiB`,
      );
      (results.get(system) as WorkerResult[]).push(r);
    }
  }
  // A system stopped after some runs finished reports the bounds: its runs are not all comparable.
  return new Map(
    systems.map((system) => [
      system,
      stopped.get(system) ?? figuresFromRuns(system, results.get(system) as WorkerResult[]),
    ]),
  );
}

function parseSettings(options: BenchOptions): Settings {
  const args = new Map<string, string>();
  for (const a of options.args) {
    const at = a.indexOf('=');
    if (at < 0)
      throw new Error(
        `vs-crdt: unknown argument ${a} (options are key=value; see the header of bench/vs-crdt.bench.ts)`,
      );
    args.set(a.slice(0, at), a.slice(at + 1));
  }
  const known = [
    'systems',
    'reps',
    'automerge-reps',
    'n',
    'patients',
    'seed',
    'budget-s',
    'budget-mb',
    'dump',
    'chartlog-batch',
    'automerge-values',
    'automerge-merge',
    'crdt-docs',
  ];
  for (const k of args.keys())
    if (!known.includes(k)) throw new Error(`vs-crdt: unknown option ${k}= (known: ${known.join(', ')})`);
  const int = (key: string, fallback: number): number => {
    const v = args.get(key);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`vs-crdt: ${key}= must be a positive integer, got ${v}`);
    return n;
  };
  const perSite = int('n', options.quick ? 20_000 : 100_000);
  const systems = (args.get('systems')?.split(',') ?? [...SYSTEM_NAMES]).map((name) => {
    if (!isSystemName(name))
      throw new Error(`vs-crdt: unknown system ${name} (known: ${SYSTEM_NAMES.join(', ')})`);
    return name;
  });
  const values = args.get('automerge-values');
  if (values !== undefined && values !== 'json' && values !== 'nested')
    throw new Error('vs-crdt: automerge-values= is json or nested');
  const merge = args.get('automerge-merge');
  if (merge !== undefined && merge !== 'since' && merge !== 'sync')
    throw new Error('vs-crdt: automerge-merge= is since or sync');
  const docs = args.get('crdt-docs');
  if (docs !== undefined && docs !== 'site' && docs !== 'patient')
    throw new Error('vs-crdt: crdt-docs= is site or patient');
  const batch = args.get('chartlog-batch') === undefined ? undefined : int('chartlog-batch', 1);
  const dumpDir = args.get('dump');
  return {
    perSite,
    patients: int('patients', Math.max(1, Math.round(perSite / 10))),
    seed: int('seed', 1),
    systems,
    reps: int('reps', 3),
    automergeReps: int('automerge-reps', args.has('reps') ? int('reps', 3) : options.quick ? 3 : 1),
    budget: { seconds: int('budget-s', options.quick ? 900 : 3600), rssMb: int('budget-mb', 16_384) },
    ...(dumpDir === undefined ? {} : { dumpDir }),
    options: {
      ...(batch === undefined ? {} : { chartlogBatch: batch }),
      ...(values === undefined ? {} : { automergeValues: values }),
      ...(merge === undefined ? {} : { automergeMerge: merge }),
      ...(docs === undefined ? {} : { crdtDocs: docs }),
    },
  };
}
