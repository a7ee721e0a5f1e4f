import { median } from '../emit.js';
import type { SystemName } from './systems.js';
import type { WorkerOutcome } from './runWorker.js';
import type { WorkerResult } from './workerProtocol.js';

/** One system's figures at one size: medians over its runs, or lower bounds from a run stopped over budget. */
export interface SystemFigures {
  readonly system: SystemName;
  readonly perSite: number;
  /** Runs the medians are over (0 for a stopped run's bounds). */
  readonly runs: number;
  readonly recordS: number;
  readonly mergeS: number;
  readonly materializeS: number;
  /** Median of the runs' record + merge + materialize (not the sum of the medians). */
  readonly totalS: number;
  readonly wireBytes: number;
  readonly peakRssMb: number;
  readonly peakHeapMb: number;
  readonly baselineRssMb: number;
  /** `lower`: the run was stopped over budget; times and memory are at least these (a phase never reached counts 0). */
  readonly bound?: 'lower';
  /** Why the run was stopped, when it was. */
  readonly stopped?: string;
  /** The systems' notes, from the first run. */
  readonly notes: Readonly<Record<string, string | number | boolean>>;
}

/** Medians over completed runs. */
export function figuresFromRuns(system: SystemName, runs: readonly WorkerResult[]): SystemFigures {
  const first = runs[0];
  if (first === undefined) throw new Error(`no runs of ${system}`);
  const m = (pick: (r: WorkerResult) => number): number => median(runs.map(pick));
  return {
    system,
    perSite: first.perSite,
    runs: runs.length,
    recordS: m((r) => r.recordS),
    mergeS: m((r) => r.mergeS),
    materializeS: m((r) => r.materializeS),
    totalS: m((r) => r.recordS + r.mergeS + r.materializeS),
    wireBytes: m((r) => r.wireBytes),
    peakRssMb: m((r) => r.peakRssMb),
    peakHeapMb: m((r) => r.peakHeapMb),
    baselineRssMb: m((r) => r.baselineRssMb),
    notes: first.notes,
  };
}

/** Lower bounds from a run stopped over budget: finished phases as measured, the running one at least as long as it ran. */
export function figuresFromStopped(
  system: SystemName,
  perSite: number,
  outcome: Extract<WorkerOutcome, { ok: false }>,
): SystemFigures {
  const phase = (name: string): number =>
    outcome.phases.find((p) => p.phase === name)?.seconds ??
    (outcome.running?.phase === name ? outcome.running.atLeastS : 0);
  const recordS = phase('record');
  const mergeS = phase('merge');
  const materializeS = phase('materialize');
  return {
    system,
    perSite,
    runs: 0,
    recordS,
    mergeS,
    materializeS,
    totalS: recordS + mergeS + materializeS,
    wireBytes: 0,
    peakRssMb: Math.round(outcome.observedRssMb * 10) / 10,
    peakHeapMb: 0,
    baselineRssMb: 0,
    bound: 'lower',
    stopped: `${outcome.reason}: ${outcome.detail}`,
    notes: {},
  };
}
