import type { Draft } from 'immer';
import { compareWrites, type FieldState, type MergeRule, type WriteRef } from './mergeRule.js';

/** State of a `log` field: every entry, in total order. */
export interface LogState extends FieldState {
  /** The entries, each with who wrote it, where and when. */
  readonly value: readonly WriteRef[];
}

/** `log`: keeps every entry in the total order of events. For notes and comments. */
export const log: MergeRule<LogState> = {
  name: 'log',
  laws: ['commutative', 'associative', 'idempotent'],
  check: () => undefined,
  create: (write) => ({ value: [write] }),
  apply: (state, write) => addEntry(state, write),
  merge: (state, other) => {
    for (const write of other.value) addEntry(state, write);
  },
  conflict: () => undefined,
  current: (state) => state.value.map((w) => w.id),
  pred: () => [],
};

function addEntry(state: Draft<LogState>, write: WriteRef): void {
  const entries = state.value as unknown as WriteRef[];
  let i = entries.length;
  while (i > 0) {
    const c = compareWrites(entries[i - 1] as WriteRef, write);
    if (c < 0) break;
    if (c === 0) return;
    i--;
  }
  entries.splice(i, 0, write);
}
