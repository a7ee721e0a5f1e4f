import type { Draft } from 'immer';
import type { ChartEvent } from '../event/chartEvent.js';
import type { EventId } from '../event/ids.js';
import { isPlainObject, type Json } from '../event/json.js';
import { NO_PRED, type FieldState, type WriteRef } from '../merge/mergeRule.js';
import { RESOURCE_KEY_PATTERN, RETRACTION_EVENT, type Schema } from '../merge/schema.js';
import { insertSorted, removeSorted } from '../merge/sortedIds.js';
import { conflictKey, type ResourceState, type StreamState } from './streamState.js';

/**
 * Applies one event to a stream state draft: the step the fold repeats in total
 * order. Total and deterministic for any well-formed envelope: event types or versions
 * the schema does not understand, unknown fields and values a rule refuses are skipped
 * (they stay in the log and are relayed), never half-applied differently on two sites.
 *
 * @param retracted - every event id retracted in this stream; those events are skipped.
 */
export function applyEvent(draft: Draft<StreamState>, event: ChartEvent, schema: Schema, retracted: ReadonlySet<string>): void {
  if (event.type === RETRACTION_EVENT) {
    if (schema.eventType(event.type, event.v)) for (const id of retractionTargets(event)) insertSorted(draft.retracted as string[], id);
    return;
  }
  if (retracted.has(event.id)) return;
  const spec = schema.eventType(event.type, event.v);
  if (spec === undefined) return;
  const resources = draft.resources as Record<string, ResourceState>;
  const conflicts = draft.conflicts as string[];
  const data = event.data;
  for (const key in data) {
    const fields = data[key];
    if (!isPlainObject(fields)) continue;
    let resource = resources[key] as Draft<ResourceState> | undefined;
    // Parse the key only for a resource not seen yet; a known one carries its type.
    let type: string;
    let id = '';
    if (resource !== undefined) type = resource.type;
    else {
      const m = RESOURCE_KEY_PATTERN.exec(key);
      if (m === null) continue;
      type = m[1] as string;
      id = m[2] as string;
    }
    if (spec.resources !== '*' && !spec.resources.includes(type)) continue;
    const predOf = event.pred[key];
    let write: WriteRef | undefined;
    for (const field in fields) {
      const resolved = schema.field(type, field);
      const value = fields[field] as Json;
      if (resolved === undefined || resolved.rule.check(value) !== undefined || resolved.check?.(value) !== undefined) continue;
      if (resource === undefined) {
        resources[key] = { type, id, fields: {} };
        resource = resources[key] as Draft<ResourceState>;
      }
      // Frozen up front: immer's finalize skips frozen subtrees instead of walking them.
      write = Object.freeze({ id: event.id, site: event.site, seq: event.seq, hlc: event.hlc, author: event.author.id, value });
      const pred = predOf?.[field] ?? NO_PRED;
      const current = resource.fields[field];
      const rule = resolved.rule;
      if (current === undefined) (resource.fields as Record<string, FieldState>)[field] = rule.create(write, pred);
      else rule.apply(current as never, write, pred);
      const inConflict = rule.conflict(resource.fields[field] as FieldState) !== undefined;
      // Most writes neither open nor close a conflict: skip building the key then.
      if (inConflict) insertSorted(conflicts, conflictKey(key, field));
      else if (conflicts.length > 0) removeSorted(conflicts, conflictKey(key, field));
    }
  }
}

/** The event ids a retraction event names (empty for anything else or a malformed payload). */
export function retractionTargets(event: ChartEvent): readonly EventId[] {
  if (event.type !== RETRACTION_EVENT) return [];
  const targets = event.data['retracts'];
  return Array.isArray(targets) ? (targets.filter((t) => typeof t === 'string') as EventId[]) : [];
}
