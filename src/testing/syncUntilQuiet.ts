import { ChartlogError } from '../error/chartlogError.js';
import type { Chart } from '../chart/chart.js';
import type { ChartEvent } from '../event/chartEvent.js';

/** Options for {@link syncUntilQuiet}. */
export interface SyncUntilQuietOptions {
  /** Give up (throw) after this many rounds without quiet. @defaultValue `charts.length + 1` */
  readonly maxRounds?: number;
  /** Largest batch one transfer applies, so big syncs arrive in several `apply` calls. @defaultValue unbounded */
  readonly maxBatch?: number;
}

/** What {@link syncUntilQuiet} did. */
export interface SyncUntilQuietReport {
  /** Rounds run, including the last, quiet one. */
  readonly rounds: number;
  /** Events transferred in total. */
  readonly transferred: number;
}

/**
 * Gossips events between charts round by round, each chart pulling what its ring
 * neighbour holds and it lacks, until a round transfers nothing (as Automerge's
 * `sync(a, b)` test helper loops until quiet). Afterwards every chart holds every event.
 *
 * @throws ChartlogError `SYNC_NOT_QUIET` when still not quiet after `maxRounds`.
 * @example
 * ```ts
 * syncUntilQuiet([practiceA, hospital, backup]);
 * compareCharts([practiceA, hospital, backup]);
 * ```
 */
export function syncUntilQuiet(
  charts: readonly Chart[],
  options: SyncUntilQuietOptions = {},
): SyncUntilQuietReport {
  const n = charts.length;
  const maxRounds = options.maxRounds ?? n + 1;
  const maxBatch = options.maxBatch ?? Number.POSITIVE_INFINITY;
  let transferred = 0;
  for (let round = 1; round <= maxRounds; round++) {
    let moved = 0;
    for (let i = 0; i < n; i++) {
      const from = charts[i] as Chart;
      const to = charts[(i + 1) % n] as Chart;
      if (from === to) continue;
      const missing: ChartEvent[] = [];
      for (const stream of from.streams()) {
        const held = new Set(to.events(stream).map((e) => e.id));
        for (const e of from.events(stream)) if (!held.has(e.id)) missing.push(e);
      }
      for (let at = 0; at < missing.length; at += Math.min(maxBatch, missing.length))
        to.apply(missing.slice(at, at + Math.min(maxBatch, missing.length)));
      moved += missing.length;
    }
    transferred += moved;
    if (moved === 0) return { rounds: round, transferred };
  }
  throw new ChartlogError(
    'SYNC_NOT_QUIET',
    `syncUntilQuiet: still transferring after ${maxRounds} rounds (${transferred} events moved)`,
    { details: { rounds: maxRounds, transferred } },
  );
}
