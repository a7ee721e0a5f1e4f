import type { StreamState } from '../chart/streamState.js';
import type { EventTypeDefinition } from '../merge/schema.js';
import type { CodeableConcept } from './fhirTypes.js';
import {
  choiceOf,
  codeIn,
  conflictsOf,
  idOf,
  notesOf,
  resourcesOfType,
  valueOf,
  type ClinicalNote,
  type ReadResource,
} from './readState.js';

/** FHIR `Condition.clinicalStatus` codes (condition-clinical). */
export const CONDITION_CLINICAL_STATUSES = [
  'active',
  'recurrence',
  'relapse',
  'inactive',
  'remission',
  'resolved',
] as const;
/** FHIR `Condition.verificationStatus` codes (condition-ver-status). */
export const CONDITION_VERIFICATION_STATUSES = [
  'unconfirmed',
  'provisional',
  'differential',
  'confirmed',
  'refuted',
  'entered-in-error',
] as const;
/** Code system of {@link CONDITION_CLINICAL_STATUSES}: `clinicalStatus` is a CodeableConcept holding one of them. */
export const CONDITION_CLINICAL_SYSTEM = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
/** Code system of {@link CONDITION_VERIFICATION_STATUSES}. */
export const CONDITION_VERIFICATION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
/** Code system of R4's Condition categories: the pack's problems are `problem-list-item`s. */
export const CONDITION_CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/condition-category';
/** Clinical statuses R4 allows beside an abatement (con-4). */
export const CONDITION_ABATED_STATUSES = ['inactive', 'remission', 'resolved'] as const;

/** A problem's clinical status. */
export type ConditionClinicalStatus = (typeof CONDITION_CLINICAL_STATUSES)[number];
/** A problem's verification status. */
export type ConditionVerificationStatus = (typeof CONDITION_VERIFICATION_STATUSES)[number];

/**
 * Event types that write FHIR `Condition` as a problem-list item, key `Condition/<id>` in
 * the patient's stream. The diagnosis and its statuses are `mv` (they drive care and
 * decision support); onset and abatement (`onset[x]`, `abatement[x]`, as `dateTime`) are
 * `lww`: often approximate ("2019"), corrected freely, and a lost concurrent edit stays
 * in the field's history.
 */
export const conditionEvents: Readonly<Record<string, EventTypeDefinition>> = {
  'condition.recorded': { v: 2, resources: ['Condition'], doc: 'A new problem on the problem list.' },
  'condition.updated': {
    v: 2,
    resources: ['Condition'],
    doc: 'A change to a problem: status, diagnosis, dates or a note.',
  },
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
  /** Onset, when recorded as a dateTime (`onsetDateTime`). */
  readonly onsetDateTime: string | undefined;
  /** When it resolved, when recorded as a dateTime (`abatementDateTime`). */
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
    patientId: idOf(valueOf(r, 'subject')),
    code: valueOf(r, 'code'),
    clinicalStatus: codeIn<ConditionClinicalStatus>(valueOf(r, 'clinicalStatus'), CONDITION_CLINICAL_SYSTEM),
    verificationStatus: codeIn<ConditionVerificationStatus>(
      valueOf(r, 'verificationStatus'),
      CONDITION_VERIFICATION_SYSTEM,
    ),
    onsetDateTime: choiceOf(r, 'onset', 'onsetDateTime'),
    abatementDateTime: choiceOf(r, 'abatement', 'abatementDateTime'),
    recordedDate: valueOf(r, 'recordedDate'),
    notes: notesOf(r),
  }));
}
