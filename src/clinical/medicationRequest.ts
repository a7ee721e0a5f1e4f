import type { StreamState } from '../chart/streamState.js';
import type { EventTypeDefinition } from '../merge/schema.js';
import type { CodeableConcept, Dosage } from './fhirTypes.js';
import { defineView, readView, type ViewOf } from './clinicalView.js';
import { valueOf } from './readState.js';

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
export const medicationEvents = {
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
} as const satisfies Readonly<Record<string, EventTypeDefinition>>;

/** How the pack shows a `MedicationRequest` (a prescription) as plain values. */
export const medicationView = defineView('MedicationRequest', (c) => ({
  /** The patient's id. */
  patientId: c.referenceId('subject'),
  /** The drug. */
  medication: c.choice<CodeableConcept>('medication', 'medicationCodeableConcept'),
  /** The dose (each Dosage without its route, which is `route`). */
  dosageInstruction: (r): readonly Dosage[] =>
    (valueOf<readonly Dosage[]>(r, 'dosageInstruction') ?? []).map(withoutRoute),
  /** The route: the first Dosage's. */
  route: (r): CodeableConcept | undefined => routeOf(valueOf(r, 'dosageInstruction')),
  /** Status. */
  status: c.field<MedicationRequestStatus>('status'),
  /** Why stopped / held. */
  statusReason: c.field<CodeableConcept>('statusReason'),
  /** Kind of request. */
  intent: c.field<MedicationRequestIntent>('intent'),
  /** When prescribed. */
  authoredOn: c.field<string>('authoredOn'),
  /** Every note, in order. */
  notes: c.notes(),
}));

/** A prescription as plain values ({@link medicationView}). */
export type MedicationView = ViewOf<typeof medicationView>;

/**
 * Every prescription on a record as plain values (all statuses): `readClinical(state, 'MedicationRequest')`.
 * @example readMedications(state).filter((m) => m.status === 'active')
 */
export function readMedications(state: StreamState | undefined): MedicationView[] {
  return readView(medicationView, state);
}

/** The route of a prescription's dose: its first Dosage's `route`. */
export function routeOf(dosages: readonly unknown[] | undefined): CodeableConcept | undefined {
  return (dosages?.[0] as { route?: CodeableConcept } | undefined)?.route;
}

function withoutRoute(dosage: Dosage): Dosage {
  const { route: _route, ...rest } = dosage as Dosage & { route?: unknown };
  return rest;
}
