import { canonicalJson } from '../event/canonicalJson.js';
import type { Json } from '../event/json.js';
import type { MergeRule } from './mergeRule.js';
import {
  applyToRegister,
  createRegister,
  liveIds,
  mergeRegisters,
  type RegisterState,
} from './registerState.js';

/**
 * `mv` (multi-value): one value, or a conflict listing every live write with the
 * latest as a provisional value. A write whose `pred` names them all resolves it. For
 * safety-critical fields: allergy code and criticality, medication dose, date of birth.
 * Concurrent writes that agree (two sites both stopping a drug) stay live but are not
 * a conflict: there is nothing for a clinician to choose between.
 */
export const mv: MergeRule<RegisterState> = {
  name: 'mv',
  laws: ['commutative', 'associative', 'idempotent'],
  check: () => undefined,
  create: createRegister,
  apply: applyToRegister,
  merge: mergeRegisters,
  conflict: (state) => (hasDisagreement(state) ? state.live : undefined),
  current: (state) => liveIds(state),
  pred: (state) => liveIds(state),
};

function hasDisagreement(state: RegisterState): boolean {
  if (state.live.length < 2) return false;
  const first = canonicalJson((state.live[0] as { value: Json }).value);
  return state.live.some((w, i) => i > 0 && canonicalJson(w.value) !== first);
}
