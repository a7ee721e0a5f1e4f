import fc from 'fast-check';
import { defineSchema, type EventId, type MergeRule } from 'chartlog';
import { checkConvergence, checkRuleLaws, propertyParameters, scenarioArbitrary } from 'chartlog/testing';

/** A ward's count of beds freed: the sum of every write, each event counted once however often it arrives. */
export const tally: MergeRule<{ readonly value: number; readonly parts: Readonly<Record<string, number>> }> =
  {
    name: 'tally',
    laws: ['commutative', 'associative', 'idempotent'],
    // Whole numbers only: float sums depend on the order they are added in.
    check: (v) => (Number.isSafeInteger(v) ? undefined : 'tally takes a whole number'),
    create: (w) => ({ value: w.value as number, parts: { [w.id]: w.value as number } }),
    apply: (s, w) =>
      void (w.id in s.parts || ((s.parts[w.id] = w.value as number), (s.value += w.value as number))),
    merge: (s, o) =>
      Object.entries(o.parts).forEach(
        ([id, n]) => void (id in s.parts || ((s.parts[id] = n), (s.value += n))),
      ),
    conflict: () => undefined,
    current: (s) => Object.keys(s.parts) as EventId[],
    pred: () => [],
  };

export const wardSchema = defineSchema({
  resources: { Location: { fields: { bedsFreed: 'tally', note: 'log' } } },
  events: { 'ward.beds-freed': { v: 1, resources: ['Location'] } },
  rules: { tally },
});

/** Checks the rule's claimed laws, then that random multi-site histories converge. */
export function checkTally(): void {
  checkRuleLaws(tally, { values: fc.integer({ min: -3, max: 5 }) });
  const histories = scenarioArbitrary({
    schema: wardSchema,
    values: (f) => (f.rule.name === 'tally' ? fc.integer({ min: -3, max: 5 }) : fc.string()),
  });
  fc.assert(
    fc.property(histories, (s) => void checkConvergence(s.events, wardSchema)),
    propertyParameters({ label: 'tally converges' }),
  );
}
