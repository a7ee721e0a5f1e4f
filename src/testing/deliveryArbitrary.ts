import fc, { type Arbitrary } from 'fast-check';
import type { ChartEvent } from '../event/chartEvent.js';

/** Constraints for {@link deliveryArbitrary}. */
export interface DeliveryConstraints {
  /** Largest batch delivered at once. @defaultValue `4` */
  readonly maxBatch?: number;
  /** Most extra copies of already-sent events (a retrying network). @defaultValue half the events, rounded up */
  readonly maxDuplicates?: number;
}

/**
 * An arrival order for `events`: every event at least once, in any order, with
 * duplicates, cut into batches (what one replica's `chart.apply` calls receive).
 *
 * @example
 * ```ts
 * fc.assert(fc.property(scenarioArbitrary().chain((s) => fc.tuple(fc.constant(s), deliveryArbitrary(s.events))), ([s, batches]) => {
 *   checkConvergence(s.events, s.schema, { deliveries: [batches] });
 * }));
 * ```
 */
export function deliveryArbitrary(
  events: readonly ChartEvent[],
  constraints: DeliveryConstraints = {},
): Arbitrary<ChartEvent[][]> {
  const n = events.length;
  const maxBatch = Math.max(1, constraints.maxBatch ?? 4);
  const maxDuplicates = constraints.maxDuplicates ?? Math.ceil(n / 2);
  if (n === 0) return fc.constant([]);
  return fc
    .record({
      order: fc.shuffledSubarray([...events], { minLength: n, maxLength: n }),
      duplicates: fc.array(fc.record({ event: fc.nat({ max: n - 1 }), at: fc.nat() }), {
        maxLength: maxDuplicates,
      }),
      cuts: fc.array(fc.integer({ min: 1, max: maxBatch }), { minLength: 1, maxLength: n + maxDuplicates }),
    })
    .map(({ order, duplicates, cuts }) => {
      const sequence = [...order];
      for (const d of duplicates)
        sequence.splice(d.at % (sequence.length + 1), 0, events[d.event] as ChartEvent);
      const batches: ChartEvent[][] = [];
      for (let i = 0, c = 0; i < sequence.length; c++) {
        const size = cuts[c % cuts.length] as number;
        batches.push(sequence.slice(i, i + size));
        i += size;
      }
      // fast-check prints counterexamples with this: `site/seq` per event, not whole events.
      return Object.defineProperty(batches, fc.toStringMethod, {
        value: () => batches.map((b) => `[${b.map((e) => `${e.site}/${e.seq}`).join(' ')}]`).join(' '),
        enumerable: false,
      });
    });
}
