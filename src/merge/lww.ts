import type { MergeRule } from './mergeRule.js';
import {
  applyToRegister,
  createRegister,
  liveIds,
  mergeRegisters,
  type RegisterState,
} from './registerState.js';

/**
 * `lww`: shows the latest live write. A write that saw another always supersedes it;
 * the clock only picks among truly concurrent writes, and the losers stay in the
 * field's history. For free text and non-critical fields.
 */
export const lww: MergeRule<RegisterState> = {
  name: 'lww',
  laws: ['commutative', 'associative', 'idempotent'],
  check: () => undefined,
  create: createRegister,
  apply: applyToRegister,
  merge: mergeRegisters,
  conflict: () => undefined,
  current: (state) => {
    const last = state.live[state.live.length - 1];
    return last ? [last.id] : [];
  },
  pred: (state) => liveIds(state),
};
