/**
 * The rebuild leg of the scale benchmark, run inside a worker: fold N clinical events
 * into a new chart, as bench/rebuild.bench.ts does, several times; then the heap the
 * events and one chart retain, and the first replica hash.
 */
import { createChart, type Chart, type ChartEvent } from '../../src/index.js';
import { clinicalSchema } from '../../src/clinical/index.js';
import { progress } from '../emit.js';
import { savesToEvents } from '../workload/primaryCareEvents.js';
import { generateSaves } from '../workload/primaryCareSaves.js';
import { collectGarbage, liveHeap, maxRssMb, observeGcPauses, type GcPauses } from './gcPauses.js';
import {
  CONCURRENCY,
  EVENTS_PER_PATIENT,
  SEED,
  WARMUP_EVENTS,
  type GcTime,
  type RebuildResult,
  type ScaleJob,
} from './scaleJob.js';

/** The workload as chartlog events; the saves are garbage once it returns (its own frame, so no register keeps them alive). */
function generateEvents(events: number, patients: number, seed: number): readonly ChartEvent[] {
  return savesToEvents(generateSaves({ saves: events, patients, concurrency: CONCURRENCY, seed }));
}

/** Generates and folds a small workload of the same shape, and drops it: JIT warm-up. */
function warmUp(): void {
  createChart({ schema: clinicalSchema }).apply(
    generateEvents(WARMUP_EVENTS, WARMUP_EVENTS / EVENTS_PER_PATIENT, SEED + 1),
  );
  // Something (V8 feedback or a module-level cache) keeps the last generated events and
  // chart reachable, ~8 MB here, until the next are made: make tiny ones, so the baseline
  // heap sample does not count the warm-up's.
  createChart({ schema: clinicalSchema }).apply(generateEvents(EVENTS_PER_PATIENT, 1, SEED + 2));
}

/** One timed rebuild after a full collection; its time and GC pauses go to `seconds` and `gcTimes`. Its own frame, so nothing but the caller's variable keeps the chart alive. */
async function timedRebuild(
  events: readonly ChartEvent[],
  pauses: GcPauses,
  seconds: number[],
  gcTimes: GcTime[],
): Promise<Chart> {
  collectGarbage();
  const chart = createChart({ schema: clinicalSchema });
  const t0 = performance.now();
  chart.apply(events);
  const t1 = performance.now();
  seconds.push((t1 - t0) / 1000);
  gcTimes.push(await pauses.between(t0, t1));
  return chart;
}

/**
 * Warms the JIT up by generating and folding a separate {@link WARMUP_EVENTS}-event
 * workload of the same shape into a throwaway chart (the same at every size, so the
 * smallest does not pay for compilation the largest amortises, and before the baseline
 * heap sample, so compiled code is not counted per event); generates the workload
 * (untimed); then `job.runs` times: a full collection, a new chart, `chart.apply(events)`
 * timed, the previous chart dropped first so only one is ever live. After the last run:
 * the live heap with events and chart, and the first `chart.hash()`.
 */
export async function measureRebuild(job: ScaleJob): Promise<RebuildResult> {
  warmUp();
  const baseline = liveHeap();
  const g0 = performance.now();
  const events = generateEvents(job.events, job.patients, SEED);
  const generateS = (performance.now() - g0) / 1000;
  const withEvents = liveHeap();
  progress(`  rebuild ${job.events}: ${events.length} events generated in ${generateS.toFixed(1)} s`);

  const pauses = observeGcPauses();
  const applyS: number[] = [];
  const applyGc: GcTime[] = [];
  let chart: Chart | undefined;
  for (let r = 0; r < job.runs; r++) {
    // Let go of the previous run's chart first, so two are never held at once.
    // eslint-disable-next-line no-useless-assignment
    chart = undefined;
    chart = await timedRebuild(events, pauses, applyS, applyGc);
    progress(
      `  rebuild ${job.events}: run ${r + 1}/${job.runs} ${(((applyS.at(-1) ?? 0) * 1e6) / events.length).toFixed(2)} µs/event`,
    );
  }
  pauses.stop();
  if (chart === undefined) throw new Error('rebuild: runs must be at least 1');
  if (chart.size !== events.length)
    throw new Error(`rebuild: the chart holds ${chart.size} events, not ${events.length}`);
  const withChart = liveHeap();

  const h0 = performance.now();
  chart.hash();
  const hashS = (performance.now() - h0) / 1000;
  return {
    kind: 'rebuild',
    events: events.length,
    patients: job.patients,
    generateS,
    applyS,
    applyGc,
    hashS,
    baseline,
    withEvents,
    withChart,
    maxRssMb: maxRssMb(),
  };
}
