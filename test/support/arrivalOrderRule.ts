import type { Draft } from 'immer';
import type { WriteRef } from '../../src/merge/mergeRule.js';
import type { MergeRule } from '../../src/index.js';
import { testSchema, TEST_RESOURCE_TYPE } from '../../src/testing/index.js';

interface TrailState {
  readonly value: readonly string[];
  readonly writes: readonly WriteRef[];
}

/**
 * A deterministic rule that claims no law: it keeps writes in the order they are
 * *applied*. Folded in total order it gives one state; a late write applied directly
 * would give another. So a projection must re-fold such a field from the stream's
 * events when a write arrives late: this rule is what exercises that path (the built-in
 * rules are all order-free, and are applied directly).
 */
export const arrivalOrderRule: MergeRule<TrailState> = {
  name: 'trail',
  laws: [],
  check: (value) =>
    typeof value === 'string' || typeof value === 'number' ? undefined : 'a string or number',
  create: (write) => ({ value: [String(write.value)], writes: [write] }),
  apply: (state: Draft<TrailState>, write) => {
    (state.value as string[]).push(String(write.value));
    (state.writes as WriteRef[]).push(write);
  },
  merge: (state: Draft<TrailState>, other) => {
    for (const w of other.writes) {
      (state.value as string[]).push(String(w.value));
      (state.writes as WriteRef[]).push(w);
    }
  },
  conflict: () => undefined,
  current: (state) => state.writes.map((w) => w.id),
  pred: (state) => (state?.writes ?? []).map((w) => w.id),
};

/** {@link testSchema} with one more `Item` field, `trail`, under {@link arrivalOrderRule}. */
export const trailSchema = testSchema.extend({
  rules: { trail: arrivalOrderRule },
  resources: {
    [TEST_RESOURCE_TYPE]: {
      ...testSchema.definition.resources[TEST_RESOURCE_TYPE],
      fields: { ...testSchema.definition.resources[TEST_RESOURCE_TYPE]?.fields, trail: 'trail' },
    },
  },
});
