import type { Draft } from 'immer';
import type { EventId } from '../event/ids.js';
import type { Json } from '../event/json.js';
import { compareWrites, type FieldState, type WriteRef } from './mergeRule.js';
import { isStrictlySorted } from '../event/isStrictlySorted.js';
import { hasSorted, insertSorted } from './sortedIds.js';

/**
 * State shared by `lww` and `mv`: the live writes (those no other write names in its
 * `pred`: the maximal writes of the causal order), in total order, and every id any
 * write has superseded. Remembering superseded ids, not just dropping them, is what
 * makes a write that arrives after its successor dead on arrival (docs/architecture.md, "Merge rules").
 */
export interface RegisterState extends FieldState {
  /** The latest live write's value; `null` only if a malformed pred cycle left none live. */
  readonly value: Json;
  /** Live writes in total order: one normally, several when concurrent. */
  readonly live: readonly WriteRef[];
  /** Sorted ids of every write named in some write's `pred`. */
  readonly superseded: readonly EventId[];
}

// Most fields are written once and never superseded: they all share this empty list
// instead of each holding its own (a rebuild keeps millions of field states alive).
const NONE: readonly EventId[] = Object.freeze([]);

/** A register holding exactly one write. */
export function createRegister(write: WriteRef, pred: readonly EventId[]): RegisterState {
  const superseded =
    pred.length === 0 ? NONE : isStrictlySorted(pred) ? [...pred] : [...new Set(pred)].sort();
  const live = hasSorted(superseded, write.id) ? [] : [write];
  // Keys in canonical order, as every rule's state: canonicalJson then encodes it natively.
  return { live, superseded, value: live.length ? write.value : null };
}

/** Adds one write in place. Idempotent and order-independent. */
export function applyToRegister(
  state: Draft<RegisterState>,
  write: WriteRef,
  pred: readonly EventId[],
): void {
  let changed = false;
  for (const id of pred) {
    if (supersede(state, id)) changed = removeLive(state, id) || changed;
  }
  if (!hasSorted(state.superseded, write.id) && insertLive(state, write)) changed = true;
  if (changed) refreshValue(state);
}

/** Joins `other` into `state` in place. */
export function mergeRegisters(state: Draft<RegisterState>, other: RegisterState): void {
  for (const id of other.superseded) {
    if (supersede(state, id)) removeLive(state, id);
  }
  for (const write of other.live) {
    if (!hasSorted(state.superseded, write.id)) insertLive(state, write);
  }
  refreshValue(state);
}

/** Ids of the live writes. */
export function liveIds(state: RegisterState | undefined): EventId[] {
  return state ? state.live.map((w) => w.id) : [];
}

/** Adds `id` to the superseded ids; true when it was new. */
function supersede(state: Draft<RegisterState>, id: EventId): boolean {
  if (state.superseded.length === 0) {
    // Replace the shared empty list rather than mutate it.
    (state as { superseded: EventId[] }).superseded = [id];
    return true;
  }
  return insertSorted(state.superseded as string[], id);
}

function insertLive(state: Draft<RegisterState>, write: WriteRef): boolean {
  const live = state.live as WriteRef[];
  let i = live.length;
  // Writes almost always arrive in total order, so scan back from the end.
  while (i > 0) {
    const c = compareWrites(live[i - 1] as WriteRef, write);
    if (c < 0) break;
    if (c === 0) return false;
    i--;
  }
  live.splice(i, 0, write);
  return true;
}

function removeLive(state: Draft<RegisterState>, id: EventId): boolean {
  const live = state.live as WriteRef[];
  const i = live.findIndex((w) => w.id === id);
  if (i < 0) return false;
  live.splice(i, 1);
  return true;
}

function refreshValue(state: Draft<RegisterState>): void {
  const last = state.live[state.live.length - 1];
  (state as { value: Json }).value = last === undefined ? null : (last.value as Json);
}
