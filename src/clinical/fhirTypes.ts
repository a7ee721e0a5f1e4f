/**
 * FHIR R4 data types as the clinical commands take them and the readers return them:
 * plain JSON, FHIR element names, only the elements primary care records (records hold
 * whatever R4 allows: these are the commands' inputs, narrowed on purpose). References
 * are given as strings (`Organization/<id>`) and stored as R4 `Reference`s.
 */

/**
 * FHIR `Coding`: one code from one code system.
 * @example `{ system: 'http://snomed.info/sct', code: '91936005', display: 'Allergy to penicillin' }`
 */
export interface Coding {
  /** Code system URI, e.g. `http://snomed.info/sct`. */
  readonly system?: string;
  /** The code. */
  readonly code?: string;
  /** Human-readable text of the code. */
  readonly display?: string;
}

/**
 * FHIR `CodeableConcept`: codings plus free text; the pack requires a coded `code` or a
 * non-empty `text`.
 * @example `{ coding: [{ system: 'http://snomed.info/sct', code: '764146007', display: 'Penicillin' }], text: 'Penicillin' }`
 */
export interface CodeableConcept {
  /** Codes for the concept, from one or more systems. */
  readonly coding?: readonly Coding[];
  /** What the clinician typed or saw. */
  readonly text?: string;
}

/** FHIR `Quantity`, e.g. `{ value: 5, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' }`. */
export interface Quantity {
  /** Numerical value. */
  readonly value: number;
  /** How `value` should be read when it is not exact. */
  readonly comparator?: '<' | '<=' | '>=' | '>';
  /** Unit as shown. */
  readonly unit?: string;
  /** Unit system (UCUM: `http://unitsofmeasure.org`). */
  readonly system?: string;
  /** Unit code in `system`. */
  readonly code?: string;
}

/** FHIR `Identifier`, e.g. an NHS number: `{ system: NHS_NUMBER_SYSTEM, value: '9434765919' }`. */
export interface Identifier {
  /** Purpose of the identifier. */
  readonly use?: 'usual' | 'official' | 'temp' | 'secondary' | 'old';
  /** Namespace URI. */
  readonly system?: string;
  /** The identifier. */
  readonly value: string;
}

/** FHIR `HumanName`, e.g. `{ use: 'official', family: 'Smith', given: ['Ann'] }`. */
export interface HumanName {
  /** usual | official | temp | nickname | anonymous | old | maiden */
  readonly use?: 'usual' | 'official' | 'temp' | 'nickname' | 'anonymous' | 'old' | 'maiden';
  /** The full name as text. */
  readonly text?: string;
  /** Family name (surname). */
  readonly family?: string;
  /** Given names, in order. */
  readonly given?: readonly string[];
  /** Titles before the name. */
  readonly prefix?: readonly string[];
  /** Parts after the name. */
  readonly suffix?: readonly string[];
}

/** FHIR `ContactPoint`, e.g. `{ system: 'phone', value: '01632 960001', use: 'mobile' }`. */
export interface ContactPoint {
  /** phone | fax | email | pager | url | sms | other */
  readonly system: 'phone' | 'fax' | 'email' | 'pager' | 'url' | 'sms' | 'other';
  /** The number or address. */
  readonly value: string;
  /** home | work | temp | old | mobile */
  readonly use?: 'home' | 'work' | 'temp' | 'old' | 'mobile';
}

/** FHIR `Address`, e.g. `{ use: 'home', line: ['1 High Street'], city: 'Leeds', postalCode: 'LS1 1AA' }`. */
export interface Address {
  /** home | work | temp | old | billing */
  readonly use?: 'home' | 'work' | 'temp' | 'old' | 'billing';
  /** The whole address as text. */
  readonly text?: string;
  /** Street lines. */
  readonly line?: readonly string[];
  /** Town or city. */
  readonly city?: string;
  /** District or county. */
  readonly district?: string;
  /** Postcode. */
  readonly postalCode?: string;
  /** Country (ISO 3166 code or name). */
  readonly country?: string;
}

/** FHIR `Annotation` as the commands write it: its text (the author and time are the event's, see `ClinicalNote`). */
export interface Annotation {
  /** The note. */
  readonly text: string;
}

/** FHIR `Timing.repeat`, the parts primary care uses. E.g. 3 times a day: `{ frequency: 3, period: 1, periodUnit: 'd' }`. */
export interface TimingRepeat {
  /** Times per period. */
  readonly frequency?: number;
  /** The period's length. */
  readonly period?: number;
  /** s | min | h | d | wk | mo | a */
  readonly periodUnit?: 's' | 'min' | 'h' | 'd' | 'wk' | 'mo' | 'a';
}

/**
 * FHIR `Dosage` (how much, how often), minus `route`, which the commands take (and the
 * readers return) beside it and store in each Dosage. `text` is required so every dose
 * is readable by a human.
 * @example
 * ```ts
 * const dosage: Dosage = {
 *   text: '500 mg three times a day',
 *   timing: { repeat: { frequency: 3, period: 1, periodUnit: 'd' } },
 *   doseAndRate: [{ doseQuantity: { value: 500, unit: 'mg' } }],
 * };
 * ```
 */
export interface Dosage {
  /** The full instruction as text. */
  readonly text: string;
  /** Order of this dosage among several. */
  readonly sequence?: number;
  /** Instructions for the patient. */
  readonly patientInstruction?: string;
  /** When to take it. */
  readonly timing?: { readonly repeat?: TimingRepeat; readonly code?: CodeableConcept };
  /** Take as needed (PRN). */
  readonly asNeededBoolean?: boolean;
  /** Amount per dose. */
  readonly doseAndRate?: readonly { readonly doseQuantity?: Quantity }[];
}

/** A FHIR relative reference string as commands take it, e.g. `Organization/B82005` (stored as `{ reference }`). */
export type Reference<T extends string = string> = `${T}/${string}`;
