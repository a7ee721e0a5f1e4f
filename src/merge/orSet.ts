import type { Draft } from 'immer';
import { canonicalJson } from '../event/canonicalJson.js';
import type { EventId } from '../event/ids.js';
import { isPlainObject, type Json } from '../event/json.js';
import type { FieldState, MergeRule, WriteRef } from './mergeRule.js';
import { hasSorted, insertSorted } from './sortedIds.js';

/** The op written to a `set` field. */
export interface SetOp {
  /** Elements to add; each add is tagged with the writing event's id. */
  readonly add?: readonly Json[];
  /** Elements to remove: the tags removed are this write's `pred` ids for these elements. */
  readonly remove?: readonly Json[];
}

/** State of a `set` field (add-wins observed-remove set), keyed by each element's canonical JSON. */
export interface OrSetState extends FieldState {
  /** Present elements, sorted by canonical JSON. */
  readonly value: readonly Json[];
  /** Per element key: the element and the sorted ids of the events that added it. */
  readonly adds: { readonly [key: string]: { readonly element: Json; readonly tags: readonly EventId[] } };
  /** Per element key: the sorted add-tags that some remove has seen. */
  readonly removed: { readonly [key: string]: readonly EventId[] };
}

/**
 * `set`: an add-wins observed-remove set. An add is tagged by its event id; a remove
 * cancels only the tags its author saw (its `pred`), so an add concurrent with a remove
 * survives. For lists: reaction manifestations, addresses, flags.
 */
export const orSet: MergeRule<OrSetState> = {
  name: 'set',
  laws: ['commutative', 'associative', 'idempotent'],
  check: (value) => {
    if (!isPlainObject(value)) return 'set takes { add?: [...], remove?: [...] }';
    for (const key of Object.keys(value)) if (key !== 'add' && key !== 'remove') return `set op has unknown key "${key}"`;
    if (value['add'] !== undefined && !Array.isArray(value['add'])) return 'set op "add" must be an array';
    if (value['remove'] !== undefined && !Array.isArray(value['remove'])) return 'set op "remove" must be an array';
    return undefined;
  },
  create: (write, pred) => {
    const state = { value: [], adds: {}, removed: {} } as OrSetState;
    applyOp(state as Draft<OrSetState>, write, pred);
    return state;
  },
  apply: applyOp,
  merge: (state, other) => {
    for (const [key, { element, tags }] of Object.entries(other.adds)) for (const tag of tags) addTag(state, key, element, tag);
    for (const [key, tags] of Object.entries(other.removed)) for (const tag of tags) removeTag(state, key, tag);
    refresh(state);
  },
  conflict: () => undefined,
  current: (state) => {
    const ids = new Set<EventId>();
    for (const [key, { tags }] of Object.entries(state.adds)) for (const tag of tags) if (!hasSorted(state.removed[key] ?? [], tag)) ids.add(tag);
    return [...ids].sort();
  },
  pred: (state, value) => {
    if (!state || !isPlainObject(value) || !Array.isArray(value['remove'])) return [];
    const ids = new Set<EventId>();
    for (const element of value['remove'] as Json[]) {
      const key = canonicalJson(element);
      for (const tag of state.adds[key]?.tags ?? []) if (!hasSorted(state.removed[key] ?? [], tag)) ids.add(tag);
    }
    return [...ids].sort();
  },
};

function applyOp(state: Draft<OrSetState>, write: WriteRef, pred: readonly EventId[]): void {
  const op = write.value as SetOp;
  for (const element of op.add ?? []) addTag(state, canonicalJson(element), element, write.id);
  for (const element of op.remove ?? []) {
    const key = canonicalJson(element);
    for (const tag of pred) removeTag(state, key, tag);
  }
  refresh(state);
}

function addTag(state: Draft<OrSetState>, key: string, element: Json, tag: EventId): void {
  const adds = state.adds as Record<string, { element: Json; tags: EventId[] }>;
  const entry = adds[key];
  if (entry) insertSorted(entry.tags, tag);
  else adds[key] = { element, tags: [tag] };
}

function removeTag(state: Draft<OrSetState>, key: string, tag: EventId): void {
  const removed = state.removed as Record<string, EventId[]>;
  const tags = removed[key];
  if (tags) insertSorted(tags, tag);
  else removed[key] = [tag];
}

function refresh(state: Draft<OrSetState>): void {
  const present: Json[] = [];
  for (const key of Object.keys(state.adds).sort()) {
    const entry = state.adds[key] as { element: Json; tags: EventId[] };
    const removed = state.removed[key];
    if (!removed || entry.tags.some((t) => !hasSorted(removed, t))) present.push(entry.element);
  }
  (state as { value: Json }).value = present;
}
