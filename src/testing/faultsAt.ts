import type { FaultSchedule, NetworkFault } from './faultSchedule.js';

/**
 * The faults of a {@link FaultSchedule} in force at one step, as the decisions a simulated
 * network asks of them. Random choices draw from `next` (the run's seeded source) in a
 * fixed order, so a schedule replays exactly.
 *
 * @example
 * ```ts
 * const faults = faultsAt(schedule, step, 3, next);
 * if (!faults.cuts(0, 1) && !faults.drops()) deliverLater(faults.holdMs(stepMs));
 * ```
 */
export interface FaultsAt {
  /** True when a partition cuts the link between sites `i` and `j`. */
  cuts(i: number, j: number): boolean;
  /** Whether a message sent now is dropped: a draw per drop fault, until one takes it. */
  drops(): boolean;
  /** How long a message sent now is held beyond its latency: every delay, then a random hold (whole steps) per reorder. */
  holdMs(stepMs: number): number;
  /** Whether a message sent now is duplicated: a draw per duplicate fault, until one copies it. */
  duplicates(): boolean;
}

type Windowed = Exclude<NetworkFault, { kind: 'crash' }>;
type Of<K extends Windowed['kind']> = Extract<Windowed, { kind: K }>;

/** The faults of `schedule` active at `step` in a network of `sites` sites. */
export function faultsAt(schedule: FaultSchedule, step: number, sites: number, next: () => number): FaultsAt {
  const active = <K extends Windowed['kind']>(kind: K): Of<K>[] =>
    schedule.faults.filter(
      (f): f is Of<K> => f.kind === kind && 'from' in f && f.from <= step && step < f.until,
    );
  const chance = (percent: number): boolean => next() % 100 < percent;
  return {
    cuts: (i, j) =>
      active('partition').some((f) => {
        const side = new Set(f.side.map((s) => s % sites));
        return side.has(i) !== side.has(j);
      }),
    drops: () => active('drop').some((f) => chance(f.percent)),
    holdMs(stepMs) {
      let ms = 0;
      for (const f of active('delay')) ms += f.ms;
      for (const f of active('reorder')) ms += (next() % (f.maxSteps + 1)) * stepMs;
      return ms;
    },
    duplicates: () => active('duplicate').some((f) => chance(f.percent)),
  };
}
