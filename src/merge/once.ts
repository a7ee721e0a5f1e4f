import type { Draft } from 'immer';
import { canonicalJson } from '../event/canonicalJson.js';
import type { Json } from '../event/json.js';
import { compareWrites, type FieldState, type MergeRule, type WriteRef } from './mergeRule.js';

/** State of a `once` field: the earliest write of each distinct value, in total order. */
export interface OnceState extends FieldState {
  /** The first value ever written. */
  readonly value: Json;
  /** Earliest write per distinct value; more than one means a conflict. */
  readonly firsts: readonly WriteRef[];
}

/**
 * `once`: the first write (in the total order) holds; a later write of the same value
 * is harmless, a different one is a conflict. Corrected by retracting the wrong event.
 * For identity fields and links (resource → patient).
 */
export const once: MergeRule<OnceState> = {
  name: 'once',
  laws: ['commutative', 'associative', 'idempotent'],
  check: () => undefined,
  // Keys in canonical order, as every rule's state: canonicalJson then encodes it natively.
  create: (write) => ({ firsts: [write], value: write.value }),
  apply: (state, write) => addFirst(state, write),
  merge: (state, other) => {
    for (const write of other.firsts) addFirst(state, write);
  },
  conflict: (state) => (state.firsts.length > 1 ? state.firsts : undefined),
  current: (state) => (state.firsts[0] ? [state.firsts[0].id] : []),
  pred: () => [],
};

function addFirst(state: Draft<OnceState>, write: WriteRef): void {
  const firsts = state.firsts as WriteRef[];
  const key = canonicalJson(write.value);
  const same = firsts.findIndex((w) => canonicalJson(w.value as Json) === key);
  if (same >= 0) {
    if (compareWrites(write, firsts[same] as WriteRef) >= 0) return;
    firsts.splice(same, 1);
  }
  let i = firsts.length;
  while (i > 0 && compareWrites(firsts[i - 1] as WriteRef, write) > 0) i--;
  firsts.splice(i, 0, write);
  (state as { value: Json }).value = (firsts[0] as WriteRef).value;
}
