import type { StreamState } from '../chart/streamState.js';
import type { EventTypeDefinition } from '../merge/schema.js';
import type { Address, ContactPoint, HumanName, Identifier } from './fhirTypes.js';
import { NHS_NUMBER_SYSTEM } from './nhsNumber.js';
import { defineView, readView, type ViewOf } from './clinicalView.js';
import { referenceOf, valueOf } from './readState.js';

/** FHIR `Patient.gender` (administrative-gender). */
export const PATIENT_GENDERS = ['male', 'female', 'other', 'unknown'] as const;
/** A FHIR administrative gender code. */
export type PatientGender = (typeof PATIENT_GENDERS)[number];

/**
 * Event types that write FHIR `Patient`, key `Patient/<patientId>` in `patient/<patientId>`.
 *
 * Names, birth date, gender and identifiers are `mv`: they are how a patient is matched
 * to their record, so two sites changing one concurrently must be shown to a person,
 * never settled by a clock. `generalPractitioner` (the registered practice) is `mv` too:
 * it decides who is responsible for the patient and where results and letters go, and
 * two practices both taking a registration during an outage is exactly what must surface.
 * Telecom and addresses are add-wins sets: a number added at one site is never lost to
 * an edit at another.
 */
export const patientEvents = {
  'patient.registered': {
    v: 2,
    resources: ['Patient'],
    doc: 'A patient registered at a practice: demographics and identifiers.',
  },
  'patient.demographics-updated': {
    v: 2,
    resources: ['Patient'],
    doc: 'A change to name, birth date, gender, identifiers, contact details or registered practice.',
  },
} as const satisfies Readonly<Record<string, EventTypeDefinition>>;

/** How the pack shows a `Patient`: its demographics as plain values. */
export const patientView = defineView('Patient', (c) => ({
  /** Names; the first is the one to show. */
  name: c.list<HumanName>('name'),
  /** Date of birth, YYYY-MM-DD. */
  birthDate: c.field<string>('birthDate'),
  /** Administrative gender. */
  gender: c.field<PatientGender>('gender'),
  /** The NHS number, when recorded. */
  nhsNumber: (r): string | undefined =>
    (valueOf<readonly Identifier[]>(r, 'identifier') ?? []).find((i) => i.system === NHS_NUMBER_SYSTEM)
      ?.value,
  /** Every identifier, the NHS number included. */
  identifier: c.list<Identifier>('identifier'),
  /** Phone numbers and email addresses. */
  telecom: c.list<ContactPoint>('telecom'),
  /** Addresses. */
  address: c.list<Address>('address'),
  /** Registered practice / usual GP references, e.g. `Organization/B82005`. */
  generalPractitioner: (r): readonly string[] =>
    (valueOf<readonly unknown[]>(r, 'generalPractitioner') ?? [])
      .map(referenceOf)
      .filter((ref): ref is string => ref !== undefined),
}));

/** A patient's demographics as plain values ({@link patientView}). */
export type PatientView = ViewOf<typeof patientView>;

/**
 * The patient of a `patient/<id>` stream as plain values (the provisional value of a
 * field in conflict, which `conflicts` names), or undefined before registration:
 * `readClinical(state, 'Patient')[0]`.
 *
 * @example readPatient(chart.state(patientStream(id)))?.nhsNumber
 */
export function readPatient(state: StreamState | undefined): PatientView | undefined {
  return readView(patientView, state)[0];
}
