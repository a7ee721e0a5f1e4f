import type { ResourceState, StreamState } from '../chart/streamState.js';
import type { EventId, SiteId } from '../event/ids.js';
import { isPlainObject, type Json } from '../event/json.js';
import type { WriteRef } from '../merge/mergeRule.js';
import type { CodeableConcept } from './fhirTypes.js';

/**
 * Small helpers the pack's typed readers share: plain values out of folded resources
 * (held as FHIR R4 elements), with the names of fields in conflict.
 */

/** One note of a resource: the note and who wrote it, where and when. */
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
  /**
   * Names of fields with an open conflict (their value shown is provisional), sorted: FHIR element names
   * (`dosageInstruction`, `reaction`) or the pack's extension fields (`holder`).
   */
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

/** The value a field shows, or undefined when never written (or removed). */
export function valueOf<T>(resource: ResourceState | undefined, field: string): T | undefined {
  const value = resource?.fields[field]?.value as T | null | undefined;
  return value === null ? undefined : (value ?? undefined);
}

/** The value of a choice element held as one member naming its type (`onset` → `{ onsetDateTime }`), when it is of that type. */
export function choiceOf<T>(
  resource: ResourceState | undefined,
  field: string,
  member: string,
): T | undefined {
  const value = valueOf<Json>(resource, field);
  return isPlainObject(value) ? (value[member] as T | undefined) : undefined;
}

/** Names of a resource's fields that are in conflict. */
export function conflictsOf(state: StreamState, resource: ResourceState): string[] {
  const prefix = `${resource.type}/${resource.id}#`;
  return state.conflicts.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
}

/** A note field's entries (`log` of R4 `Annotation`s, each write adding a list), in the total order. */
export function notesOf(resource: ResourceState | undefined, field = 'note'): ClinicalNote[] {
  const writes = (resource?.fields[field]?.value ?? []) as readonly WriteRef[];
  return writes.flatMap((w) =>
    (Array.isArray(w.value) ? w.value : [w.value]).map((note) => ({
      text: String(isPlainObject(note) ? note['text'] : ''),
      author: w.author,
      site: w.site,
      hlc: w.hlc,
      eventId: w.id,
    })),
  );
}

/** An R4 `Reference` to a resource key: `Patient/p1` → `{ reference: 'Patient/p1' }`. */
export function referenceTo(key: string): { readonly reference: string } {
  return { reference: key };
}

/** The reference string of an R4 `Reference` (`{ reference: 'Patient/p1' }` → `Patient/p1`), or undefined. */
export function referenceOf(reference: unknown): string | undefined {
  return isPlainObject(reference) && typeof reference['reference'] === 'string'
    ? reference['reference']
    : undefined;
}

/** The id a `Reference` points to (`{ reference: 'Patient/p1' }` → `p1`), or undefined. */
export function idOf(reference: unknown): string | undefined {
  const ref = referenceOf(reference);
  return ref === undefined ? undefined : ref.slice(ref.lastIndexOf('/') + 1);
}

/** A `CodeableConcept` holding one code of a code system: how R4 states a status its value set binds as a concept. */
export function conceptOf(system: string, code: string): CodeableConcept {
  return { coding: [{ system, code }] };
}

/** The code a `CodeableConcept` holds in `system`, or undefined when it holds none there. */
export function codeIn<T extends string>(concept: unknown, system: string): T | undefined {
  if (!isPlainObject(concept) || !Array.isArray(concept['coding'])) return undefined;
  for (const c of concept['coding'])
    if (isPlainObject(c) && c['system'] === system && typeof c['code'] === 'string') return c['code'] as T;
  return undefined;
}
