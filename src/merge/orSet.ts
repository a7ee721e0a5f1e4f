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

/** One element a `set` field has seen added. */
export interface SetAdd {
  readonly element: Json;
  /** Sorted ids of the events that added it. */
  readonly tags: readonly EventId[];
  /** Where it stands in the set's order: the earliest of its adds, by event order then position in the add (see {@link setOrderKey}). */
  readonly at: string;
}

/** State of a `set` field (add-wins observed-remove set), keyed by each element's canonical JSON (see {@link setElementKeys}). */
export interface OrSetState extends FieldState {
  /** Present elements, in the order they were first added (a FHIR list reads back in the order it was written). */
  readonly value: readonly Json[];
  /** Per element key: the element, the events that added it and its place in the order. */
  readonly adds: { readonly [key: string]: SetAdd };
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
    for (const key of Object.keys(value))
      if (key !== 'add' && key !== 'remove') return `set op has unknown key "${key}"`;
    if (value['add'] !== undefined && !Array.isArray(value['add'])) return 'set op "add" must be an array';
    if (value['remove'] !== undefined && !Array.isArray(value['remove']))
      return 'set op "remove" must be an array';
    return undefined;
  },
  create: (write, pred) => {
    // Keys in canonical order, as every rule's state: canonicalJson then encodes it natively.
    const state = { adds: {}, removed: {}, value: [] } as OrSetState;
    applyOp(state as Draft<OrSetState>, write, pred);
    return state;
  },
  apply: applyOp,
  merge: (state, other) => {
    for (const [key, { element, tags, at }] of Object.entries(other.adds))
      for (const tag of tags) addTag(state, key, element, tag, at);
    for (const [key, tags] of Object.entries(other.removed))
      for (const tag of tags) removeTag(state, key, tag);
    refresh(state);
  },
  conflict: () => undefined,
  current: (state) => {
    const ids = new Set<EventId>();
    for (const [key, { tags }] of Object.entries(state.adds))
      for (const tag of tags) if (!hasSorted(state.removed[key] ?? [], tag)) ids.add(tag);
    return [...ids].sort();
  },
  pred: (state, value) => {
    if (!state || !isPlainObject(value) || !Array.isArray(value['remove'])) return [];
    const ids = new Set<EventId>();
    for (const key of setElementKeys(value['remove'] as Json[])) {
      for (const tag of state.adds[key]?.tags ?? [])
        if (!hasSorted(state.removed[key] ?? [], tag)) ids.add(tag);
    }
    return [...ids].sort();
  },
};

function applyOp(state: Draft<OrSetState>, write: WriteRef, pred: readonly EventId[]): void {
  const op = write.value as SetOp;
  const adds = op.add ?? [];
  setElementKeys(adds).forEach((key, index) =>
    addTag(state, key, adds[index] as Json, write.id, setOrderKey(write, index)),
  );
  for (const key of setElementKeys(op.remove ?? [])) for (const tag of pred) removeTag(state, key, tag);
  refresh(state);
}

/**
 * The key of each element of an add or remove list: its canonical JSON, and for the k-th
 * of equal elements in one list (k ≥ 2) the same with ` #k` after it (canonical JSON never
 * ends in a space and more). So a list holding an element twice (a FHIR list may) keeps
 * both, while the same element added at two sites is one element with two tags.
 */
export function setElementKeys(list: readonly Json[]): string[] {
  const seen = new Map<string, number>();
  return list.map((element) => {
    const key = canonicalJson(element);
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n === 1 ? key : `${key} #${n}`;
  });
}

/**
 * The place of the `index`th element of a write's add in a set's order: the write's place
 * in the total order of events (stamp, site, seq), then its position in the add. Keys
 * compare as strings; the earliest add of an element wins, so the order is a function of
 * the set of writes, whatever order they are applied in.
 */
export function setOrderKey(write: Pick<WriteRef, 'hlc' | 'site' | 'seq'>, index: number): string {
  // As an event key (src/chart/eventKey.ts), then the position.
  return `${write.hlc} ${write.site} ${String(write.seq).padStart(16, '0')} ${String(index).padStart(8, '0')}`;
}

function addTag(state: Draft<OrSetState>, key: string, element: Json, tag: EventId, at: string): void {
  const adds = state.adds as Record<string, { element: Json; tags: EventId[]; at: string }>;
  const entry = adds[key];
  if (!entry) adds[key] = { at, element, tags: [tag] };
  else {
    insertSorted(entry.tags, tag);
    if (at < entry.at) entry.at = at;
  }
}

function removeTag(state: Draft<OrSetState>, key: string, tag: EventId): void {
  const removed = state.removed as Record<string, EventId[]>;
  const tags = removed[key];
  if (tags) insertSorted(tags, tag);
  else removed[key] = [tag];
}

function refresh(state: Draft<OrSetState>): void {
  const present: [string, SetAdd][] = [];
  for (const key of Object.keys(state.adds)) {
    const entry = state.adds[key] as SetAdd;
    const removed = state.removed[key];
    if (!removed || entry.tags.some((t) => !hasSorted(removed, t))) present.push([key, entry]);
  }
  // A place names one position of one write, so places differ; the key only breaks a tie a forged history could make.
  present.sort(([ka, a], [kb, b]) => (a.at !== b.at ? (a.at < b.at ? -1 : 1) : ka < kb ? -1 : 1));
  (state as { value: Json }).value = present.map(([, e]) => e.element);
}
