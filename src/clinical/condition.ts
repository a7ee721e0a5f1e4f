import type { StreamState } from '../chart/streamState.js';
import type { EventTypeDefinition, ResourceDefinition } from '../merge/schema.js';
import { annotation, codeableConcept, fhirDateTime, oneOf, reference } from './fhirChecks.js';
import type { CodeableConcept } from './fhirTypes.js';
import { conflictsOf, idOf, notesOf, resourcesOfType, valueOf, type ClinicalNote, type ReadResource } from './readState.js';

/** FHIR `Condition.clinicalStatus` codes (condition-clinical). */
export const CONDITION_CLINICAL_STATUSES = ['active', 'recurrence', 'relapse', 'inactive', 'remission', 'resolved'] as const;
/** FHIR `Condition.verificationStatus` codes (condition-ver-status). */
export const CONDITION_VERIFICATION_STATUSES = ['unconfirmed', 'provisional', 'differential', 'confirmed', 'refuted', 'entered-in-error'] as const;

/** A problem's clinical status. */
export type ConditionClinicalStatus = (typeof CONDITION_CLINICAL_STATUSES)[number];
/** A problem's verification status. */
export type ConditionVerificationStatus = (typeof CONDITION_VERIFICATION_STATUSES)[number];

/**
 * FHIR `Condition` as a problem-list item, key `Condition/<id>` in the patient's stream.
 * The diagnosis and its statuses are `mv` (they drive care and decision support); onset
 * and abatement dates are `lww`: often approximate ("2019"), corrected freely, and a
 * lost concurrent edit stays in the field's history.
 */
export const conditionResource: ResourceDefinition = {
  doc: 'FHIR Condition: a problem-list item.',
  fields: {
    patient: { rule: 'once', check: reference('Patient'), doc: 'the patient (Patient/<id>)' },
    code: { rule: 'mv', check: codeableConcept, doc: 'the diagnosis or problem' },
    clinicalStatus: { rule: 'mv', check: oneOf(CONDITION_CLINICAL_STATUSES) },
    verificationStatus: { rule: 'mv', check: oneOf(CONDITION_VERIFICATION_STATUSES) },
    onsetDateTime: { rule: 'lww', check: fhirDateTime },
    abatementDateTime: { rule: 'lww', check: fhirDateTime },
    recordedDate: { rule: 'once', check: fhirDateTime },
    note: { rule: 'log', check: annotation },
  },
};

/** Event types that write `Condition`. */
export const conditionEvents: Readonly<Record<string, EventTypeDefinition>> = {
  'condition.recorded': { v: 1, resources: ['Condition'], doc: 'A new problem on the problem list.' },
  'condition.updated': { v: 1, resources: ['Condition'], doc: 'A change to a problem: status, diagnosis, dates or a note.' },
};

/** A problem-list item as plain values. */
export interface ConditionView extends ReadResource {
  /** The patient's id. */
  readonly patientId: string | undefined;
  /** The diagnosis. */
  readonly code: CodeableConcept | undefined;
  /** Clinical status. */
  readonly clinicalStatus: ConditionClinicalStatus | undefined;
  /** Verification status. */
  readonly verificationStatus: ConditionVerificationStatus | undefined;
  /** Onset. */
  readonly onsetDateTime: string | undefined;
  /** When it resolved. */
  readonly abatementDateTime: string | undefined;
  /** When first recorded. */
  readonly recordedDate: string | undefined;
  /** Every note, in order. */
  readonly notes: readonly ClinicalNote[];
}

/**
 * The problem list as plain values (all statuses: filter on `clinicalStatus`).
 * @example readConditions(state).filter((c) => c.clinicalStatus === 'active')
 */
export function readConditions(state: StreamState | undefined): ConditionView[] {
  if (!state) return [];
  return resourcesOfType(state, 'Condition').map((r) => ({
    id: r.id,
    conflicts: conflictsOf(state, r),
    patientId: idOf(valueOf(r, 'patient')),
    code: valueOf(r, 'code'),
    clinicalStatus: valueOf(r, 'clinicalStatus'),
    verificationStatus: valueOf(r, 'verificationStatus'),
    onsetDateTime: valueOf(r, 'onsetDateTime'),
    abatementDateTime: valueOf(r, 'abatementDateTime'),
    recordedDate: valueOf(r, 'recordedDate'),
    notes: notesOf(r),
  }));
}
