import type { StreamState } from '../chart/streamState.js';
import type { EventDraft } from '../event/eventWriter.js';
import {
  asArray,
  startCommand,
  type ClinicalCommandOptions,
  type CommandInput,
  type SetHow,
} from './command.js';
import type { CodeableConcept, Dosage } from './fhirTypes.js';
import { arrayOf, codeableConcept, dosage as dosageCheck, oneOf } from './inputChecks.js';
import {
  MEDICATION_ENDED_STATUSES,
  MEDICATION_REQUEST_INTENTS,
  routeOf,
  type MedicationRequestIntent,
  type MedicationRequestStatus,
} from './medicationRequest.js';
import { referenceTo, valueOf } from './readState.js';

/** Input of {@link prescribe}. */
export interface PrescribeInput extends CommandInput {
  /** The patient. */
  readonly patientId: string;
  /** The new prescription's id. @defaultValue a new UUIDv7 */
  readonly medicationRequestId?: string;
  /** The drug (e.g. a dm+d code). */
  readonly medication: CodeableConcept;
  /** The dose: one Dosage or several (sequenced). */
  readonly dosage: Dosage | readonly Dosage[];
  /** @defaultValue not recorded */
  readonly route?: CodeableConcept;
  /** @defaultValue `'order'` */
  readonly intent?: MedicationRequestIntent;
  /** @defaultValue now */
  readonly authoredOn?: string;
  /** A first note. @defaultValue none */
  readonly note?: string;
}

/**
 * Prescribes: a `medication.prescribed` event creating an active `MedicationRequest/<id>`.
 *
 * @throws ChartlogError `INVALID_COMMAND`, each issue naming the input field.
 * @example prescribe(state, { patientId, medication: amoxicillin, dosage: { text: '500 mg three times a day for 5 days' }, author })
 */
export function prescribe(
  state: StreamState | undefined,
  input: PrescribeInput,
  options: ClinicalCommandOptions = {},
): EventDraft {
  const b = startCommand('medication.prescribed', state, input, options);
  const patient = b.patient(input.patientId);
  const key = `MedicationRequest/${b.newId(input.medicationRequestId, 'medicationRequestId')}`;
  if (state?.resources[key]) b.problem(['medicationRequestId'], `${key} already exists`);
  for (const required of ['medication', 'dosage'] as const)
    if (input[required] === undefined) b.problem([required], 'is required');
  b.check(['route'], input.route, codeableConcept);
  b.set(key, 'subject', patient, { path: ['patientId'], as: referenceTo });
  b.set(key, 'medication', input.medication, {
    check: codeableConcept,
    as: (medicationCodeableConcept) => ({ medicationCodeableConcept }),
  });
  b.set(key, 'dosageInstruction', asArray(input.dosage), dosageHow(input.route));
  b.set(key, 'status', 'active');
  b.set(key, 'intent', input.intent ?? 'order', { check: oneOf(MEDICATION_REQUEST_INTENTS) });
  b.set(key, 'authoredOn', input.authoredOn ?? b.now());
  b.note(key, input.note);
  return b.draft();
}

/** Input of {@link changeDose}. */
export interface ChangeDoseInput extends CommandInput {
  /** The patient. */
  readonly patientId: string;
  /** The prescription. */
  readonly medicationRequestId: string;
  /** The new dose. */
  readonly dosage: Dosage | readonly Dosage[];
  /** A new route. @defaultValue unchanged */
  readonly route?: CodeableConcept;
  /** Why, for the record. @defaultValue none */
  readonly note?: string;
}

/**
 * Changes the dose of a current prescription: a `medication.dose-changed` event. Two
 * prescribers changing the same dose offline leave a conflict listing both doses and
 * both prescribers, never a silently lost dose.
 *
 * @throws ChartlogError `INVALID_COMMAND` when the prescription is not in `state` or has ended, or the dose is invalid.
 * @example changeDose(state, { patientId, medicationRequestId, dosage: { text: '10 mg once daily' }, author })
 */
export function changeDose(
  state: StreamState | undefined,
  input: ChangeDoseInput,
  options: ClinicalCommandOptions = {},
): EventDraft {
  const b = startCommand('medication.dose-changed', state, input, options);
  b.patient(input.patientId);
  const key = `MedicationRequest/${input.medicationRequestId}`;
  const request = b.existing(key, ['medicationRequestId']);
  const status = valueOf<MedicationRequestStatus>(request, 'status');
  if (status !== undefined && (MEDICATION_ENDED_STATUSES as readonly string[]).includes(status))
    b.problem(['medicationRequestId'], `${key} is ${status}; prescribe again instead`);
  if (input.dosage === undefined) b.problem(['dosage'], 'is required');
  b.check(['route'], input.route, codeableConcept);
  // The route stays as it was unless a new one is given: it is part of the one dose value.
  b.set(
    key,
    'dosageInstruction',
    asArray(input.dosage),
    dosageHow(input.route ?? routeOf(valueOf(request, 'dosageInstruction'))),
  );
  b.note(key, input.note);
  return b.draft();
}

/** Input of {@link stopMedication}. */
export interface StopMedicationInput extends CommandInput {
  /** The patient. */
  readonly patientId: string;
  /** The prescription. */
  readonly medicationRequestId: string;
  /** Why it was stopped (text or coded). @defaultValue not recorded */
  readonly reason?: string | CodeableConcept;
  /** The end status: `'entered-in-error'` for a prescription that should never have been recorded. @defaultValue `'stopped'` */
  readonly status?: (typeof MEDICATION_ENDED_STATUSES)[number];
  /** A note. @defaultValue none */
  readonly note?: string;
}

/**
 * Stops a prescription: a `medication.stopped` event setting its status (and reason).
 *
 * @throws ChartlogError `INVALID_COMMAND` when the prescription is not in `state` or already has that status.
 * @example stopMedication(state, { patientId, medicationRequestId, reason: 'angioedema', author })
 */
export function stopMedication(
  state: StreamState | undefined,
  input: StopMedicationInput,
  options: ClinicalCommandOptions = {},
): EventDraft {
  const b = startCommand('medication.stopped', state, input, options);
  b.patient(input.patientId);
  const key = `MedicationRequest/${input.medicationRequestId}`;
  const request = b.existing(key, ['medicationRequestId']);
  const status = input.status ?? 'stopped';
  if (!(MEDICATION_ENDED_STATUSES as readonly string[]).includes(status))
    b.problem(['status'], `must be one of ${MEDICATION_ENDED_STATUSES.join(' | ')}`);
  else if (request && valueOf(request, 'status') === status && !state?.conflicts.includes(`${key}#status`))
    b.problem(['medicationRequestId'], `${key} is already ${status}`);
  b.set(key, 'status', status);
  b.set(key, 'statusReason', typeof input.reason === 'string' ? { text: input.reason } : input.reason, {
    path: ['reason'],
    check: codeableConcept,
  });
  b.note(key, input.note);
  return b.draft();
}

/** The dose input (one Dosage or several) as R4 `dosageInstruction`, each Dosage carrying the route. */
function dosageHow(route: CodeableConcept | undefined): SetHow<readonly Dosage[]> {
  return {
    path: ['dosage'],
    check: arrayOf(dosageCheck, 1),
    as: (dosages) => dosages.map((d) => (route === undefined ? d : { ...d, route })),
  };
}
