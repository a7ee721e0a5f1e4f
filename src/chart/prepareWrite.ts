import { ChartlogError, type ValidationIssueInput } from '../error/chartlogError.js';
import type { Author, EventPred } from '../event/chartEvent.js';
import type { EventWriter, EventDraft } from '../event/eventWriter.js';
import type { EventId, StreamId } from '../event/ids.js';
import { checkJson, type Json, type JsonObject } from '../event/json.js';
import {
  CONFLICT_RESOLUTION_EVENT,
  RESOURCE_KEY_PATTERN,
  RETRACTION_EVENT,
  type Schema,
} from '../merge/schema.js';
import type { StreamState } from './streamState.js';

/**
 * The message of the issue {@link prepareWrite} refuses a write to a field in conflict with (its start is
 * stable: callers may test for it).
 */
export const OPEN_CONFLICT_MESSAGE =
  'has an open conflict: resolve it with prepareConflictResolution (or pass resolveConflicts: true once every competing value was shown)';

/** A clinical change to turn into an event: which fields of which resources get which values. */
export interface WriteRequest {
  /** The record. */
  readonly stream: StreamId;
  /** Clinical event type, declared in the schema. */
  readonly type: string;
  /** Schema version of the payload. @defaultValue `1` */
  readonly v?: number;
  /** Who is making the change. */
  readonly author: Author;
  /** Resource key → field → value (or `{ add, remove }` for `set` fields). */
  readonly writes: { readonly [resource: string]: { readonly [field: string]: Json } };
  /**
   * Allow writing a field that has an open conflict, superseding every competing write:
   * a resolution. Only pass it when the clinician was shown every competing value.
   * @defaultValue `false` — such a write is refused, so an ordinary edit in a UI that
   * does not show conflicts can never settle one by accident.
   */
  readonly resolveConflicts?: boolean;
  /**
   * Per field, exactly which writes this one supersedes, instead of every write the
   * author sees (e.g. releasing one of three double bookings of a slot).
   * @defaultValue what the field's rule derives from `state`
   */
  readonly supersede?: { readonly [resource: string]: { readonly [field: string]: readonly EventId[] } };
}

/**
 * Turns a {@link WriteRequest} into an {@link EventDraft}, filling `pred` from `state`:
 * each written field names exactly the writes the author is looking at, so a caller
 * cannot get causality wrong (docs/architecture.md, "Merge rules"). Pass the state the user saw.
 *
 * @throws ChartlogError `INVALID_COMMAND` with an issue per offending field.
 * @example
 * ```ts
 * const draft = prepareWrite(schema, chart.state(stream), {
 *   stream, type: 'allergy.updated', author, writes: { 'AllergyIntolerance/a1': { criticality: 'high' } },
 * });
 * chart.apply([writer.append(draft)]);
 * ```
 */
export function prepareWrite(
  schema: Schema,
  state: StreamState | undefined,
  request: WriteRequest,
): EventDraft {
  const issues: ValidationIssueInput[] = checkJson(request.writes, ['writes'], { requireNfc: false });
  if (state !== undefined && state.stream !== request.stream)
    issues.push({ path: ['stream'], message: `state is of ${state.stream}, not ${request.stream}` });
  if (issues.length > 0)
    throw new ChartlogError('INVALID_COMMAND', `cannot record ${request.type}`, { issues });
  const pred: Record<string, Record<string, EventId[]>> = {};
  for (const [resource, fields] of Object.entries(request.writes)) {
    const type = RESOURCE_KEY_PATTERN.exec(resource)?.[1];
    for (const [field, value] of Object.entries(fields)) {
      const resolved = type !== undefined ? schema.field(type, field) : undefined;
      if (!resolved) continue; // reported by validateData below
      const explicit = request.supersede?.[resource]?.[field];
      const fieldState = state?.resources[resource]?.fields[field];
      const ids =
        explicit !== undefined
          ? [...new Set(explicit)].sort()
          : resolved.rule.pred(fieldState as never, value);
      if (
        explicit === undefined &&
        ids.length > 0 &&
        fieldState !== undefined &&
        resolved.rule.conflict(fieldState) !== undefined &&
        request.resolveConflicts !== true
      ) {
        issues.push({ code: 'conflict', path: ['writes', resource, field], message: OPEN_CONFLICT_MESSAGE });
      }
      if (ids.length > 0) (pred[resource] ??= {})[field] = ids;
    }
  }
  const draft: EventDraft = {
    stream: request.stream,
    type: request.type,
    v: request.v ?? 1,
    data: request.writes as JsonObject,
    pred: pred as EventPred,
    author: request.author,
  };
  issues.push(
    ...schema.validateData({ type: draft.type, v: draft.v ?? 1, data: draft.data, pred: draft.pred }),
  );
  if (issues.length > 0)
    throw new ChartlogError('INVALID_COMMAND', `cannot record ${request.type}`, { issues });
  return draft;
}

/**
 * A draft that resolves an open conflict: writes `value` with a `pred` naming every
 * competing write, so it supersedes them all on every replica.
 */
export function prepareConflictResolution(
  schema: Schema,
  state: StreamState | undefined,
  request: {
    readonly stream: StreamId;
    readonly resource: string;
    readonly field: string;
    readonly value: Json;
    readonly author: Author;
  },
): EventDraft {
  return prepareWrite(schema, state, {
    stream: request.stream,
    type: CONFLICT_RESOLUTION_EVENT,
    author: request.author,
    resolveConflicts: true,
    writes: { [request.resource]: { [request.field]: request.value } },
  });
}

/**
 * A draft that retracts events recorded in error (e.g. against the wrong patient):
 * their effects leave the fold everywhere; they stay in the log and the audit trail.
 * Must be recorded in the same stream as the events it retracts.
 */
export function prepareRetraction(request: {
  readonly stream: StreamId;
  readonly events: readonly EventId[];
  readonly reason: string;
  readonly author: Author;
}): EventDraft {
  const issues = [];
  if (!Array.isArray(request.events) || request.events.length === 0)
    issues.push({ path: ['events'], message: 'name at least one event to retract' });
  if (typeof request.reason !== 'string' || request.reason.trim() === '')
    issues.push({ path: ['reason'], message: 'a retraction must give its reason' });
  if (issues.length > 0) throw new ChartlogError('INVALID_COMMAND', 'cannot record retraction', { issues });
  return {
    stream: request.stream,
    type: RETRACTION_EVENT,
    data: { retracts: [...request.events], reason: request.reason },
    author: request.author,
  };
}

/** Convenience: {@link prepareWrite} then append with `writer`. */
export function recordWrite(
  writer: EventWriter,
  schema: Schema,
  state: StreamState | undefined,
  request: WriteRequest,
) {
  return writer.append(prepareWrite(schema, state, request));
}
