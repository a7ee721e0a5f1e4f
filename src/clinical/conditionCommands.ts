import type { StreamState } from '../chart/streamState.js';
import type { EventDraft } from '../event/eventWriter.js';
import { asNote, startCommand, type ClinicalCommandOptions, type CommandInput } from './command.js';
import type { ConditionClinicalStatus, ConditionVerificationStatus } from './condition.js';
import type { CodeableConcept } from './fhirTypes.js';

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
export function recordCondition(state: StreamState | undefined, input: RecordConditionInput, options: ClinicalCommandOptions = {}): EventDraft {
  const b = startCommand('condition.recorded', state, input, options);
  const patient = b.patient(input.patientId);
  const key = `Condition/${b.newId(input.conditionId, 'conditionId')}`;
  if (state?.resources[key]) b.problem(['conditionId'], `${key} already exists`);
  if (input.code === undefined) b.problem(['code'], 'is required');
  b.set(key, 'patient', patient, ['patientId']);
  b.set(key, 'code', input.code);
  b.set(key, 'clinicalStatus', input.clinicalStatus ?? 'active');
  b.set(key, 'verificationStatus', input.verificationStatus ?? 'confirmed');
  b.set(key, 'onsetDateTime', input.onsetDateTime);
  b.set(key, 'recordedDate', input.recordedDate ?? b.now());
  b.set(key, 'note', asNote(input.note));
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
export function updateCondition(state: StreamState | undefined, input: UpdateConditionInput, options: ClinicalCommandOptions = {}): EventDraft {
  const b = startCommand('condition.updated', state, input, options);
  b.patient(input.patientId);
  const key = `Condition/${input.conditionId}`;
  b.existing(key, ['conditionId']);
  b.set(key, 'code', input.code);
  b.set(key, 'clinicalStatus', input.clinicalStatus);
  b.set(key, 'verificationStatus', input.verificationStatus);
  b.set(key, 'onsetDateTime', input.onsetDateTime);
  b.set(key, 'abatementDateTime', input.abatementDateTime);
  b.set(key, 'note', asNote(input.note));
  b.requireChange(key);
  return b.draft();
}
