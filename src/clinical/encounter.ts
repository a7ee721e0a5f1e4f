import type { StreamState } from '../chart/streamState.js';
import { isPlainObject, type Json } from '../event/json.js';
import type { EventTypeDefinition, ResourceDefinition } from '../merge/schema.js';
import { annotation, arrayOf, codeableConcept, oneOf, reference, utcInstant, type ValueCheck } from './fhirChecks.js';
import type { CodeableConcept, Coding } from './fhirTypes.js';
import { conflictsOf, idOf, notesOf, resourcesOfType, valueOf, type ClinicalNote, type ReadResource } from './readState.js';

/** FHIR R4 `Encounter.status` codes (encounter-status). */
export const ENCOUNTER_STATUSES = ['planned', 'arrived', 'triaged', 'in-progress', 'onleave', 'finished', 'cancelled', 'entered-in-error', 'unknown'] as const;
/** FHIR `Encounter.class` codes (v3 ActEncounterCode): ambulatory, emergency, field, home health, inpatient, short stay, virtual … */
export const ENCOUNTER_CLASSES = ['AMB', 'EMER', 'FLD', 'HH', 'IMP', 'ACUTE', 'NONAC', 'OBSENC', 'PRENC', 'SS', 'VR'] as const;
/** Code system of {@link ENCOUNTER_CLASSES}. */
export const ENCOUNTER_CLASS_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

/** An encounter's status. */
export type EncounterStatus = (typeof ENCOUNTER_STATUSES)[number];
/** An encounter class code, e.g. `AMB` (surgery consultation), `VR` (video/telephone), `HH` (home visit). */
export type EncounterClass = (typeof ENCOUNTER_CLASSES)[number];

const encounterClass: ValueCheck = (value) =>
  isPlainObject(value) && value['system'] === ENCOUNTER_CLASS_SYSTEM && (ENCOUNTER_CLASSES as readonly Json[]).includes(value['code'] as Json)
    ? undefined
    : `must be a v3-ActCode Coding with code ${ENCOUNTER_CLASSES.join(' | ')}`;

/**
 * FHIR `Encounter` (a consultation), key `Encounter/<id>` in the patient's stream, with
 * the consultation notes as a `log`. `period` is split into `periodStart` (`min`) and
 * `periodEnd` (`max`): whatever sites record, the encounter spans the earliest start and
 * the latest end (both UTC instants, so they sort as text). `class` and `type` are
 * `lww`: descriptive, not safety-critical. `status` is `mv`.
 */
export const encounterResource: ResourceDefinition = {
  doc: 'FHIR Encounter: a consultation and its notes.',
  fields: {
    patient: { rule: 'once', check: reference('Patient'), doc: 'the patient (Patient/<id>)' },
    status: { rule: 'mv', check: oneOf(ENCOUNTER_STATUSES) },
    class: { rule: 'lww', check: encounterClass, doc: 'Coding: AMB, VR, HH …' },
    type: { rule: 'lww', check: arrayOf(codeableConcept, 1), doc: 'CodeableConcept[]: kind of consultation' },
    periodStart: { rule: 'min', check: utcInstant, doc: 'period.start' },
    periodEnd: { rule: 'max', check: utcInstant, doc: 'period.end' },
    appointment: { rule: 'once', check: reference('Appointment'), doc: 'the booking it fulfils (in the clinic’s schedule stream)' },
    note: { rule: 'log', check: annotation, doc: 'consultation notes' },
  },
};

/** Event types that write `Encounter`. */
export const encounterEvents: Readonly<Record<string, EventTypeDefinition>> = {
  'encounter.started': { v: 1, resources: ['Encounter'], doc: 'A consultation began.' },
  'encounter.note-added': { v: 1, resources: ['Encounter'], doc: 'A consultation note.' },
  'encounter.finished': { v: 1, resources: ['Encounter'], doc: 'A consultation ended.' },
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
  /** Start (UTC instant). */
  readonly periodStart: string | undefined;
  /** End (UTC instant). */
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
    patientId: idOf(valueOf(r, 'patient')),
    status: valueOf(r, 'status'),
    class: valueOf(r, 'class'),
    type: valueOf(r, 'type') ?? [],
    periodStart: valueOf(r, 'periodStart'),
    periodEnd: valueOf(r, 'periodEnd'),
    appointmentId: idOf(valueOf(r, 'appointment')),
    notes: notesOf(r),
  }));
}
