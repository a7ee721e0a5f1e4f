import type { StreamState } from '../chart/streamState.js';
import type { EventDraft } from '../event/eventWriter.js';
import {
  asArray,
  startCommand,
  type ClinicalCommandOptions,
  type CommandBuilder,
  type CommandInput,
  type FieldInputs,
} from './command.js';
import type { Address, ContactPoint, HumanName, Identifier } from './fhirTypes.js';
import { isPlainObject, type Json } from '../event/json.js';
import {
  address,
  arrayOf,
  contactPoint,
  fullDate,
  humanName,
  identifier,
  oneOf,
  referenceString,
  type ValueCheck,
} from './inputChecks.js';
import { NHS_NUMBER_SYSTEM, nhsNumberProblem, normalizeNhsNumber } from './nhsNumber.js';
import { PATIENT_GENDERS, type PatientGender } from './patient.js';
import { referenceTo, valueOf } from './readState.js';

/** Input of {@link registerPatient}. */
export interface RegisterPatientInput extends CommandInput {
  /** The patient's id (and record's). @defaultValue a new UUIDv7 (see {@link ClinicalCommandOptions.newId}) */
  readonly patientId?: string;
  /** One name or several; the first is the one to show. */
  readonly name: HumanName | readonly HumanName[];
  /** YYYY-MM-DD. */
  readonly birthDate: string;
  /** Administrative gender. */
  readonly gender: PatientGender;
  /** The NHS number (spaces allowed); refused unless its check digit is right. @defaultValue none recorded */
  readonly nhsNumber?: string;
  /** Other identifiers (hospital numbers …). @defaultValue `[]` */
  readonly identifier?: readonly Identifier[];
  /** Phone numbers and email addresses. @defaultValue none */
  readonly telecom?: readonly ContactPoint[];
  /** Addresses. @defaultValue none */
  readonly address?: readonly Address[];
  /** The registered practice (`Organization/<ODS code>`) and/or usual GP. @defaultValue none */
  readonly generalPractitioner?: string | readonly string[];
}

/**
 * Registers a patient: a `patient.registered` event creating `Patient/<patientId>` in
 * `patient/<patientId>`. Pass the record's state if it already has events, else undefined.
 *
 * @throws ChartlogError `INVALID_COMMAND`, each issue's path naming the input field (e.g. `['nhsNumber']`).
 * @example
 * ```ts
 * const draft = registerPatient(undefined, {
 *   name: { family: 'Jones', given: ['Ann'] },
 *   birthDate: '1950-03-02',
 *   gender: 'female',
 *   nhsNumber: '943 476 5919',
 *   author,
 * });
 * chart.apply([writer.append(draft)]);
 * ```
 */
export function registerPatient(
  state: StreamState | undefined,
  input: RegisterPatientInput,
  options: ClinicalCommandOptions = {},
): EventDraft {
  const b = startCommand('patient.registered', state, input, options);
  const id = b.newId(input.patientId, 'patientId');
  const key = b.patient(id);
  if (state?.resources[key]) b.problem(['patientId'], `${key} is already registered; use updateDemographics`);
  b.setFields(key, patientInputs, input);
  const ids = identifiers(b, input.identifier ?? [], input.nhsNumber);
  if (ids.length > 0)
    b.set(key, 'identifier', ids, {
      path: input.nhsNumber !== undefined ? ['nhsNumber'] : ['identifier'],
      check: arrayOf(identifier),
    });
  if (input.telecom?.length)
    b.set(key, 'telecom', input.telecom, { check: arrayOf(contactPoint), as: (add) => ({ add }) });
  if (input.address?.length)
    b.set(key, 'address', input.address, { check: arrayOf(address), as: (add) => ({ add }) });
  for (const required of ['name', 'birthDate', 'gender'] as const)
    if (input[required] === undefined) b.problem([required], 'is required');
  return b.draft();
}

