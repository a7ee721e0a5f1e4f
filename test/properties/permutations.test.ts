import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MergeRule } from '../../src/index.js';
import {
  checkConvergence,
  deliveryArbitrary,
  propertyParameters,
  scenarioArbitrary,
  testSchema,
} from '../../src/testing/index.js';
import { lastApplied } from './support.js';

describe('property 1: the state is a function of the set of events', () => {
  it('any permutation of an event set, with duplicates, folds to the same state and state hash', () => {
    const cases = scenarioArbitrary().chain((s) =>
      fc.tuple(
        fc.constant(s),
        deliveryArbitrary(s.events),
        deliveryArbitrary(s.events, { maxDuplicates: s.events.length }),
      ),
    );
    fc.assert(
      fc.property(cases, ([s, a, b]) => {
        const report = checkConvergence(s.events, s.schema, {
          orders: [a.flat(), b.flat(), [...s.events, ...s.events]],
          deliveries: [],
        });
        expect(report.replicas.every((r) => r.hash === report.hash)).toBe(true);
      }),
      propertyParameters({ label: 'property 1: permutations with duplicates' }),
    );
  });

  it('a custom rule that depends on order still converges: the fold applies every set in the total order', () => {
    const item = testSchema.definition.resources['Item'];
    const schema = testSchema.extend({
      resources: { Item: { fields: { ...item?.fields, arrival: 'last-applied' } } },
      rules: { 'last-applied': lastApplied as unknown as MergeRule },
    });
    const cases = scenarioArbitrary({ schema }).chain((s) =>
      fc.tuple(fc.constant(s), deliveryArbitrary(s.events, { maxDuplicates: s.events.length })),
    );
    fc.assert(
      fc.property(cases, ([s, a]) => {
        const report = checkConvergence(s.events, s.schema, {
          orders: [a.flat(), [...s.events].reverse()],
          deliveries: [],
        });
        expect(report.replicas.every((r) => r.hash === report.hash)).toBe(true);
      }),
      propertyParameters({ label: 'property 1: order-sensitive custom rule' }),
    );
  });
});
