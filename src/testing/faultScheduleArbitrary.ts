import fc, { type Arbitrary } from 'fast-check';
import {
  describeFaultSchedule,
  type FaultSchedule,
  type NetworkFault,
  type ScheduledWrite,
} from './faultSchedule.js';

/**
 * Constraints for {@link faultScheduleArbitrary}.
 *
 * @example
 * ```ts
 * faultScheduleArbitrary({ minSites: 3, maxSites: 4, durable: 1, maxSteps: 30 });
 * ```
 */
export interface FaultScheduleConstraints {
  /** Fewest sites. @defaultValue `3` */
  readonly minSites?: number;
  /** Most sites. @defaultValue `4` */
  readonly maxSites?: number;
  /** Durable sites (they need a `durableStore` when run, and are the only ones that crash). @defaultValue `0` */
  readonly durable?: number;
  /**
   * Most simulated steps before healing (a run has at least half as many; faults and writes fall anywhere in
   * this span, those past the run's end are clamped or ignored).
   * @defaultValue `30`
   */
  readonly maxSteps?: number;
  /** Most scheduled writes (each records 1–`maxBurst` events). @defaultValue `12` */
  readonly maxWrites?: number;
  /** Most events one scheduled write records. @defaultValue `4` */
  readonly maxBurst?: number;
  /** Most faults. @defaultValue `8` */
  readonly maxFaults?: number;
  /** Largest wall-clock error of a site, in ms. @defaultValue `5_000` */
  readonly maxClockOffsetMs?: number;
}

/**
 * Fault schedules for `runNetworkSimulation`: partitions, drops, duplicates, reordering,
 * delays and crashes of durable sites, at any time, overlapping freely, with sites
 * recording throughout. Plain data, so fast-check shrinks a failure to the fewest
 * faults, writes and steps that still fail, and prints it with `describeFaultSchedule`.
 *
 * @example
 * ```ts
 * await fc.assert(fc.asyncProperty(faultScheduleArbitrary({ durable: 1 }), async (schedule) => {
 *   const run = await runNetworkSimulation(schedule, { durableStore });
 *   try { await checkNetworkConvergence(run); } finally { await run.close(); }
 * }), propertyParameters({ label: 'network converges' }));
 * ```
 */
export function faultScheduleArbitrary(constraints: FaultScheduleConstraints = {}): Arbitrary<FaultSchedule> {
  const minSites = Math.max(2, constraints.minSites ?? 3);
  const maxSites = Math.max(minSites, constraints.maxSites ?? 4);
  const durable = Math.max(0, Math.min(minSites, constraints.durable ?? 0));
  const maxSteps = Math.max(1, constraints.maxSteps ?? 30);
  const maxOffset = constraints.maxClockOffsetMs ?? 5_000;
  const step = fc.integer({ min: 0, max: maxSteps - 1 });
  const window = fc
    .tuple(step, fc.integer({ min: 1, max: maxSteps }))
    .map(([from, length]) => ({ from, until: from + length }));
  const percent = fc.integer({ min: 5, max: 100 });
  const faults: Arbitrary<NetworkFault>[] = [
    fc
      .tuple(window, fc.uniqueArray(fc.nat({ max: maxSites - 1 }), { minLength: 1, maxLength: maxSites - 1 }))
      .map(([w, side]): NetworkFault => ({ kind: 'partition', ...w, side })),
    fc.tuple(window, percent).map(([w, p]): NetworkFault => ({ kind: 'drop', ...w, percent: p })),
    fc.tuple(window, percent).map(([w, p]): NetworkFault => ({ kind: 'duplicate', ...w, percent: p })),
    fc
      .tuple(window, fc.integer({ min: 1, max: 5 }))
      .map(([w, maxSteps]): NetworkFault => ({ kind: 'reorder', ...w, maxSteps })),
    fc
      .tuple(window, fc.integer({ min: 1, max: 2_000 }))
      .map(([w, ms]): NetworkFault => ({ kind: 'delay', ...w, ms })),
  ];
  if (durable > 0) {
    faults.push(
      fc.record({
        kind: fc.constant('crash' as const),
        at: step,
        site: fc.nat({ max: durable - 1 }),
        downSteps: fc.integer({ min: 0, max: 5 }),
      }),
    );
  }
  const write: Arbitrary<ScheduledWrite> = fc.record({
    step,
    site: fc.nat({ max: maxSites - 1 }),
    count: fc.integer({ min: 1, max: Math.max(1, constraints.maxBurst ?? 4) }),
  });
  return fc
    .record({
      sites: fc.integer({ min: minSites, max: maxSites }),
      durable: fc.constant(durable),
      seed: fc.integer(),
      // At least half the span, so most faults and writes fall inside the run.
      steps: fc.integer({ min: Math.ceil(maxSteps / 2), max: maxSteps }),
      clockOffsetsMs: fc.array(fc.integer({ min: -maxOffset, max: maxOffset }), {
        minLength: maxSites,
        maxLength: maxSites,
      }),
      writes: fc.array(write, { minLength: 1, maxLength: Math.max(1, constraints.maxWrites ?? 12) }),
      faults: fc.array(fc.oneof(...faults), { maxLength: constraints.maxFaults ?? 8 }),
    })
    .map((schedule) =>
      Object.defineProperty(schedule, fc.toStringMethod, {
        value: () => describeFaultSchedule(schedule),
        enumerable: false,
      }),
    );
}
