import type { StreamState } from '../chart/streamState.js';
import type { EventDraft } from '../event/eventWriter.js';
import { startCommand, type ClinicalCommandOptions, type CommandInput } from './command.js';
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
import { codeableConcept, oneOf } from './inputChecks.js';
import { choiceOf, codeIn, conceptOf, referenceTo, valueOf } from './readState.js';

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
 * @example recordCondition(state, { patientId, code: { coding: [{ system: SNOMED, code: '44054006', display: 'Type 2 diabetes mellitus' }] }, onsetDateTime: '2019', author })
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
  const verification = input.verificationStatus ?? 'confirmed';
  b.set(key, 'subject', patient, { path: ['patientId'], as: referenceTo });
  b.set(key, 'category', { add: [conceptOf(CONDITION_CATEGORY_SYSTEM, 'problem-list-item')] });
  b.set(key, 'code', input.code, { check: codeableConcept });
  // R4 (con-5): a problem entered in error has no clinical status.
  b.set(
    key,
    'clinicalStatus',
    verification === 'entered-in-error' ? undefined : (input.clinicalStatus ?? 'active'),
    clinicalStatusHow,
  );
  b.set(key, 'verificationStatus', verification, verificationStatusHow);
  b.set(key, 'onset', input.onsetDateTime, {
    path: ['onsetDateTime'],
    as: (onsetDateTime) => ({ onsetDateTime }),
  });
  b.set(key, 'recordedDate', input.recordedDate ?? b.now());
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
  const verification =
    input.verificationStatus ??
    codeIn<ConditionVerificationStatus>(
      valueOf(condition, 'verificationStatus'),
      CONDITION_VERIFICATION_SYSTEM,
    );
  const clinical =
    input.clinicalStatus ??
    codeIn<ConditionClinicalStatus>(valueOf(condition, 'clinicalStatus'), CONDITION_CLINICAL_SYSTEM);
  if (verification === 'entered-in-error') {
    // R4 (con-5): a problem entered in error has no clinical status; marking it so takes the status away.
    if (input.clinicalStatus !== undefined)
      b.problem(['clinicalStatus'], 'a problem entered in error has no clinical status');
    else if (input.verificationStatus !== undefined && valueOf(condition, 'clinicalStatus') !== undefined)
      b.set(key, 'clinicalStatus', null);
  } else if (
    (input.abatementDateTime ?? choiceOf(condition, 'abatement', 'abatementDateTime')) !== undefined &&
    !(CONDITION_ABATED_STATUSES as readonly string[]).includes(clinical ?? '')
  ) {
    // R4 (con-4): an abated problem is inactive, in remission or resolved.
    b.problem(
      [input.clinicalStatus !== undefined ? 'clinicalStatus' : 'abatementDateTime'],
      `a problem with an abatement date must be ${CONDITION_ABATED_STATUSES.join(' | ')}`,
    );
  }
  b.set(key, 'code', input.code, { check: codeableConcept });
  b.set(key, 'clinicalStatus', input.clinicalStatus, clinicalStatusHow);
  b.set(key, 'verificationStatus', input.verificationStatus, verificationStatusHow);
  b.set(key, 'onset', input.onsetDateTime, {
    path: ['onsetDateTime'],
    as: (onsetDateTime) => ({ onsetDateTime }),
  });
  b.set(key, 'abatement', input.abatementDateTime, {
    path: ['abatementDateTime'],
    as: (abatementDateTime) => ({ abatementDateTime }),
  });
  b.note(key, input.note);
  b.requireChange(key);
  return b.draft();
}

const clinicalStatusHow = {
  check: oneOf(CONDITION_CLINICAL_STATUSES),
  as: (code: string) => conceptOf(CONDITION_CLINICAL_SYSTEM, code),
};
const verificationStatusHow = {
  check: oneOf(CONDITION_VERIFICATION_STATUSES),
  as: (code: string) => conceptOf(CONDITION_VERIFICATION_SYSTEM, code),
};
