/**
 * The scale benchmark's results: per size, per-event figures summarised from the workers'
 * raw results, the growth from the smallest size to the largest, and the machine. Written
 * to bench/results/scale.json, which scripts/plot-scale.mjs reads.
 */
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { median } from '../emit.js';
import { percentile, type LatencyResult } from '../practice/practiceJob.js';
import type { GcTime, RebuildResult, SyncResult } from './scaleJob.js';

/** Where the figures were measured. */
export interface MachineInfo {
  /** `os.cpus()[0].model`. */
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  /** `process.version`. */
  readonly node: string;
  readonly os: string;
}

/** Per-event figures at one size. */
export interface SizeSummary {
  readonly events: number;
  readonly patients: number;
  readonly rebuild: {
    /** Median over runs of `apply` time / events, µs. */
    readonly usPerEvent: number;
    readonly runsUsPerEvent: readonly number[];
    /** Share of `apply` time spent in GC pauses, all runs together, %. */
    readonly gcPercent: number;
    /** Of which mark-compact (full) collections, incremental marking included, %. */
    readonly gcMajorPercent: number;
    /** First replica hash after the rebuild / events, µs. */
    readonly hashUsPerEvent: number;
  };
  readonly sync: {
    /** Median over runs of sync time / accepted events, µs. */
    readonly usPerEvent: number;
    readonly runsUsPerEvent: readonly number[];
    /** Share of sync time spent in GC pauses, all runs together, %. */
    readonly gcPercent: number;
    /** Of which mark-compact (full) collections, incremental marking included, %. */
    readonly gcMajorPercent: number;
    /** Median over runs of offline record time / events, µs (through each site's replica). */
    readonly recordUsPerEvent: number;
    readonly accepted: number;
  };
  readonly memory: {
    /** Live heap growth from before generation to events + rebuilt chart, per event, bytes. */
    readonly heapBytesPerEvent: number;
    /** Of which the events themselves. */
    readonly eventsBytesPerEvent: number;
    /** Of which the chart (indexes, snapshots, folded state). */
    readonly chartBytesPerEvent: number;
    /** Live heap of three converged replicas (memory stores and charts), per event per replica, bytes (first sync run). */
    readonly syncHeapBytesPerReplicaEvent: number;
    /** Peak RSS of the rebuild worker, MiB. */
    readonly rebuildRssMb: number;
    /** Peak RSS of the (largest) sync worker, MiB. */
    readonly syncRssMb: number;
  };
  /** A replica opened on a SQLite store of this size with a current persisted projection. */
  readonly open: {
    /** `createReplica` on the store, ms. */
    readonly openMs: number;
    /** RSS right after it, MiB. */
    readonly openRssMb: number;
    /** Median of the first read of a patient's state (not in the projection's cache), ms. */
    readonly readColdMs: number;
    readonly readColdP99Ms: number;
    readonly readColdSamples: number;
  };
}

/** One growth ratio: a per-event figure at the largest size over the same at the smallest. */
export interface Growth {
  readonly metric: string;
  readonly value: number;
  readonly from: number;
  readonly to: number;
  readonly goal: number;
}

/** The whole file. */
export interface ScaleResults {
  readonly bench: 'scale';
  readonly startedAt: string;
  readonly finishedAt: string;
  /** `git rev-parse --short HEAD` at the start, with `+dirty` when src/ had uncommitted changes. */
  readonly commit: string;
  /** The same at the end (others may commit while a long run goes on). */
  readonly commitAtEnd: string;
  readonly machine: MachineInfo;
  /** 1-minute load averages at start and end: the machine is shared. */
  readonly loadAverage: { readonly start: number; readonly end: number };
  readonly quick: boolean;
  readonly eventsPerPatient: number;
  readonly sizes: readonly SizeSummary[];
  readonly growth: readonly Growth[];
  /** Every JSON line the run printed. */
  readonly lines: readonly unknown[];
  /** The workers' raw results, per size: one rebuild, each sync run, and the open-and-read one. */
  readonly raw: readonly {
    readonly rebuild: RebuildResult;
    readonly sync: readonly SyncResult[];
    readonly open: LatencyResult;
  }[];
}

/** The machine this process runs on. */
export function machineInfo(): MachineInfo {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGb: Math.round(totalmem() / 1073741824),
    node: process.version,
    os: `${platform()} ${release()}`,
  };
}

