import type { Draft } from 'immer';
import type { ChartEvent } from '../event/chartEvent.js';
import type { EventId } from '../event/ids.js';
import { isPlainObject, jsonKeys, type Json } from '../event/json.js';
import { NO_PRED, type FieldState, type WriteRef } from '../merge/mergeRule.js';
import { RESOURCE_KEY_PATTERN, RETRACTION_EVENT, type Schema } from '../merge/schema.js';
import { insertSorted, removeSorted } from '../merge/sortedIds.js';
import { conflictKey, type ResourceState, type StreamState } from './streamState.js';
import { addPlannedWrite, type PlannedWrite, type WritePlan } from './writePlan.js';

/**
 * Applies one event to a stream state draft: the step the fold repeats in total
 * order. Total and deterministic for any well-formed envelope. An event is applied
 * whole or not at all: one whose type or version the schema does not understand, or
 * whose data does not fit the schema (see {@link isFoldable}), is skipped entirely —
 * kept in the log, relayed, shown as `ignored` in history — never half-applied.
 *
 * The state shares the events' values rather than copying them, and the chart freezes
 * them with the state: events are immutable once recorded.
 *
 * @param retracted - every event id retracted in this stream; those events are skipped.
 * @param plan - the caller's buffer for the event's checked writes (see {@link WritePlan}).
 * @param only - when given, only the writes it accepts are applied: a projection applies
 *   some fields of an event directly and re-folds others from the stream's events (each
 *   field's state depends only on the writes of that field, in total order).
 */
export function applyEvent(
  draft: Draft<StreamState>,
  event: ChartEvent,
  schema: Schema,
  retracted: ReadonlySet<string>,
  plan: WritePlan,
  only?: (resource: string, field: string) => boolean,
): void {
  if (!planWrites(event, schema, plan)) return;
  if (event.type === RETRACTION_EVENT) {
    for (const id of targetsOf(event)) insertSorted(draft.retracted as string[], id);
    return;
  }
  if (retracted.has(event.id)) return;
  const resources = draft.resources as Record<string, ResourceState>;
  const conflicts = draft.conflicts as string[];
  let resource: Draft<ResourceState> | undefined;
  let resourceKey = '';
  let predOf: { readonly [field: string]: readonly EventId[] } | undefined;
  for (let i = 0; i < plan.count; i++) {
    const w = plan.writes[i] as PlannedWrite;
    if (only !== undefined && !only(w.resource, w.field)) continue;
    if (w.resource !== resourceKey) {
      resourceKey = w.resource;
      predOf = event.pred[resourceKey];
      resource = resources[resourceKey] as Draft<ResourceState> | undefined;
      if (resource === undefined) {
        // Keys in canonical order here and below: canonicalJson then encodes the state natively.
        resources[resourceKey] = { fields: {}, id: w.id, type: w.type };
        resource = resources[resourceKey] as Draft<ResourceState>;
      }
    }
    const fields = (resource as Draft<ResourceState>).fields as Record<string, FieldState>;
    const write: WriteRef = {
      author: event.author.id,
      hlc: event.hlc,
      id: event.id,
      seq: event.seq,
      site: event.site,
      value: w.value,
    };
    const pred = predOf?.[w.field] ?? NO_PRED;
    const current = fields[w.field];
    if (current === undefined) fields[w.field] = w.rule.create(write, pred);
    else w.rule.apply(current as never, write, pred);
    const inConflict = w.rule.conflict(fields[w.field] as FieldState) !== undefined;
    // Most writes neither open nor close a conflict: skip building the key then.
    if (inConflict) insertSorted(conflicts, conflictKey(resourceKey, w.field));
    else if (conflicts.length > 0) removeSorted(conflicts, conflictKey(resourceKey, w.field));
  }
}

/**
 * True when the fold applies `event`: the schema understands its type at its version,
 * and (for a write) every resource key is well-formed and of a type the event type may
 * write, and every field is declared with a value its rule and check accept. A pure
 * function of the event and the schema, so every replica with the same schema agrees.
 */
export function isFoldable(event: ChartEvent, schema: Schema): boolean {
  return planWrites(event, schema, undefined);
}

/** Checks `event` and, when foldable and given a `plan`, leaves its writes there. */
function planWrites(event: ChartEvent, schema: Schema, plan: WritePlan | undefined): boolean {
  if (plan !== undefined) plan.count = 0;
  const spec = schema.eventType(event.type, event.v);
  if (spec === undefined) return false;
  if (event.type === RETRACTION_EVENT) return schema.validateData(event).length === 0;
  const data = event.data;
  // jsonKeys, not Object.keys or for…in: event payloads have unique keys (resource ids),
  // where V8's enum cache misses on every event and is then kept on its hidden class.
  const keys = jsonKeys(data);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k] as string;
    const fields = data[key];
    const m = RESOURCE_KEY_PATTERN.exec(key);
    if (m === null || !isPlainObject(fields)) return false;
    const type = m[1] as string;
    if (spec.resources !== '*' && !spec.resources.includes(type)) return false;
    const names = Object.keys(fields);
    for (let f = 0; f < names.length; f++) {
      const field = names[f] as string;
      const resolved = schema.field(type, field);
      const value = fields[field] as Json;
      if (
        resolved === undefined ||
        resolved.rule.check(value) !== undefined ||
        resolved.check?.(value) !== undefined
      )
        return false;
      if (plan !== undefined) addPlannedWrite(plan, key, type, m[2] as string, field, resolved.rule, value);
    }
  }
  return true;
}

/**
 * The event ids `event` retracts: those a retraction names when the fold applies it
 * ({@link isFoldable}: a type and version the schema understands, data it accepts), and
 * none for anything else. A retraction the fold ignores has no effect at all, so the
 * chart and the pure fold must ask this, never read `data.retracts` themselves.
 */
export function retractionTargets(event: ChartEvent, schema: Schema): readonly EventId[] {
  if (event.type !== RETRACTION_EVENT || !isFoldable(event, schema)) return [];
  return targetsOf(event);
}

/** The ids a retraction already found foldable names (validated: a non-empty array of event ids). */
function targetsOf(event: ChartEvent): readonly EventId[] {
  return event.data['retracts'] as unknown as readonly EventId[];
}
