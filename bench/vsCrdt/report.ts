import { emit, progress } from '../emit.js';
import type { SystemFigures } from './systemFigures.js';
import type { SystemName } from './systems.js';

const BENCH = 'vs-crdt';
const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** The fields every line about one system carries. */
function context(f: SystemFigures, patients: number): Record<string, string | number | boolean> {
  return {
    system: f.system,
    perSite: f.perSite,
    patients,
    saves: 3 * f.perSite,
    runs: f.runs,
    statistic: f.bound === 'lower' ? 'lower bound (stopped over budget)' : 'median',
    ...(f.stopped === undefined ? {} : { stopped: f.stopped }),
    ...f.notes,
  };
}

/** Prints one system's figures, one JSON line each. `label` marks figures at a size other than the headline's. */
export function emitFigures(f: SystemFigures, patients: number, label?: string): void {
  const c = { ...context(f, patients), ...(label === undefined ? {} : { note: label }) };
  emit({ bench: BENCH, metric: 'record_s', value: round(f.recordS), unit: 's', ...c });
  emit({ bench: BENCH, metric: 'merge_s', value: round(f.mergeS), unit: 's', ...c });
  emit({ bench: BENCH, metric: 'materialize_s', value: round(f.materializeS), unit: 's', ...c });
  emit({ bench: BENCH, metric: 'total_s', value: round(f.totalS), unit: 's', ...c });
  if (f.bound === undefined) {
    emit({ bench: BENCH, metric: 'wire_bytes', value: f.wireBytes, unit: 'bytes', ...c });
    emit({
      bench: BENCH,
      metric: 'peak_heap_mb',
      value: f.peakHeapMb,
      unit: 'MiB',
      ...c,
      what: 'largest heapUsed + external sampled at a phase end',
    });
    emit({
      bench: BENCH,
      metric: 'baseline_rss_mb',
      value: f.baselineRssMb,
      unit: 'MiB',
      ...c,
      what: 'worker RSS with the saves generated, before setup',
    });
  }
  emit({
    bench: BENCH,
    metric: 'peak_rss_mb',
    value: f.peakRssMb,
    unit: 'MiB',
    ...c,
    what: f.bound === undefined ? 'worker maxRSS' : 'largest RSS sampled before the stop',
  });
}

/**
 * Prints chartlog's ratios against another system: `speedup_vs_<other>` (their total
 * time / ours), `memory_vs_<other>` (our peak RSS / theirs) and
 * `memory_above_baseline_vs_<other>` (the same, less each worker's baseline RSS: Node,
 * the loader and the saves, which every worker holds alike). When the other system's
 * figures are lower bounds, the speedup is a lower bound and the memory ratios upper ones.
 */
export function emitRatios(
  ours: SystemFigures,
  other: SystemFigures,
  goals: { readonly speedup: number; readonly memory?: number },
): void {
  const vs = other.system;
  const common = { system: ours.system, versus: vs, perSite: ours.perSite };
  const lower = other.bound === 'lower';
  emit({
    bench: BENCH,
    metric: `speedup_vs_${vs}`,
    value: round(other.totalS / ours.totalS, 2),
    unit: 'ratio',
    ...common,
    ...(lower ? { bound: 'lower' } : {}),
    goal: goals.speedup,
    what: `${vs} total_s / ${ours.system} total_s`,
  });
  emit({
    bench: BENCH,
    metric: `memory_vs_${vs}`,
    value: round(ours.peakRssMb / other.peakRssMb, 2),
    unit: 'ratio',
    ...common,
    ...(lower ? { bound: 'upper' } : {}),
    ...(goals.memory === undefined ? {} : { goal: goals.memory }),
    what: `${ours.system} peak_rss_mb / ${vs} peak_rss_mb`,
  });
  if (!lower) {
    const net = (f: SystemFigures): number => f.peakRssMb - f.baselineRssMb;
    emit({
      bench: BENCH,
      metric: `memory_above_baseline_vs_${vs}`,
      value: round(net(ours) / net(other), 2),
      unit: 'ratio',
      ...common,
      what: `(${ours.system} peak_rss_mb - baseline_rss_mb) / (${vs} peak_rss_mb - baseline_rss_mb)`,
    });
  }
}

/** The human table, on stderr. */
export function printTable(
  rows: readonly SystemFigures[],
  ratios: readonly {
    readonly ours: SystemName;
    readonly versus: SystemName;
    readonly speedup: number;
    readonly memory: number;
    readonly bound: boolean;
  }[],
): void {
  const header = [
    'system',
    'N/site',
    'runs',
    'record s',
    'merge s',
    'materialize s',
    'total s',
    'wire MB',
    'peak RSS MiB',
    'peak heap MiB',
  ];
  const body = rows.map((f) => {
    const b = f.bound === 'lower' ? '≥' : '';
    return [
      f.system,
      String(f.perSite),
      f.bound === 'lower' ? 'stopped' : String(f.runs),
      b + f.recordS.toFixed(2),
      b + f.mergeS.toFixed(2),
      b + f.materializeS.toFixed(2),
      b + f.totalS.toFixed(2),
      f.bound ? '–' : (f.wireBytes / 1e6).toFixed(1),
      b + f.peakRssMb.toFixed(0),
      f.bound ? '–' : f.peakHeapMb.toFixed(0),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join('  ');
  progress('');
  progress(line(header));
  progress(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of body) progress(line(r));
  progress('');
  for (const r of ratios)
    progress(
      `${r.ours} vs ${r.versus}: speedup ${r.bound ? '≥ ' : ''}${r.speedup.toFixed(2)} (${r.versus} total / ${r.ours} total), memory ${r.bound ? '≤ ' : ''}${r.memory.toFixed(2)} (${r.ours} peak RSS / ${r.versus} peak RSS)`,
    );
}
