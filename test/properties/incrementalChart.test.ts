import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createChart } from '../../src/index.js';
import {
  checkConvergence,
  deliveryArbitrary,
  propertyParameters,
  scenarioArbitrary,
  testSchema,
} from '../../src/testing/index.js';
import { trailSchema } from '../support/arrivalOrderRule.js';
import { ENOUGH_RUNS_FOR_COVERAGE } from './support.js';

describe('property 2: the incremental chart equals the batch fold', () => {
  it('events delivered in random batches, in any arrival order, with late events re-folding their fields, give the fold of the same set', () => {
    let late = 0;
    const cases = fc
      .constantFrom(testSchema, trailSchema)
      .chain((schema) => scenarioArbitrary({ schema }))
      .chain((s) =>
        fc.tuple(
          fc.constant(s),
          deliveryArbitrary(s.events, { maxBatch: 3 }),
          deliveryArbitrary(s.events, { maxBatch: 6 }),
        ),
      );
    fc.assert(
      fc.property(cases, ([s, a, b]) => {
        checkConvergence(s.events, s.schema, { orders: [], deliveries: [a, b] });
        // Count late events so the test proves it exercised re-folds.
        const chart = createChart({ schema: s.schema });
        for (const batch of a) late += chart.apply(batch).late;
      }),
      propertyParameters({ label: 'property 2: incremental chart vs fold' }),
    );
    if (ENOUGH_RUNS_FOR_COVERAGE) expect(late).toBeGreaterThan(0);
  });
});
