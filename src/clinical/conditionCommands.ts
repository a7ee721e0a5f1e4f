import type { StreamState } from '../chart/streamState.js';
import type { EventDraft } from '../event/eventWriter.js';
import { startCommand, type ClinicalCommandOptions, type CommandInput, type FieldInputs } from './command.js';
import {
  CONDITION_ABATED_STATUSES,
  CONDITION_CATEGORY_SYSTEM,
  CONDITION_CLINICAL_STATUSES,
  CONDITION_CLINICAL_SYSTEM,
  CONDITION_VERIFICATION_STATUSES,
  CONDITION_VERIFICATION_SYSTEM,
  type ConditionClinicalStatus,
  type ConditionVerificationStatus,
} from './condition.js';
import type { CodeableConcept } from './fhirTypes.js';
import { codeableConcept } from './inputChecks.js';
import { choiceOf, conceptOf, referenceTo } from './readState.js';
import { recordedStatuses, statusInputs, updateStatuses, type StatusPair } from './statusPair.js';

/** Input of {@link recordCondition}. */
export interface RecordConditionInput extends CommandInput {
  /** The patient. */
  readonly patientId: string;
  /** The new problem's id. @defaultValue a new UUIDv7 */
  readonly conditionId?: string;
  /** The diagnosis (e.g. SNOMED CT 44054006 Type 2 diabetes mellitus). */
  readonly code: CodeableConcept;
  /** @defaultValue `'active'` */
  readonly clinicalStatus?: ConditionClinicalStatus;
  /** @defaultValue `'confirmed'` */
  readonly verificationStatus?: ConditionVerificationStatus;
  /** Onset (FHIR dateTime, may be just a year). @defaultValue not recorded */
  readonly onsetDateTime?: string;
  /** When it was recorded. @defaultValue now */
  readonly recordedDate?: string;
  /** A first note. @defaultValue none */
  readonly note?: string;
}

/**
 * Adds a problem to the problem list: a `condition.recorded` event creating `Condition/<id>`.
 *
 * @throws ChartlogError `INVALID_COMMAND`, each issue naming the input field.
 * @example
 * ```ts
 * recordCondition(state, {
 *   patientId,
 *   code: { coding: [{ system: SNOMED, code: '44054006', display: 'Type 2 diabetes mellitus' }] },
 *   onsetDateTime: '2019',
 *   author,
 * })
 * ```
 */
export function recordCondition(
  state: StreamState | undefined,
  input: RecordConditionInput,
  options: ClinicalCommandOptions = {},
): EventDraft {
  const b = startCommand('condition.recorded', state, input, options);
  const patient = b.patient(input.patientId);
  const key = `Condition/${b.newId(input.conditionId, 'conditionId')}`;
  if (state?.resources[key]) b.problem(['conditionId'], `${key} already exists`);
  if (input.code === undefined) b.problem(['code'], 'is required');
  b.set(key, 'subject', patient, { path: ['patientId'], as: referenceTo });
  b.set(key, 'category', { add: [conceptOf(CONDITION_CATEGORY_SYSTEM, 'problem-list-item')] });
  b.setFields(key, conditionInputs, {
    ...input,
    ...recordedStatuses(input, { clinicalStatus: 'active', verificationStatus: 'confirmed' }),
    recordedDate: input.recordedDate ?? b.now(),
  });
  b.note(key, input.note);
  return b.draft();
}

/** Input of {@link updateCondition}: only the fields given change. */
export interface UpdateConditionInput extends CommandInput {
  /** The patient. */
  readonly patientId: string;
  /** The problem. */
  readonly conditionId: string;
  /** Corrects the diagnosis. */
  readonly code?: CodeableConcept;
  /** New clinical status (e.g. `'resolved'`). */
  readonly clinicalStatus?: ConditionClinicalStatus;
  /** New verification status (`'entered-in-error'` takes it off the list). */
  readonly verificationStatus?: ConditionVerificationStatus;
  /** Corrected onset. */
  readonly onsetDateTime?: string;
  /** When it resolved. */
  readonly abatementDateTime?: string;
  /** A note to add. */
  readonly note?: string;
}

/**
 * Changes a problem: a `condition.updated` event writing only the fields given.
 *
 * @throws ChartlogError `INVALID_COMMAND` when the problem is not in `state`, nothing changes, or a value is invalid.
 * @example updateCondition(state, { patientId, conditionId, clinicalStatus: 'resolved', abatementDateTime: '2026-07-01', author })
 */
export function updateCondition(
  state: StreamState | undefined,
  input: UpdateConditionInput,
  options: ClinicalCommandOptions = {},
): EventDraft {
  const b = startCommand('condition.updated', state, input, options);
  b.patient(input.patientId);
  const key = `Condition/${input.conditionId}`;
  const condition = b.existing(key, ['conditionId']);
  const statuses = updateStatuses(b, key, conditionStatuses, condition, input, false);
  if (
    statuses.verificationStatus !== 'entered-in-error' &&
    (input.abatementDateTime ?? choiceOf(condition, 'abatement', 'abatementDateTime')) !== undefined &&
    !(CONDITION_ABATED_STATUSES as readonly string[]).includes(statuses.clinicalStatus ?? '')
  ) {
    // R4 (con-4): an abated problem is inactive, in remission or resolved.
    b.problem(
      [input.clinicalStatus !== undefined ? 'clinicalStatus' : 'abatementDateTime'],
      `a problem with an abatement date must be ${CONDITION_ABATED_STATUSES.join(' | ')}`,
    );
  }
  b.setFields(key, conditionInputs, input);
  b.note(key, input.note);
  b.requireChange(key);
  return b.draft();
}

const conditionStatuses: StatusPair<ConditionClinicalStatus, ConditionVerificationStatus> = {
  clinical: { codes: CONDITION_CLINICAL_STATUSES, system: CONDITION_CLINICAL_SYSTEM },
  verification: { codes: CONDITION_VERIFICATION_STATUSES, system: CONDITION_VERIFICATION_SYSTEM },
  noun: 'a problem',
};

/** How the inputs both problem commands take are written (a dateTime choice as its `…DateTime` member). */
const conditionInputs: FieldInputs<Omit<RecordConditionInput & UpdateConditionInput, 'note'>> = {
  code: { check: codeableConcept },
  ...statusInputs(conditionStatuses),
  onsetDateTime: { field: 'onset', as: (onsetDateTime) => ({ onsetDateTime }) },
  abatementDateTime: { field: 'abatement', as: (abatementDateTime) => ({ abatementDateTime }) },
  recordedDate: {},
};
