import type { StreamState } from '../chart/streamState.js';
import type { EventTypeDefinition, ResourceDefinition } from '../merge/schema.js';
import { codeableConcept, fhirDateTime, fullDate, annotation, oneOf, reference, setOf } from './fhirChecks.js';
import type { CodeableConcept } from './fhirTypes.js';
import { conflictsOf, idOf, notesOf, resourcesOfType, valueOf, type ClinicalNote, type ReadResource } from './readState.js';

/** FHIR `AllergyIntolerance.clinicalStatus` codes (allergyintolerance-clinical). */
export const ALLERGY_CLINICAL_STATUSES = ['active', 'inactive', 'resolved'] as const;
/** FHIR `AllergyIntolerance.verificationStatus` codes (allergyintolerance-verification). */
export const ALLERGY_VERIFICATION_STATUSES = ['unconfirmed', 'confirmed', 'refuted', 'entered-in-error'] as const;
/** FHIR `AllergyIntolerance.criticality` codes. */
export const ALLERGY_CRITICALITIES = ['low', 'high', 'unable-to-assess'] as const;
/** FHIR `AllergyIntolerance.type` codes. */
export const ALLERGY_TYPES = ['allergy', 'intolerance'] as const;

/** An allergy's clinical status. */
export type AllergyClinicalStatus = (typeof ALLERGY_CLINICAL_STATUSES)[number];
/** An allergy's verification status. */
export type AllergyVerificationStatus = (typeof ALLERGY_VERIFICATION_STATUSES)[number];
/** How bad a future reaction could be. */
export type AllergyCriticality = (typeof ALLERGY_CRITICALITIES)[number];
/** Allergy or (non-immune) intolerance. */
export type AllergyType = (typeof ALLERGY_TYPES)[number];

/**
 * FHIR `AllergyIntolerance`, key `AllergyIntolerance/<id>` in the patient's stream.
 * Status codes are stored as their codes (the FHIR CodeableConcept of a required
 * value set carries nothing more).
 *
 * Everything a prescriber checks before prescribing (substance, statuses, criticality,
 * type) is `mv`: concurrent changes are shown side by side until a clinician decides.
 * `lastReviewed` (a UK Core extension, not an R4 element) is `max`: reviews only move
 * it forward. Reaction manifestations are an add-wins set.
 */
export const allergyIntoleranceResource: ResourceDefinition = {
  doc: 'FHIR AllergyIntolerance: an allergy or intolerance and its reactions.',
  fields: {
    patient: { rule: 'once', check: reference('Patient'), doc: 'the patient (Patient/<id>)' },
    code: { rule: 'mv', check: codeableConcept, doc: 'the substance' },
    clinicalStatus: { rule: 'mv', check: oneOf(ALLERGY_CLINICAL_STATUSES) },
    verificationStatus: { rule: 'mv', check: oneOf(ALLERGY_VERIFICATION_STATUSES) },
    criticality: { rule: 'mv', check: oneOf(ALLERGY_CRITICALITIES) },
    type: { rule: 'mv', check: oneOf(ALLERGY_TYPES) },
    manifestation: { rule: 'set', check: setOf(codeableConcept), doc: 'reaction.manifestation, flattened: what happens (CodeableConcept set)' },
    recordedDate: { rule: 'once', check: fhirDateTime },
    lastReviewed: { rule: 'max', check: fullDate, doc: 'date of the last review, YYYY-MM-DD' },
    note: { rule: 'log', check: annotation },
  },
};

/** Event types that write `AllergyIntolerance`. */
export const allergyEvents: Readonly<Record<string, EventTypeDefinition>> = {
  'allergy.recorded': { v: 1, resources: ['AllergyIntolerance'], doc: 'A new allergy or intolerance on the record.' },
  'allergy.updated': { v: 1, resources: ['AllergyIntolerance'], doc: 'A change to an allergy: status, criticality, reactions, a review or a note.' },
};

/** An allergy as plain values. */
export interface AllergyView extends ReadResource {
  /** The patient's id. */
  readonly patientId: string | undefined;
  /** The substance. */
  readonly code: CodeableConcept | undefined;
  /** Clinical status. */
  readonly clinicalStatus: AllergyClinicalStatus | undefined;
  /** Verification status. */
  readonly verificationStatus: AllergyVerificationStatus | undefined;
  /** Criticality. */
  readonly criticality: AllergyCriticality | undefined;
  /** Allergy or intolerance. */
  readonly type: AllergyType | undefined;
  /** Reaction manifestations. */
  readonly manifestation: readonly CodeableConcept[];
  /** When first recorded. */
  readonly recordedDate: string | undefined;
  /** Last review date. */
  readonly lastReviewed: string | undefined;
  /** Every note, in order. */
  readonly notes: readonly ClinicalNote[];
}

/**
 * Every allergy on a patient's record as plain values (entered-in-error ones included:
 * filter on `verificationStatus`), with the names of fields in conflict.
 *
 * @example readAllergies(state).filter((a) => a.clinicalStatus === 'active')
 */
export function readAllergies(state: StreamState | undefined): AllergyView[] {
  if (!state) return [];
  return resourcesOfType(state, 'AllergyIntolerance').map((r) => ({
    id: r.id,
    conflicts: conflictsOf(state, r),
    patientId: idOf(valueOf(r, 'patient')),
    code: valueOf(r, 'code'),
    clinicalStatus: valueOf(r, 'clinicalStatus'),
    verificationStatus: valueOf(r, 'verificationStatus'),
    criticality: valueOf(r, 'criticality'),
    type: valueOf(r, 'type'),
    manifestation: valueOf(r, 'manifestation') ?? [],
    recordedDate: valueOf(r, 'recordedDate'),
    lastReviewed: valueOf(r, 'lastReviewed'),
    notes: notesOf(r),
  }));
}