/** Input of {@link updateDemographics}: only the fields given change. */
export interface UpdateDemographicsInput extends CommandInput {
  /** The patient. */
  readonly patientId: string;
  /** Replaces the names. */
  readonly name?: HumanName | readonly HumanName[];
  /** Replaces the date of birth. */
  readonly birthDate?: string;
  /** Replaces the gender. */
  readonly gender?: PatientGender;
  /** Replaces the NHS number, keeping other identifiers. */
  readonly nhsNumber?: string;
  /** Contact points to add. */
  readonly addTelecom?: readonly ContactPoint[];
  /** Contact points to remove (as shown in `state`). */
  readonly removeTelecom?: readonly ContactPoint[];
  /** Addresses to add (a move is an add and a remove). */
  readonly addAddress?: readonly Address[];
  /** Addresses to remove (as shown in `state`). */
  readonly removeAddress?: readonly Address[];
  /** Replaces the registered practice / usual GP. */
  readonly generalPractitioner?: string | readonly string[];
}

/**
 * Changes demographics: a `patient.demographics-updated` event writing only the fields
 * given, each superseding exactly the value(s) the author saw in `state`.
 *
 * @throws ChartlogError `INVALID_COMMAND` when the patient is not in `state`, nothing changes, or a value is invalid.
 * @example updateDemographics(state, { patientId, addAddress: [newHome], removeAddress: [oldHome], author })
 */
export function updateDemographics(
  state: StreamState | undefined,
  input: UpdateDemographicsInput,
  options: ClinicalCommandOptions = {},
): EventDraft {
  const b = startCommand('patient.demographics-updated', state, input, options);
  const key = b.patient(input.patientId);
  const patient = b.existing(key, ['patientId']);
  b.setFields(key, patientInputs, input);
  if (input.nhsNumber !== undefined)
    b.set(
      key,
      'identifier',
      identifiers(b, valueOf<readonly Identifier[]>(patient, 'identifier') ?? [], input.nhsNumber),
      { path: ['nhsNumber'], check: arrayOf(identifier) },
    );
  if (input.addTelecom?.length || input.removeTelecom?.length)
    b.set(key, 'telecom', setOp(input.addTelecom, input.removeTelecom), {
      path: ['addTelecom'],
      check: addsPass(contactPoint),
    });
  if (input.addAddress?.length || input.removeAddress?.length)
    b.set(key, 'address', setOp(input.addAddress, input.removeAddress), {
      path: ['addAddress'],
      check: addsPass(address),
    });
  b.requireChange(key);
  return b.draft();
}

/**
 * How the inputs both patient commands take as they are written: one name or several,
 * and practice references given as strings (`Organization/B82005`) held as R4 References.
 */
const practiceReferences = arrayOf(referenceString('Organization', 'Practitioner', 'PractitionerRole'));
const patientInputs: FieldInputs<
  Pick<RegisterPatientInput, 'name' | 'birthDate' | 'gender' | 'generalPractitioner'>
> = {
  name: { check: (name) => arrayOf(humanName, 1)(asArray(name) as Json), as: (name) => asArray(name) },
  birthDate: { check: fullDate },
  gender: { check: oneOf(PATIENT_GENDERS) },
  generalPractitioner: {
    check: (refs) => practiceReferences(asArray(refs) as Json),
    as: (refs) => (asArray(refs) ?? []).map(referenceTo),
  },
};

/** The identifier list: `others` without any NHS number, plus the (checked) NHS number first. */
function identifiers(
  b: CommandBuilder,
  others: readonly Identifier[],
  nhsNumber: string | undefined,
): Identifier[] {
  const rest = others.filter((i) => i.system !== NHS_NUMBER_SYSTEM || nhsNumber === undefined);
  if (nhsNumber === undefined) return [...rest];
  const problem = nhsNumberProblem(nhsNumber);
  if (problem) {
    b.problem(['nhsNumber'], problem);
    return [...rest];
  }
  return [{ system: NHS_NUMBER_SYSTEM, value: normalizeNhsNumber(nhsNumber) }, ...rest];
}

/** A set op's adds each pass `check` (a remove need only name what is held). */
function addsPass(check: ValueCheck): ValueCheck {
  return (op) => (isPlainObject(op) && Array.isArray(op['add']) ? arrayOf(check)(op['add']) : undefined);
}

function setOp<T>(
  add: readonly T[] | undefined,
  remove: readonly T[] | undefined,
): { add?: readonly T[]; remove?: readonly T[] } {
  return { ...(add?.length ? { add } : {}), ...(remove?.length ? { remove } : {}) };
}
