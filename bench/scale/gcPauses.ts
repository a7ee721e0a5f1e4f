/**
 * Heap and garbage-collection probes for the scale workers. They need
 * `node --expose-gc` for {@link liveHeap} to mean "live": without it the sample is taken
 * without collecting first, and is noted as such by a warning.
 */
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import type { GcTime, HeapSample } from './scaleJob.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined)
  process.stderr.write('scale: run with node --expose-gc, or heap figures include garbage\n');

/** Memory after a full collection (twice: the first can leave finalised objects for the second). */
export function liveHeap(): HeapSample {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

/** A full collection, so a timed region does not pay for the garbage of the one before. */
export function collectGarbage(): void {
  gc?.();
}

/** Peak resident set size of this process so far, MiB. */
export function maxRssMb(): number {
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

/** Records garbage-collection pauses, so a timed region can say how much of it was GC. */
export interface GcPauses {
  /** GC pauses that started between `from` and `to` (`performance.now()` ms), by kind. Waits a turn for pending entries. */
  between(from: number, to: number): Promise<GcTime>;
  /** Stops observing. */
  stop(): void;
}

/**
 * Starts observing GC pauses (`PerformanceObserver` `gc` entries: each scavenge,
 * mark-compact and incremental marking step, with its duration on the main thread).
 *
 * @example
 * ```ts
 * const pauses = observeGcPauses();
 * const t0 = performance.now(); work(); const t1 = performance.now();
 * const { totalS } = await pauses.between(t0, t1);
 * ```
 */
export function observeGcPauses(): GcPauses {
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) entries.push(e);
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    async between(from, to) {
      // Entries are delivered asynchronously; a synchronous region's arrive after it.
      await new Promise((resolve) => setTimeout(resolve, 0));
      for (const e of observer.takeRecords()) entries.push(e);
      const ms = { total: 0, major: 0, minor: 0, incremental: 0 };
      for (const e of entries) {
        if (e.startTime < from || e.startTime >= to) continue;
        ms.total += e.duration;
        const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
        if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) ms.major += e.duration;
        else if (kind === constants.NODE_PERFORMANCE_GC_MINOR) ms.minor += e.duration;
        else if (kind === constants.NODE_PERFORMANCE_GC_INCREMENTAL) ms.incremental += e.duration;
      }
      return {
        totalS: ms.total / 1000,
        majorS: ms.major / 1000,
        minorS: ms.minor / 1000,
        incrementalS: ms.incremental / 1000,
      };
    },
    stop() {
      observer.disconnect();
    },
  };
}
