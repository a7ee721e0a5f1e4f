import type { StreamState } from '../chart/streamState.js';
import { isPlainObject, type Json } from '../event/json.js';
import type { EventTypeDefinition } from '../merge/schema.js';
import type { CodeableConcept, Quantity } from './fhirTypes.js';
import { codeableConcept, nonEmptyString, quantity, type ValueCheck } from './inputChecks.js';
import { defineView, readView, type ViewOf } from './clinicalView.js';
import { codeIn, valueOf } from './readState.js';

/** FHIR `Observation.status` codes (observation-status). */
export const OBSERVATION_STATUSES = [
  'registered',
  'preliminary',
  'final',
  'amended',
  'corrected',
  'cancelled',
  'entered-in-error',
  'unknown',
] as const;
/** FHIR `Observation.category` codes (observation-category). */
export const OBSERVATION_CATEGORIES = [
  'social-history',
  'vital-signs',
  'imaging',
  'laboratory',
  'procedure',
  'survey',
  'exam',
  'therapy',
  'activity',
] as const;
/** Code system of {@link OBSERVATION_CATEGORIES}: `category` is a list of CodeableConcepts holding one of them. */
export const OBSERVATION_CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/observation-category';

/** An observation's status. */
export type ObservationStatus = (typeof OBSERVATION_STATUSES)[number];
/** An observation's category. */
export type ObservationCategory = (typeof OBSERVATION_CATEGORIES)[number];

/** FHIR `Observation.value[x]`, one of the types primary care records, under its FHIR element name. */
export type ObservationValue =
  | { readonly valueQuantity: Quantity }
  | { readonly valueCodeableConcept: CodeableConcept }
  | { readonly valueString: string }
  | { readonly valueBoolean: boolean }
  | { readonly valueInteger: number };

/** FHIR `Observation.component`: one part of a multi-part result, e.g. systolic pressure. */
export type ObservationComponent = { readonly code: CodeableConcept } & ObservationValue;

const VALUE_CHECKS: Readonly<Record<string, ValueCheck>> = {
  valueQuantity: quantity,
  valueCodeableConcept: codeableConcept,
  valueString: nonEmptyString,
  valueBoolean: (v) => (typeof v === 'boolean' ? undefined : 'must be a boolean'),
  valueInteger: (v) => (Number.isSafeInteger(v) ? undefined : 'must be an integer'),
};

function valueProblem(value: Record<string, unknown>, allowed: readonly string[]): string | undefined {
  const keys = Object.keys(value).filter((k) => !allowed.includes(k));
  const [key, ...more] = keys;
  const check = key === undefined ? undefined : VALUE_CHECKS[key];
  if (!check || more.length > 0) return `must hold exactly one of ${Object.keys(VALUE_CHECKS).join(' | ')}`;
  const problem = check(value[key as string] as Json);
  return problem ? `${key}: ${problem}` : undefined;
}

/** Check of an {@link ObservationValue} given to a command: one of the types primary care records. */
export const observationValue: ValueCheck = (value) =>
  isPlainObject(value)
    ? valueProblem(value, [])
    : 'an observation value must be an object like { valueQuantity: {…} }';

/** Check of one {@link ObservationComponent}. */
export const observationComponent: ValueCheck = (value) => {
  if (!isPlainObject(value)) return 'a component must be an object { code, value… }';
  return codeableConcept(value['code'] as Json) === undefined
    ? valueProblem(value, ['code'])
    : 'a component needs a "code"';
};

/** LOINC codes of common vital signs (FHIR vital-signs profile), ready to use as `code`. */
export const VITAL_SIGNS = {
  bloodPressure: {
    coding: [{ system: 'http://loinc.org', code: '85354-9', display: 'Blood pressure panel' }],
  },
  systolic: { coding: [{ system: 'http://loinc.org', code: '8480-6', display: 'Systolic blood pressure' }] },
  diastolic: {
    coding: [{ system: 'http://loinc.org', code: '8462-4', display: 'Diastolic blood pressure' }],
  },
  heartRate: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
  respiratoryRate: { coding: [{ system: 'http://loinc.org', code: '9279-1', display: 'Respiratory rate' }] },
  bodyTemperature: { coding: [{ system: 'http://loinc.org', code: '8310-5', display: 'Body temperature' }] },
  oxygenSaturation: {
    coding: [{ system: 'http://loinc.org', code: '2708-6', display: 'Oxygen saturation in Arterial blood' }],
  },
  bodyWeight: { coding: [{ system: 'http://loinc.org', code: '29463-7', display: 'Body weight' }] },
  bodyHeight: { coding: [{ system: 'http://loinc.org', code: '8302-2', display: 'Body height' }] },
} as const satisfies Readonly<Record<string, CodeableConcept>>;

/**
 * Event types that write FHIR `Observation` (vital signs and lab results), key
 * `Observation/<id>` in the patient's stream. What was measured and when (`code`,
 * `category`, `effective[x]`) is `once`: a different measurement is a new Observation.
 * `value[x]` and `component` are `mv`, not `lww`: a result drives decisions (a
 * potassium, a blood pressure), so two concurrent amendments of one result must both be
 * seen; `status` (amended, corrected, entered-in-error) is `mv` for the same reason.
 */
export const observationEvents = {
  'observation.recorded': { v: 2, resources: ['Observation'], doc: 'A measurement or result.' },
  'observation.amended': {
    v: 2,
    resources: ['Observation'],
    doc: 'A corrected value or status of a recorded result.',
  },
} as const satisfies Readonly<Record<string, EventTypeDefinition>>;

/** How the pack shows an `Observation` as plain values. */
export const observationView = defineView('Observation', (c) => ({
  /** The patient's id. */
  patientId: c.referenceId('subject'),
  /** What was measured. */
  code: c.field<CodeableConcept>('code'),
  /** Vital sign, lab … (the first category in the HL7 observation-category system). */
  category: (r): ObservationCategory | undefined =>
    (valueOf<readonly unknown[]>(r, 'category') ?? [])
      .map((concept) => codeIn<ObservationCategory>(concept, OBSERVATION_CATEGORY_SYSTEM))
      .find((code) => code !== undefined),
  /** When measured. */
  effectiveDateTime: c.choice<string>('effective', 'effectiveDateTime'),
  /** The result. */
  value: c.field<ObservationValue>('value'),
  /** Parts of a panel. */
  component: c.list<ObservationComponent>('component'),
  /** Status. */
  status: c.field<ObservationStatus>('status'),
  /** Every note, in order. */
  notes: c.notes(),
}));

/** An observation as plain values ({@link observationView}). */
export type ObservationView = ViewOf<typeof observationView>;

/**
 * Every observation on a record as plain values: `readClinical(state, 'Observation')`.
 * @example readObservations(state).filter((o) => o.category === 'vital-signs')
 */
export function readObservations(state: StreamState | undefined): ObservationView[] {
  return readView(observationView, state);
}
