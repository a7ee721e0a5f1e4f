import type { StreamState } from '../chart/streamState.js';
import type { EventTypeDefinition, ResourceDefinition } from '../merge/schema.js';
import { annotation, arrayOf, codeableConcept, dosage, fhirDateTime, oneOf, reference } from './fhirChecks.js';
import type { CodeableConcept, Dosage } from './fhirTypes.js';
import { conflictsOf, idOf, notesOf, resourcesOfType, valueOf, type ClinicalNote, type ReadResource } from './readState.js';

/** FHIR `MedicationRequest.status` codes (medicationrequest-status). */
export const MEDICATION_REQUEST_STATUSES = ['active', 'on-hold', 'cancelled', 'completed', 'entered-in-error', 'stopped', 'draft', 'unknown'] as const;
/** FHIR `MedicationRequest.intent` codes (medicationrequest-intent). */
export const MEDICATION_REQUEST_INTENTS = ['proposal', 'plan', 'order', 'original-order', 'reflex-order', 'filler-order', 'instance-order', 'option'] as const;
/** Statuses after which a prescription no longer changes dose. */
export const MEDICATION_ENDED_STATUSES = ['cancelled', 'completed', 'entered-in-error', 'stopped'] as const;

/** A prescription's status. */
export type MedicationRequestStatus = (typeof MEDICATION_REQUEST_STATUSES)[number];
/** A prescription's intent. */
export type MedicationRequestIntent = (typeof MEDICATION_REQUEST_INTENTS)[number];

/**
 * FHIR `MedicationRequest` (a prescription), key `MedicationRequest/<id>` in the
 * patient's stream. `medication` is R4's `medication[x]` as a CodeableConcept;
 * `route` is `dosageInstruction.route`, kept as its own field so a route change and a
 * dose change made at two sites do not collide.
 *
 * The drug, the dose, the route and the status are `mv`: two prescribers changing one
 * offline must both be seen. `statusReason` is `lww` (explanatory text beside the `mv`
 * status); `intent` and `authoredOn` are `once` (what kind of order, and when, never change).
 */
export const medicationRequestResource: ResourceDefinition = {
  doc: 'FHIR MedicationRequest: a prescription.',
  fields: {
    patient: { rule: 'once', check: reference('Patient'), doc: 'the patient (Patient/<id>)' },
    medication: { rule: 'mv', check: codeableConcept, doc: 'the drug (medicationCodeableConcept, e.g. dm+d)' },
    dosageInstruction: { rule: 'mv', check: arrayOf(dosage, 1), doc: 'Dosage[]: the dose' },
    route: { rule: 'mv', check: codeableConcept, doc: 'dosageInstruction.route' },
    status: { rule: 'mv', check: oneOf(MEDICATION_REQUEST_STATUSES) },
    statusReason: { rule: 'lww', check: codeableConcept, doc: 'why it was stopped, cancelled or held' },
    intent: { rule: 'once', check: oneOf(MEDICATION_REQUEST_INTENTS) },
    authoredOn: { rule: 'once', check: fhirDateTime },
    note: { rule: 'log', check: annotation },
  },
};

/** Event types that write `MedicationRequest`. */
export const medicationEvents: Readonly<Record<string, EventTypeDefinition>> = {
  'medication.prescribed': { v: 1, resources: ['MedicationRequest'], doc: 'A new prescription.' },
  'medication.dose-changed': { v: 1, resources: ['MedicationRequest'], doc: 'A new dose (and optionally route) for a current prescription.' },
  'medication.stopped': { v: 1, resources: ['MedicationRequest'], doc: 'A prescription stopped, cancelled, completed or marked entered-in-error, with the reason.' },
};

/** A prescription as plain values. */
export interface MedicationView extends ReadResource {
  /** The patient's id. */
  readonly patientId: string | undefined;
  /** The drug. */
  readonly medication: CodeableConcept | undefined;
  /** The dose. */
  readonly dosageInstruction: readonly Dosage[];
  /** The route. */
  readonly route: CodeableConcept | undefined;
  /** Status. */
  readonly status: MedicationRequestStatus | undefined;
  /** Why stopped / held. */
  readonly statusReason: CodeableConcept | undefined;
  /** Kind of request. */
  readonly intent: MedicationRequestIntent | undefined;
  /** When prescribed. */
  readonly authoredOn: string | undefined;
  /** Every note, in order. */
  readonly notes: readonly ClinicalNote[];
}

/**
 * Every prescription on a record as plain values (all statuses).
 * @example readMedications(state).filter((m) => m.status === 'active')
 */
export function readMedications(state: StreamState | undefined): MedicationView[] {
  if (!state) return [];
  return resourcesOfType(state, 'MedicationRequest').map((r) => ({
    id: r.id,
    conflicts: conflictsOf(state, r),
    patientId: idOf(valueOf(r, 'patient')),
    medication: valueOf(r, 'medication'),
    dosageInstruction: valueOf(r, 'dosageInstruction') ?? [],
    route: valueOf(r, 'route'),
    status: valueOf(r, 'status'),
    statusReason: valueOf(r, 'statusReason'),
    intent: valueOf(r, 'intent'),
    authoredOn: valueOf(r, 'authoredOn'),
    notes: notesOf(r),
  }));
}
