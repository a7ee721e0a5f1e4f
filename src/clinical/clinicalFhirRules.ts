import type { BuiltinRuleName } from '../merge/builtinRules.js';

/**
 * The clinical pack's explicit merge rules for FHIR R4 elements (docs/architecture.md, "Records are FHIR R4"), by resource
 * type and top-level element (a choice element by its name without `[x]`). They override
 * the rules `chartlog/fhir` derives from the R4 definitions, which already make every
 * modifier element (`status`, `clinicalStatus`, `verificationStatus` …) `mv`, the subject
 * reference `once`, repeating elements `set` and notes `log`.
 *
 * What is listed here is what a clinician checks before acting and must never see one
 * site's value silently replace another's: the allergen and its criticality, the
 * medication and its dose, the date of birth and identifiers, an observation's value.
 * Dosage is one `mv` value, not a set: two concurrent dose changes are a conflict to
 * settle, never a union of both doses (and the route, R4's `Dosage.route`, is part of
 * it). What must not change once recorded is `once`. A slot's `status` is `mv`: a slot
 * withdrawn at one site while booked at another must surface (a booking writes `busy`,
 * and two sites agreeing on it is no conflict).
 */
export const clinicalFhirRules: Readonly<Record<string, Readonly<Record<string, BuiltinRuleName>>>> = {
  Patient: { name: 'mv', birthDate: 'mv', gender: 'mv', identifier: 'mv', generalPractitioner: 'mv' },
  AllergyIntolerance: { code: 'mv', criticality: 'mv', type: 'mv', recordedDate: 'once' },
  Condition: { code: 'mv', recordedDate: 'once' },
  MedicationRequest: { medication: 'mv', dosageInstruction: 'mv', intent: 'once', authoredOn: 'once' },
  MedicationStatement: { medication: 'mv', dosage: 'mv' },
  Observation: { code: 'once', category: 'once', effective: 'once', value: 'mv', component: 'mv' },
  Immunization: { vaccineCode: 'mv', occurrence: 'mv' },
  Encounter: { appointment: 'once' },
  Slot: { schedule: 'once', start: 'once', end: 'once', status: 'mv' },
  Appointment: { slot: 'once' },
};
