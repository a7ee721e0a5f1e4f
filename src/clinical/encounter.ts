import type { StreamState } from '../chart/streamState.js';
import type { EventTypeDefinition } from '../merge/schema.js';
import type { CodeableConcept, Coding } from './fhirTypes.js';
import {
  conflictsOf,
  idOf,
  notesOf,
  resourcesOfType,
  valueOf,
  type ClinicalNote,
  type ReadResource,
} from './readState.js';

/** FHIR R4 `Encounter.status` codes (encounter-status). */
export const ENCOUNTER_STATUSES = [
  'planned',
  'arrived',
  'triaged',
  'in-progress',
  'onleave',
  'finished',
  'cancelled',
  'entered-in-error',
  'unknown',
] as const;
/** FHIR `Encounter.class` codes (v3 ActEncounterCode): ambulatory, emergency, field, home health, inpatient, short stay, virtual … */
export const ENCOUNTER_CLASSES = [
  'AMB',
  'EMER',
  'FLD',
  'HH',
  'IMP',
  'ACUTE',
  'NONAC',
  'OBSENC',
  'PRENC',
  'SS',
  'VR',
] as const;
/** Code system of {@link ENCOUNTER_CLASSES}. */
export const ENCOUNTER_CLASS_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

/** An encounter's status. */
export type EncounterStatus = (typeof ENCOUNTER_STATUSES)[number];
/** An encounter class code, e.g. `AMB` (surgery consultation), `VR` (video/telephone), `HH` (home visit). */
export type EncounterClass = (typeof ENCOUNTER_CLASSES)[number];

/**
 * Event types that write FHIR `Encounter` (a consultation), key `Encounter/<id>` in the
 * patient's stream. `status` is `mv`; `class` and `period` are `lww` (descriptive, not
 * safety-critical: a concurrent loser stays in the field's history), `type` an add-wins
 * set, `appointment` `once`. Consultation notes are the pack's `note` extension (R4's
 * Encounter has no `note`), a `log` of Annotations like every other resource's notes.
 */
export const encounterEvents: Readonly<Record<string, EventTypeDefinition>> = {
  'encounter.started': { v: 2, resources: ['Encounter'], doc: 'A consultation began.' },
  'encounter.note-added': { v: 2, resources: ['Encounter'], doc: 'A consultation note.' },
  'encounter.finished': { v: 2, resources: ['Encounter'], doc: 'A consultation ended.' },
};

/** An encounter as plain values. */
export interface EncounterView extends ReadResource {
  /** The patient's id. */
  readonly patientId: string | undefined;
  /** Status. */
  readonly status: EncounterStatus | undefined;
  /** Class (AMB, VR, HH …). */
  readonly class: Coding | undefined;
  /** Kind of consultation. */
  readonly type: readonly CodeableConcept[];
  /** Start (`period.start`, a UTC instant when the pack recorded it). */
  readonly periodStart: string | undefined;
  /** End (`period.end`). */
  readonly periodEnd: string | undefined;
  /** The appointment's id, when booked. */
  readonly appointmentId: string | undefined;
  /** The consultation notes, in order. */
  readonly notes: readonly ClinicalNote[];
}

/**
 * Every encounter on a record as plain values, with its consultation notes.
 * @example readEncounters(state).flatMap((e) => e.notes.map((n) => n.text))
 */
export function readEncounters(state: StreamState | undefined): EncounterView[] {
  if (!state) return [];
  return resourcesOfType(state, 'Encounter').map((r) => ({
    id: r.id,
    conflicts: conflictsOf(state, r),
    patientId: idOf(valueOf(r, 'subject')),
    status: valueOf(r, 'status'),
    class: valueOf(r, 'class'),
    type: valueOf(r, 'type') ?? [],
    periodStart: valueOf<Period>(r, 'period')?.start,
    periodEnd: valueOf<Period>(r, 'period')?.end,
    appointmentId: idOf(valueOf<readonly unknown[]>(r, 'appointment')?.[0]),
    notes: notesOf(r),
  }));
}

/** R4 `Period`, as an encounter's `period`. */
export interface Period {
  /** Start (inclusive). */
  readonly start?: string;
  /** End (inclusive); absent while the encounter goes on. */
  readonly end?: string;
}
