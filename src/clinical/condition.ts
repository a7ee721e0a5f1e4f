import type { StreamState } from '../chart/streamState.js';
import type { EventTypeDefinition } from '../merge/schema.js';
import type { CodeableConcept } from './fhirTypes.js';
import { defineView, readView, type ViewOf } from './clinicalView.js';

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
export const conditionEvents = {
  'condition.recorded': { v: 2, resources: ['Condition'], doc: 'A new problem on the problem list.' },
  'condition.updated': {
    v: 2,
    resources: ['Condition'],
    doc: 'A change to a problem: status, diagnosis, dates or a note.',
  },
} as const satisfies Readonly<Record<string, EventTypeDefinition>>;

/** How the pack shows a `Condition` (a problem-list item) as plain values. */
export const conditionView = defineView('Condition', (c) => ({
  /** The patient's id. */
  patientId: c.referenceId('subject'),
  /** The diagnosis. */
  code: c.field<CodeableConcept>('code'),
  /** Clinical status. */
  clinicalStatus: c.codeIn<ConditionClinicalStatus>('clinicalStatus', CONDITION_CLINICAL_SYSTEM),
  /** Verification status. */
  verificationStatus: c.codeIn<ConditionVerificationStatus>(
    'verificationStatus',
    CONDITION_VERIFICATION_SYSTEM,
  ),
  /** Onset, when recorded as a dateTime (`onsetDateTime`). */
  onsetDateTime: c.choice<string>('onset', 'onsetDateTime'),
  /** When it resolved, when recorded as a dateTime (`abatementDateTime`). */
  abatementDateTime: c.choice<string>('abatement', 'abatementDateTime'),
  /** When first recorded. */
  recordedDate: c.field<string>('recordedDate'),
  /** Every note, in order. */
  notes: c.notes(),
}));

/** A problem-list item as plain values ({@link conditionView}). */
export type ConditionView = ViewOf<typeof conditionView>;

/**
 * The problem list as plain values (all statuses: filter on `clinicalStatus`): `readClinical(state, 'Condition')`.
 * @example readConditions(state).filter((c) => c.clinicalStatus === 'active')
 */
export function readConditions(state: StreamState | undefined): ConditionView[] {
  return readView(conditionView, state);
}
