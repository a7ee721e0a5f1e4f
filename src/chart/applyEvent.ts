import type { Draft } from 'immer';
import type { ChartEvent } from '../event/chartEvent.js';
import type { EventId } from '../event/ids.js';
import { isPlainObject, type Json } from '../event/json.js';
import { NO_PRED, type FieldState, type WriteRef } from '../merge/mergeRule.js';
import { RESOURCE_KEY_PATTERN, RETRACTION_EVENT, type ResolvedField, type Schema } from '../merge/schema.js';
import { insertSorted, removeSorted } from '../merge/sortedIds.js';
import { conflictKey, type ResourceState, type StreamState } from './streamState.js';

/**
 * Applies one event to a stream state draft: the step the fold repeats in total
 * order. Total and deterministic for any well-formed envelope. An event is applied
 * whole or not at all: one whose type or version the schema does not understand, or
 * whose data does not fit the schema (see {@link isFoldable}), is skipped entirely —
 * kept in the log, relayed, shown as `ignored` in history — never half-applied.
 *
 * @param retracted - every event id retracted in this stream; those events are skipped.
 */
export function applyEvent(draft: Draft<StreamState>, event: ChartEvent, schema: Schema, retracted: ReadonlySet<string>): void {
  if (!isFoldable(event, schema)) return;
  if (event.type === RETRACTION_EVENT) {
    for (const id of retractionTargets(event)) insertSorted(draft.retracted as string[], id);
    return;
  }
  if (retracted.has(event.id)) return;
  const resources = draft.resources as Record<string, ResourceState>;
  const conflicts = draft.conflicts as string[];
  const data = event.data;
  for (const key in data) {
    const fields = data[key] as { readonly [field: string]: Json };
    let resource = resources[key] as Draft<ResourceState> | undefined;
    if (resource === undefined) {
      const m = RESOURCE_KEY_PATTERN.exec(key) as RegExpExecArray;
      resources[key] = { type: m[1] as string, id: m[2] as string, fields: {} };
      resource = resources[key] as Draft<ResourceState>;
    }
    const predOf = event.pred[key];
    for (const field in fields) {
      const rule = (schema.field(resource.type, field) as ResolvedField).rule;
      // Frozen up front: immer's finalize skips frozen subtrees instead of walking them.
      const write: WriteRef = Object.freeze({ id: event.id, site: event.site, seq: event.seq, hlc: event.hlc, author: event.author.id, value: fields[field] as Json });
      const pred = predOf?.[field] ?? NO_PRED;
      const current = resource.fields[field];
      if (current === undefined) (resource.fields as Record<string, FieldState>)[field] = rule.create(write, pred);
      else rule.apply(current as never, write, pred);
      const inConflict = rule.conflict(resource.fields[field] as FieldState) !== undefined;
      // Most writes neither open nor close a conflict: skip building the key then.
      if (inConflict) insertSorted(conflicts, conflictKey(key, field));
      else if (conflicts.length > 0) removeSorted(conflicts, conflictKey(key, field));
    }
  }
}

/**
 * True when the fold applies `event`: the schema understands its type at its version,
 * and (for a write) every resource key is well-formed and of a type the event type may
 * write, and every field is declared with a value its rule and check accept. A pure
 * function of the event and the schema, so every replica with the same schema agrees.
 */
export function isFoldable(event: ChartEvent, schema: Schema): boolean {
  const spec = schema.eventType(event.type, event.v);
  if (spec === undefined) return false;
  if (event.type === RETRACTION_EVENT) return schema.validateData(event).length === 0;
  const data = event.data;
  for (const key in data) {
    const fields = data[key];
    const m = RESOURCE_KEY_PATTERN.exec(key);
    if (m === null || !isPlainObject(fields)) return false;
    const type = m[1] as string;
    if (spec.resources !== '*' && !spec.resources.includes(type)) return false;
    for (const field in fields) {
      const resolved = schema.field(type, field);
      const value = fields[field] as Json;
      if (resolved === undefined || resolved.rule.check(value) !== undefined || resolved.check?.(value) !== undefined) return false;
    }
  }
  return true;
}

/** The event ids a retraction event names (empty for anything else or a malformed payload). */
export function retractionTargets(event: ChartEvent): readonly EventId[] {
  if (event.type !== RETRACTION_EVENT) return [];
  const targets = event.data['retracts'];
  return Array.isArray(targets) ? (targets.filter((t) => typeof t === 'string') as EventId[]) : [];
}
