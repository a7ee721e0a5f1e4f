import type { StreamState } from '../chart/streamState.js';
import type { EventTypeDefinition } from '../merge/schema.js';
import type { CodeableConcept, Dosage } from './fhirTypes.js';
import {
  choiceOf,
  conflictsOf,
  idOf,
  notesOf,
  resourcesOfType,
  valueOf,
  type ClinicalNote,
  type ReadResource,
} from './readState.js';

/** FHIR `MedicationRequest.status` codes (medicationrequest-status). */
export const MEDICATION_REQUEST_STATUSES = [
  'active',
  'on-hold',
  'cancelled',
  'completed',
  'entered-in-error',
  'stopped',
  'draft',
  'unknown',
] as const;
/** FHIR `MedicationRequest.intent` codes (medicationrequest-intent). */
export const MEDICATION_REQUEST_INTENTS = [
  'proposal',
  'plan',
  'order',
  'original-order',
  'reflex-order',
  'filler-order',
  'instance-order',
  'option',
] as const;
/** Statuses after which a prescription no longer changes dose. */
export const MEDICATION_ENDED_STATUSES = ['cancelled', 'completed', 'entered-in-error', 'stopped'] as const;

/** A prescription's status. */
export type MedicationRequestStatus = (typeof MEDICATION_REQUEST_STATUSES)[number];
/** A prescription's intent. */
export type MedicationRequestIntent = (typeof MEDICATION_REQUEST_INTENTS)[number];

/**
 * Event types that write FHIR `MedicationRequest` (a prescription), key
 * `MedicationRequest/<id>` in the patient's stream. The drug is `medication[x]` as a
 * CodeableConcept; the dose and the route are `dosageInstruction` (the route is each
 * Dosage's `route`), one `mv` value: two prescribers changing a dose or a route offline
 * both surface as a conflict, never a union of doses.
 *
 * The drug, the dose and the status are `mv`: two prescribers changing one offline must
 * both be seen. `statusReason` is `lww` (explanatory text beside the `mv` status);
 * `intent` and `authoredOn` are `once` (what kind of order, and when, never change).
 */
export const medicationEvents: Readonly<Record<string, EventTypeDefinition>> = {
  'medication.prescribed': { v: 2, resources: ['MedicationRequest'], doc: 'A new prescription.' },
  'medication.dose-changed': {
    v: 2,
    resources: ['MedicationRequest'],
    doc: 'A new dose (and optionally route) for a current prescription.',
  },
  'medication.stopped': {
    v: 2,
    resources: ['MedicationRequest'],
    doc: 'A prescription stopped, cancelled, completed or marked entered-in-error, with the reason.',
  },
};

/** A prescription as plain values. */
export interface MedicationView extends ReadResource {
  /** The patient's id. */
  readonly patientId: string | undefined;
  /** The drug. */
  readonly medication: CodeableConcept | undefined;
  /** The dose (each Dosage without its route, which is `route`). */
  readonly dosageInstruction: readonly Dosage[];
  /** The route: the first Dosage's. */
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
    patientId: idOf(valueOf(r, 'subject')),
    medication: choiceOf(r, 'medication', 'medicationCodeableConcept'),
    dosageInstruction: (valueOf<readonly Dosage[]>(r, 'dosageInstruction') ?? []).map(withoutRoute),
    route: routeOf(valueOf(r, 'dosageInstruction')),
    status: valueOf(r, 'status'),
    statusReason: valueOf(r, 'statusReason'),
    intent: valueOf(r, 'intent'),
    authoredOn: valueOf(r, 'authoredOn'),
    notes: notesOf(r),
  }));
}

/** The route of a prescription's dose: its first Dosage's `route`. */
export function routeOf(dosages: readonly unknown[] | undefined): CodeableConcept | undefined {
  return (dosages?.[0] as { route?: CodeableConcept } | undefined)?.route;
}

function withoutRoute(dosage: Dosage): Dosage {
  const { route: _route, ...rest } = dosage as Dosage & { route?: unknown };
  return rest;
}
