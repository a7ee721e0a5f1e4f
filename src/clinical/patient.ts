import type { StreamState } from '../chart/streamState.js';
import type { EventTypeDefinition } from '../merge/schema.js';
import type { Address, ContactPoint, HumanName, Identifier } from './fhirTypes.js';
import { NHS_NUMBER_SYSTEM } from './nhsNumber.js';
import { conflictsOf, referenceOf, resourcesOfType, valueOf, type ReadResource } from './readState.js';

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
export const patientEvents: Readonly<Record<string, EventTypeDefinition>> = {
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
};

/** A patient's demographics as plain values. */
export interface PatientView extends ReadResource {
  /** Names; the first is the one to show. */
  readonly name: readonly HumanName[];
  /** Date of birth, YYYY-MM-DD. */
  readonly birthDate: string | undefined;
  /** Administrative gender. */
  readonly gender: PatientGender | undefined;
  /** The NHS number, when recorded. */
  readonly nhsNumber: string | undefined;
  /** Every identifier, the NHS number included. */
  readonly identifier: readonly Identifier[];
  /** Phone numbers and email addresses. */
  readonly telecom: readonly ContactPoint[];
  /** Addresses. */
  readonly address: readonly Address[];
  /** Registered practice / usual GP references, e.g. `Organization/B82005`. */
  readonly generalPractitioner: readonly string[];
}

/**
 * The patient of a `patient/<id>` stream as plain values (the provisional value of a
 * field in conflict, which `conflicts` names), or undefined before registration.
 *
 * @example readPatient(chart.state(patientStream(id)))?.nhsNumber
 */
export function readPatient(state: StreamState | undefined): PatientView | undefined {
  const resource = resourcesOfType(state, 'Patient')[0];
  if (!state || !resource) return undefined;
  const ids = valueOf<readonly Identifier[]>(resource, 'identifier') ?? [];
  return {
    id: resource.id,
    conflicts: conflictsOf(state, resource),
    name: valueOf(resource, 'name') ?? [],
    birthDate: valueOf(resource, 'birthDate'),
    gender: valueOf(resource, 'gender'),
    nhsNumber: ids.find((i) => i.system === NHS_NUMBER_SYSTEM)?.value,
    identifier: ids,
    telecom: valueOf(resource, 'telecom') ?? [],
    address: valueOf(resource, 'address') ?? [],
    generalPractitioner: (valueOf<readonly unknown[]>(resource, 'generalPractitioner') ?? [])
      .map(referenceOf)
      .filter((r): r is string => r !== undefined),
  };
}