/** The 1-minute load average. */
export function loadAverage(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const majorS = (g: GcTime): number => g.majorS + g.incrementalS;

/** Per-event figures from one size's rebuild result and its sync runs, and the open cost from its open-and-read run. */
export function summariseSize(
  rebuild: RebuildResult,
  syncs: readonly SyncResult[],
  open: LatencyResult,
): SizeSummary {
  const n = rebuild.events;
  const rebuildUs = rebuild.applyS.map((s) => (s * 1e6) / n);
  const syncUs = syncs.map((s) => (s.syncS * 1e6) / s.accepted);
  const first = syncs[0];
  if (first === undefined) throw new Error('scale: no sync run');
  return {
    events: n,
    patients: rebuild.patients,
    rebuild: {
      usPerEvent: round(median(rebuildUs), 3),
      runsUsPerEvent: rebuildUs.map((u) => round(u, 3)),
      gcPercent: round((100 * sum(rebuild.applyGc.map((g) => g.totalS))) / sum(rebuild.applyS), 1),
      gcMajorPercent: round((100 * sum(rebuild.applyGc.map(majorS))) / sum(rebuild.applyS), 1),
      hashUsPerEvent: round((rebuild.hashS * 1e6) / n, 3),
    },
    sync: {
      usPerEvent: round(median(syncUs), 3),
      runsUsPerEvent: syncUs.map((u) => round(u, 3)),
      gcPercent: round((100 * sum(syncs.map((s) => s.syncGc.totalS))) / sum(syncs.map((s) => s.syncS)), 1),
      gcMajorPercent: round(
        (100 * sum(syncs.map((s) => majorS(s.syncGc)))) / sum(syncs.map((s) => s.syncS)),
        1,
      ),
      recordUsPerEvent: round(median(syncs.map((s) => (s.recordS * 1e6) / s.events)), 3),
      accepted: first.accepted,
    },
    memory: {
      heapBytesPerEvent: Math.round((rebuild.withChart.heapUsed - rebuild.baseline.heapUsed) / n),
      eventsBytesPerEvent: Math.round((rebuild.withEvents.heapUsed - rebuild.baseline.heapUsed) / n),
      chartBytesPerEvent: Math.round((rebuild.withChart.heapUsed - rebuild.withEvents.heapUsed) / n),
      syncHeapBytesPerReplicaEvent: Math.round(
        (first.afterSync.heapUsed - first.baseline.heapUsed) / (3 * first.events),
      ),
      rebuildRssMb: rebuild.maxRssMb,
      syncRssMb: Math.max(...syncs.map((s) => s.maxRssMb)),
    },
    open: {
      openMs: round(open.openS * 1000, 3),
      openRssMb: open.openRssMb,
      readColdMs: round(median(open.ms), 3),
      readColdP99Ms: round(percentile(open.ms, 99), 3),
      readColdSamples: open.ms.length,
    },
  };
}

/** The figures compared across sizes (per event, or per open and per read), with how to read each from a summary. */
export const GROWTH_FIGURES: readonly { readonly name: string; readonly of: (s: SizeSummary) => number }[] = [
  { name: 'rebuild', of: (s) => s.rebuild.usPerEvent },
  { name: 'sync', of: (s) => s.sync.usPerEvent },
  { name: 'heap', of: (s) => s.memory.heapBytesPerEvent },
  { name: 'record', of: (s) => s.sync.recordUsPerEvent },
  { name: 'hash', of: (s) => s.rebuild.hashUsPerEvent },
  // Not per event: opening and a cold read should cost the same at every size.
  { name: 'open', of: (s) => s.open.openMs },
  { name: 'read_cold', of: (s) => s.open.readColdMs },
];

/** A size as a short label: 10000 → `10k`, 1000000 → `1m`. */
export function sizeLabel(n: number): string {
  if (n >= 1e6 && n % 1e5 === 0) return `${n / 1e6}m`;
  if (n >= 1e3 && n % 100 === 0) return `${n / 1e3}k`;
  return String(n);
}

/** Growth of each {@link GROWTH_FIGURES} figure from the smallest size to the largest (named e.g. `rebuild_growth_1m_vs_10k`). */
export function growthRatios(sizes: readonly SizeSummary[], goal: number): Growth[] {
  const sorted = [...sizes].sort((a, b) => a.events - b.events);
  const small = sorted[0];
  const large = sorted[sorted.length - 1];
  if (small === undefined || large === undefined || small === large) return [];
  return GROWTH_FIGURES.map(({ name, of }) => ({
    metric: `${name}_growth_${sizeLabel(large.events)}_vs_${sizeLabel(small.events)}`,
    value: round(of(large) / of(small), 3),
    from: small.events,
    to: large.events,
    goal,
  }));
}
