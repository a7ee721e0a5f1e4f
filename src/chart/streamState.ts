import type { EventId, StreamId } from '../event/ids.js';
import type { FieldState } from '../merge/mergeRule.js';

/** One resource (an AllergyIntolerance, a MedicationRequest …) as folded from its stream. */
export interface ResourceState {
  /** FHIR resource type, e.g. `AllergyIntolerance`. */
  readonly type: string;
  /** The resource's id within its type. */
  readonly id: string;
  /** Field name → the field's merge-rule state; every field state shows its value as `.value`. */
  readonly fields: { readonly [field: string]: FieldState };
}

/**
 * The folded state of one stream (one patient's record, one clinic's appointment book).
 * Immutable, with structural sharing between versions (immer): a consumer may hold it
 * while new events arrive. Its canonical JSON is what {@link stateHash} hashes.
 */
export interface StreamState {
  /** The stream this is the state of. */
  readonly stream: StreamId;
  /** Resource key (`<Type>/<id>`) → resource. */
  readonly resources: { readonly [key: string]: ResourceState };
  /** Sorted `<Type>/<id>#<field>` keys of every field with an open conflict. */
  readonly conflicts: readonly string[];
  /** Sorted ids of events retracted in this stream; their effects are not in `resources`. */
  readonly retracted: readonly EventId[];
}

/** The state of a stream that has no events. */
export function emptyStreamState(stream: StreamId): StreamState {
  return { stream, resources: {}, conflicts: [], retracted: [] };
}

/** The key a conflict is listed under in {@link StreamState.conflicts}. */
export function conflictKey(resource: string, field: string): string {
  return `${resource}#${field}`;
}

/** Splits a {@link conflictKey} back into resource key and field. */
export function parseConflictKey(key: string): { readonly resource: string; readonly field: string } {
  const at = key.lastIndexOf('#');
  return { resource: key.slice(0, at), field: key.slice(at + 1) };
}
