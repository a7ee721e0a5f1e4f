import type { ResourceState, StreamState } from '../chart/streamState.js';
import type { EventId, SiteId } from '../event/ids.js';
import type { Json } from '../event/json.js';
import type { WriteRef } from '../merge/mergeRule.js';
import type { Annotation } from './fhirTypes.js';

/**
 * Small helpers the pack's typed readers share: plain values out of folded resources,
 * with the names of fields in conflict.
 */

/** One entry of a `log` note field: the note and who wrote it, where and when. */
export interface ClinicalNote {
  /** The note. */
  readonly text: string;
  /** Id of its author. */
  readonly author: string;
  /** Site that recorded it. */
  readonly site: SiteId;
  /** When (HLC stamp). */
  readonly hlc: string;
  /** The event that added it. */
  readonly eventId: EventId;
}

/** What every typed reader returns beside its values. */
export interface ReadResource {
  /** The resource's id (what follows `<Type>/`). */
  readonly id: string;
  /** Names of fields with an open conflict (their value shown is provisional), sorted. */
  readonly conflicts: readonly string[];
}

/** Every resource of `type` in a stream state, by id order. */
export function resourcesOfType(state: StreamState | undefined, type: string): ResourceState[] {
  if (!state) return [];
  const prefix = `${type}/`;
  return Object.keys(state.resources)
    .filter((key) => key.startsWith(prefix))
    .sort()
    .map((key) => state.resources[key] as ResourceState);
}

/** The value a field shows, or undefined when never written. */
export function valueOf<T>(resource: ResourceState | undefined, field: string): T | undefined {
  const value = resource?.fields[field]?.value as T | null | undefined;
  return value === null ? undefined : (value ?? undefined);
}

/** Names of a resource's fields that are in conflict. */
export function conflictsOf(state: StreamState, resource: ResourceState): string[] {
  const prefix = `${resource.type}/${resource.id}#`;
  return state.conflicts.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
}

/** A `log` note field's entries, in the total order. */
export function notesOf(resource: ResourceState | undefined, field = 'note'): ClinicalNote[] {
  const entries = (resource?.fields[field]?.value ?? []) as readonly WriteRef[];
  return entries.map((w) => ({ text: (w.value as Json as unknown as Annotation).text, author: w.author, site: w.site, hlc: w.hlc, eventId: w.id }));
}

/** The id part of a reference string (`Patient/p1` → `p1`). */
export function idOf(reference: string | undefined): string | undefined {
  return reference === undefined ? undefined : reference.slice(reference.indexOf('/') + 1);
}
