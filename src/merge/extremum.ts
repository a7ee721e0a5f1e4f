import type { Draft } from 'immer';
import type { Json } from '../event/json.js';
import { compareWrites, type FieldState, type MergeRule, type WriteRef } from './mergeRule.js';

/** State of a `max` or `min` field: the write holding the extreme value. */
export interface ExtremumState extends FieldState {
  /** The largest (or smallest) value ever written. */
  readonly value: number | string;
  /** The earliest write of that value. */
  readonly best: WriteRef;
}

/**
 * Orders values for `max`/`min`: numbers numerically, strings by code unit (so ISO
 * dates compare as dates), and every number below every string.
 */
export function compareScalars(a: number | string, b: number | string): number {
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function extremum(name: 'max' | 'min', sign: 1 | -1): MergeRule<ExtremumState> {
  const better = (state: ExtremumState, write: WriteRef): boolean => {
    const c = sign * compareScalars(write.value as number | string, state.value);
    // Equal values: keep the earliest write, so the choice is the same on every replica.
    return c > 0 || (c === 0 && compareWrites(write, state.best) < 0);
  };
  const take = (state: Draft<ExtremumState>, write: WriteRef): void => {
    if (!better(state as ExtremumState, write)) return;
    (state as { value: Json }).value = write.value;
    (state as { best: WriteRef }).best = write;
  };
  return {
    name,
    laws: ['commutative', 'associative', 'idempotent'],
    check: (value) =>
      typeof value === 'number' || typeof value === 'string'
        ? undefined
        : `${name} takes a number or a string`,
    // Keys in canonical order, as every rule's state: canonicalJson then encodes it natively.
    create: (write) => ({ best: write, value: write.value as number | string }),
    apply: (state, write) => take(state, write),
    merge: (state, other) => take(state, other.best),
    conflict: () => undefined,
    current: (state) => [state.best.id],
    pred: () => [],
  };
}

/** `max`: the largest value ever written (last-reviewed dates, highest-seen counters). */
export const max: MergeRule<ExtremumState> = extremum('max', 1);
/** `min`: the smallest value ever written (first-seen dates). */
export const min: MergeRule<ExtremumState> = extremum('min', -1);
