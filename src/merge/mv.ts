import type { MergeRule } from './mergeRule.js';
import { applyToRegister, createRegister, liveIds, mergeRegisters, type RegisterState } from './registerState.js';

/**
 * `mv` (multi-value): one value, or a conflict listing every live write with the
 * latest as a provisional value. A write whose `pred` names them all resolves it. For
 * safety-critical fields: allergy code and criticality, medication dose, date of birth.
 */
export const mv: MergeRule<RegisterState> = {
  name: 'mv',
  laws: ['commutative', 'associative', 'idempotent'],
  check: () => undefined,
  create: createRegister,
  apply: applyToRegister,
  merge: mergeRegisters,
  conflict: (state) => (state.live.length > 1 ? state.live : undefined),
  current: (state) => liveIds(state),
  pred: (state) => liveIds(state),
};
