import type { StreamState } from '../chart/streamState.js';
import type { EventDraft } from '../event/eventWriter.js';
import { startCommand, type ClinicalCommandOptions, type CommandInput, type FieldInputs } from './command.js';
import type { CodeableConcept } from './fhirTypes.js';
import { IMMUNIZATION_STATUSES, type ImmunizationStatus } from './immunization.js';
import { codeableConcept, nonEmptyString, oneOf } from './inputChecks.js';
import { referenceTo } from './readState.js';

/** Input of {@link recordImmunization}. */
export interface RecordImmunizationInput extends CommandInput {
  /** The patient. */
  readonly patientId: string;
  /** The new immunization's id. @defaultValue a new UUIDv7 */
  readonly immunizationId?: string;
  /** The vaccine. */
  readonly vaccineCode: CodeableConcept;
  /** When it was given (FHIR dateTime). */
  readonly occurrenceDateTime: string;
  /** @defaultValue `'completed'` */
  readonly status?: ImmunizationStatus;
  /** Why not done (with status `'not-done'`). @defaultValue not recorded */
  readonly statusReason?: string | CodeableConcept;
  /** Vaccine batch. @defaultValue not recorded */
  readonly lotNumber?: string;
  /** A first note. @defaultValue none */
  readonly note?: string;
}

/**
 * Records a vaccination: an `immunization.recorded` event creating `Immunization/<id>`.
 *
 * @throws ChartlogError `INVALID_COMMAND`, each issue naming the input field.
 * @example recordImmunization(state, { patientId, vaccineCode: flu, occurrenceDateTime: '2026-10-02', lotNumber: 'AB1234', author })
 */
export function recordImmunization(
  state: StreamState | undefined,
  input: RecordImmunizationInput,
  options: ClinicalCommandOptions = {},
): EventDraft {
  const b = startCommand('immunization.recorded', state, input, options);
  const patient = b.patient(input.patientId);
  const key = `Immunization/${b.newId(input.immunizationId, 'immunizationId')}`;
  if (state?.resources[key]) b.problem(['immunizationId'], `${key} already exists`);
  for (const required of ['vaccineCode', 'occurrenceDateTime'] as const)
    if (input[required] === undefined) b.problem([required], 'is required');
  b.set(key, 'patient', patient, { path: ['patientId'], as: referenceTo });
  b.setFields(key, immunizationInputs, { ...input, status: input.status ?? 'completed' });
  b.note(key, input.note);
  return b.draft();
}

/** Input of {@link updateImmunization}: only the fields given change. */
export interface UpdateImmunizationInput extends CommandInput {
  /** The patient. */
  readonly patientId: string;
  /** The immunization. */
  readonly immunizationId: string;
  /** Corrected vaccine. */
  readonly vaccineCode?: CodeableConcept;
  /** Corrected date given. */
  readonly occurrenceDateTime?: string;
  /** New status (`'entered-in-error'` withdraws it). */
  readonly status?: ImmunizationStatus;
  /** Why not done. */
  readonly statusReason?: string | CodeableConcept;
  /** Corrected batch. */
  readonly lotNumber?: string;
  /** A note to add. */
  readonly note?: string;
}

/**
 * Corrects a vaccination record: an `immunization.updated` event writing only the fields given.
 *
 * @throws ChartlogError `INVALID_COMMAND` when the immunization is not in `state`, nothing changes, or a value is invalid.
 * @example updateImmunization(state, { patientId, immunizationId, lotNumber: 'AB1235', author })
 */
export function updateImmunization(
  state: StreamState | undefined,
  input: UpdateImmunizationInput,
  options: ClinicalCommandOptions = {},
): EventDraft {
  const b = startCommand('immunization.updated', state, input, options);
  b.patient(input.patientId);
  const key = `Immunization/${input.immunizationId}`;
  b.existing(key, ['immunizationId']);
  b.setFields(key, immunizationInputs, input);
  b.note(key, input.note);
  b.requireChange(key);
  return b.draft();
}

/** How the inputs both immunization commands take are written: a reason given as text is a CodeableConcept's `text`. */
const immunizationInputs: FieldInputs<Omit<RecordImmunizationInput & UpdateImmunizationInput, 'note'>> = {
  vaccineCode: { check: codeableConcept },
  occurrenceDateTime: { field: 'occurrence', as: (occurrenceDateTime) => ({ occurrenceDateTime }) },
  status: { check: oneOf(IMMUNIZATION_STATUSES) },
  statusReason: {
    check: (reason) => codeableConcept(typeof reason === 'string' ? { text: reason } : reason),
    as: (reason) => (typeof reason === 'string' ? { text: reason } : reason),
  },
  lotNumber: { check: nonEmptyString },
};
