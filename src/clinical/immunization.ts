import type { StreamState } from '../chart/streamState.js';
import type { EventTypeDefinition, ResourceDefinition } from '../merge/schema.js';
import { annotation, codeableConcept, fhirDateTime, nonEmptyString, oneOf, reference } from './fhirChecks.js';
import type { CodeableConcept } from './fhirTypes.js';
import { conflictsOf, idOf, notesOf, resourcesOfType, valueOf, type ClinicalNote, type ReadResource } from './readState.js';

/** FHIR `Immunization.status` codes (immunization-status). */
export const IMMUNIZATION_STATUSES = ['completed', 'entered-in-error', 'not-done'] as const;
/** An immunization's status. */
export type ImmunizationStatus = (typeof IMMUNIZATION_STATUSES)[number];

/**
 * FHIR `Immunization`, key `Immunization/<id>` in the patient's stream. The vaccine,
 * the date given and the status are `mv`: they decide whether a dose is due, so a
 * concurrent correction must be seen. `lotNumber` and `statusReason` are `lww`
 * (batch recall lookups, explanatory text).
 */
export const immunizationResource: ResourceDefinition = {
  doc: 'FHIR Immunization: a vaccine given (or not given).',
  fields: {
    patient: { rule: 'once', check: reference('Patient'), doc: 'the patient (Patient/<id>)' },
    vaccineCode: { rule: 'mv', check: codeableConcept, doc: 'the vaccine (dm+d / SNOMED CT)' },
    occurrenceDateTime: { rule: 'mv', check: fhirDateTime, doc: 'when it was given' },
    status: { rule: 'mv', check: oneOf(IMMUNIZATION_STATUSES) },
    statusReason: { rule: 'lww', check: codeableConcept, doc: 'why not done' },
    lotNumber: { rule: 'lww', check: nonEmptyString, doc: 'vaccine batch' },
    note: { rule: 'log', check: annotation },
  },
};

/** Event types that write `Immunization`. */
export const immunizationEvents: Readonly<Record<string, EventTypeDefinition>> = {
  'immunization.recorded': { v: 1, resources: ['Immunization'], doc: 'A vaccination given, or recorded as not done.' },
  'immunization.updated': { v: 1, resources: ['Immunization'], doc: 'A correction to a recorded vaccination.' },
};

/** An immunization as plain values. */
export interface ImmunizationView extends ReadResource {
  /** The patient's id. */
  readonly patientId: string | undefined;
  /** The vaccine. */
  readonly vaccineCode: CodeableConcept | undefined;
  /** When given. */
  readonly occurrenceDateTime: string | undefined;
  /** Status. */
  readonly status: ImmunizationStatus | undefined;
  /** Why not done. */
  readonly statusReason: CodeableConcept | undefined;
  /** Batch. */
  readonly lotNumber: string | undefined;
  /** Every note, in order. */
  readonly notes: readonly ClinicalNote[];
}

/**
 * Every immunization on a record as plain values.
 * @example readImmunizations(state).filter((i) => i.status === 'completed')
 */
export function readImmunizations(state: StreamState | undefined): ImmunizationView[] {
  if (!state) return [];
  return resourcesOfType(state, 'Immunization').map((r) => ({
    id: r.id,
    conflicts: conflictsOf(state, r),
    patientId: idOf(valueOf(r, 'patient')),
    vaccineCode: valueOf(r, 'vaccineCode'),
    occurrenceDateTime: valueOf(r, 'occurrenceDateTime'),
    status: valueOf(r, 'status'),
    statusReason: valueOf(r, 'statusReason'),
    lotNumber: valueOf(r, 'lotNumber'),
    notes: notesOf(r),
  }));
}
