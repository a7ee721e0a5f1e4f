import type { StreamState } from '../chart/streamState.js';
import type { EventDraft } from '../event/eventWriter.js';
import { startCommand, type ClinicalCommandOptions, type CommandInput, type FieldInputs } from './command.js';
import type { CodeableConcept } from './fhirTypes.js';
import { arrayOf, codeableConcept, oneOf } from './inputChecks.js';
import {
  OBSERVATION_CATEGORIES,
  OBSERVATION_CATEGORY_SYSTEM,
  OBSERVATION_STATUSES,
  observationComponent,
  observationValue,
  type ObservationCategory,
  type ObservationComponent,
  type ObservationStatus,
  type ObservationValue,
} from './observation.js';
import { conceptOf, referenceTo } from './readState.js';

/** Input of {@link recordObservation}: give `value`, `component`, or both. */
export interface RecordObservationInput extends CommandInput {
  /** The patient. */
  readonly patientId: string;
  /** The new observation's id. @defaultValue a new UUIDv7 */
  readonly observationId?: string;
  /** What was measured, e.g. `VITAL_SIGNS.heartRate`. */
  readonly code: CodeableConcept;
  /** @defaultValue not recorded */
  readonly category?: ObservationCategory;
  /** The result, e.g. `{ valueQuantity: { value: 72, unit: '/min' } }`. */
  readonly value?: ObservationValue;
  /** Parts of a panel, e.g. systolic and diastolic. */
  readonly component?: readonly ObservationComponent[];
  /** When it was measured. @defaultValue now */
  readonly effectiveDateTime?: string;
  /** @defaultValue `'final'` */
  readonly status?: ObservationStatus;
  /** A first note. @defaultValue none */
  readonly note?: string;
}

/**
 * Records a vital sign or lab result: an `observation.recorded` event creating `Observation/<id>`.
 *
 * @throws ChartlogError `INVALID_COMMAND`, each issue naming the input field.
 * @example
 * ```ts
 * recordObservation(state, {
 *   patientId,
 *   code: VITAL_SIGNS.heartRate,
 *   category: 'vital-signs',
 *   value: { valueQuantity: { value: 72, unit: '/min' } },
 *   author,
 * })
 * ```
 */
export function recordObservation(
  state: StreamState | undefined,
  input: RecordObservationInput,
  options: ClinicalCommandOptions = {},
): EventDraft {
  const b = startCommand('observation.recorded', state, input, options);
  const patient = b.patient(input.patientId);
  const key = `Observation/${b.newId(input.observationId, 'observationId')}`;
  if (state?.resources[key]) b.problem(['observationId'], `${key} already exists`);
  if (input.code === undefined) b.problem(['code'], 'is required');
  if (input.value === undefined && input.component === undefined)
    b.problem(['value'], 'give a value or components');
  b.set(key, 'subject', patient, { path: ['patientId'], as: referenceTo });
  b.setFields(key, observationInputs, {
    ...input,
    effectiveDateTime: input.effectiveDateTime ?? b.now(),
    status: input.status ?? 'final',
  });
  b.note(key, input.note);
  return b.draft();
}

/** Input of {@link amendObservation}. */
export interface AmendObservationInput extends CommandInput {
  /** The patient. */
  readonly patientId: string;
  /** The observation. */
  readonly observationId: string;
  /** The corrected result. @defaultValue unchanged */
  readonly value?: ObservationValue;
  /** The corrected components. @defaultValue unchanged */
  readonly component?: readonly ObservationComponent[];
  /** `'entered-in-error'` withdraws the result. @defaultValue `'amended'` */
  readonly status?: ObservationStatus;
  /** Why, for the record. @defaultValue none */
  readonly note?: string;
}

/**
 * Corrects a recorded result: an `observation.amended` event writing the new value
 * and status.
 *
 * @throws ChartlogError `INVALID_COMMAND` when the observation is not in `state` or a value is invalid.
 * @example
 * ```ts
 * amendObservation(state, {
 *   patientId,
 *   observationId,
 *   value: { valueQuantity: { value: 4.1, unit: 'mmol/L' } },
 *   note: 'haemolysed sample, repeated',
 *   author,
 * })
 * ```
 */
export function amendObservation(
  state: StreamState | undefined,
  input: AmendObservationInput,
  options: ClinicalCommandOptions = {},
): EventDraft {
  const b = startCommand('observation.amended', state, input, options);
  b.patient(input.patientId);
  const key = `Observation/${input.observationId}`;
  b.existing(key, ['observationId']);
  b.setFields(key, observationInputs, { ...input, status: input.status ?? 'amended' });
  b.note(key, input.note);
  return b.draft();
}

/** How the inputs of the observation commands are written: a category code as R4's list of CodeableConcepts. */
const observationInputs: FieldInputs<Omit<RecordObservationInput & AmendObservationInput, 'note'>> = {
  code: { check: codeableConcept },
  category: {
    check: oneOf(OBSERVATION_CATEGORIES),
    as: (code) => [conceptOf(OBSERVATION_CATEGORY_SYSTEM, code)],
  },
  effectiveDateTime: { field: 'effective', as: (effectiveDateTime) => ({ effectiveDateTime }) },
  value: { check: observationValue },
  component: { check: arrayOf(observationComponent, 1) },
  status: { check: oneOf(OBSERVATION_STATUSES) },
};
