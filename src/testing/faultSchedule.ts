/**
 * One fault of a {@link FaultSchedule}. Times are simulated steps (`from` inclusive,
 * `until` exclusive); site indices are taken modulo the number of sites, so any
 * schedule runs on any network (and shrinks freely).
 *
 * @example
 * ```ts
 * const cut: NetworkFault = { kind: 'partition', from: 2, until: 12, side: [0] }; // s0 alone for steps 2–11
 * ```
 */
export type NetworkFault =
  /** The links between `side` and every other site are down: nothing crosses them, in flight or new. */
  | {
      readonly kind: 'partition';
      readonly from: number;
      readonly until: number;
      readonly side: readonly number[];
    }
  /** Each message sent in the window is lost with probability `percent` / 100. */
  | { readonly kind: 'drop'; readonly from: number; readonly until: number; readonly percent: number }
  /** Each message sent in the window arrives twice (the copy later) with probability `percent` / 100. */
  | { readonly kind: 'duplicate'; readonly from: number; readonly until: number; readonly percent: number }
  /** Each message sent in the window is held back by up to `maxSteps` extra steps, so later ones overtake it. */
  | { readonly kind: 'reorder'; readonly from: number; readonly until: number; readonly maxSteps: number }
  /** Every message sent in the window arrives `ms` simulated milliseconds later than usual. */
  | { readonly kind: 'delay'; readonly from: number; readonly until: number; readonly ms: number }
  /**
   * A durable site (index modulo the durable sites) crashes at step `at`: its replica is
   * discarded mid-flight, its store abandoned unclosed (no flush, no checkpoint), every message to it
   * lost; after `downSteps` it restarts on its file with a new replica. Ignored when no
   * site is durable.
   */
  | { readonly kind: 'crash'; readonly at: number; readonly site: number; readonly downSteps: number };

/**
 * Sites recording during a run: at step `step`, site `site` records `count` events.
 *
 * @example
 * ```ts
 * const burst: ScheduledWrite = { step: 3, site: 1, count: 4 };
 * ```
 */
export interface ScheduledWrite {
  /** The step (one past the run's last step: at the last step). */
  readonly step: number;
  /** The site (modulo the number of sites). */
  readonly site: number;
  /** Events recorded, one `record()` each. */
  readonly count: number;
}

/**
 * Everything a network simulation does, as plain JSON: replay it with
 * `runNetworkSimulation(schedule, options)` and get the same trace and hashes, byte for
 * byte. Generated (and shrunk) by `faultScheduleArbitrary`; printed by
 * {@link describeFaultSchedule}.
 *
 * @example
 * ```ts
 * const schedule: FaultSchedule = {
 *   sites: 3, durable: 1, seed: 42, steps: 20, clockOffsetsMs: [0, 1500, -800],
 *   writes: [{ step: 0, site: 0, count: 5 }, { step: 3, site: 2, count: 4 }],
 *   faults: [{ kind: 'partition', from: 2, until: 12, side: [0] }, { kind: 'crash', at: 6, site: 0, downSteps: 3 }],
 * };
 * ```
 */
export interface FaultSchedule {
  /** Number of sites (at least 2). */
  readonly sites: number;
  /** The first `durable` sites keep their events in a durable store (e.g. a SQLite file) and can crash. */
  readonly durable: number;
  /** Seeds every random choice of the run (which messages drop, how long reordering holds them, what is written). */
  readonly seed: number;
  /** Simulated steps before the healing period. */
  readonly steps: number;
  /** Each site's wall-clock error in ms (missing entries: 0). */
  readonly clockOffsetsMs: readonly number[];
  /** What the sites record, and when. */
  readonly writes: readonly ScheduledWrite[];
  /** The faults. */
  readonly faults: readonly NetworkFault[];
}

/**
 * A readable account of a schedule, one fault per line, for counterexamples.
 *
 * @example
 * ```ts
 * describeFaultSchedule(schedule);
 * // FaultSchedule: 3 sites (1 durable), seed 42, 20 steps, clocks +0/+1500/-800 ms, 9 writes
 * //   writes: s0@0×5 s2@3×4
 * //   steps 2–12: partition {s0} | rest
 * //   step 6: crash s0 (durable #0) for 3 steps
 * ```
 */
export function describeFaultSchedule(schedule: FaultSchedule): string {
  const clocks = Array.from({ length: schedule.sites }, (_, i) => schedule.clockOffsetsMs[i] ?? 0).map(
    (ms) => `${ms >= 0 ? '+' : ''}${ms}`,
  );
  const total = schedule.writes.reduce((n, w) => n + w.count, 0);
  const lines = [
    `FaultSchedule: ${schedule.sites} sites (${schedule.durable} durable), seed ${schedule.seed}, ` +
      `${schedule.steps} steps, clocks ${clocks.join('/')} ms, ${total} writes`,
    `  writes: ${schedule.writes.map((w) => `s${w.site % schedule.sites}@${w.step}×${w.count}`).join(' ') || '(none)'}`,
    ...schedule.faults.map((f) => `  ${describeFault(f, schedule)}`),
  ];
  return lines.join('\n');
}

function describeFault(fault: NetworkFault, schedule: FaultSchedule): string {
  switch (fault.kind) {
    case 'partition': {
      const side = [...new Set(fault.side.map((s) => s % schedule.sites))].sort((a, b) => a - b);
      return `steps ${fault.from}–${fault.until}: partition {${side.map((s) => `s${s}`).join(',')}} | rest`;
    }
    case 'drop':
      return `steps ${fault.from}–${fault.until}: drop ${fault.percent}%`;
    case 'duplicate':
      return `steps ${fault.from}–${fault.until}: duplicate ${fault.percent}%`;
    case 'reorder':
      return `steps ${fault.from}–${fault.until}: reorder (hold up to ${fault.maxSteps} steps)`;
    case 'delay':
      return `steps ${fault.from}–${fault.until}: delay ${fault.ms} ms`;
    case 'crash':
      return schedule.durable > 0
        ? `step ${fault.at}: crash s${fault.site % schedule.durable} (durable) for ${fault.downSteps} steps`
        : `step ${fault.at}: crash (ignored: no durable site)`;
  }
}
