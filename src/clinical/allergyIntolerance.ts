import type { StreamState } from '../chart/streamState.js';
import type { EventTypeDefinition } from '../merge/schema.js';
import type { CodeableConcept } from './fhirTypes.js';
import { defineView, readView, type ViewOf } from './clinicalView.js';
import { valueOf } from './readState.js';

/** FHIR `AllergyIntolerance.clinicalStatus` codes (allergyintolerance-clinical). */
export const ALLERGY_CLINICAL_STATUSES = ['active', 'inactive', 'resolved'] as const;
/** FHIR `AllergyIntolerance.verificationStatus` codes (allergyintolerance-verification). */
export const ALLERGY_VERIFICATION_STATUSES = [
  'unconfirmed',
  'confirmed',
  'refuted',
  'entered-in-error',
] as const;
/** FHIR `AllergyIntolerance.criticality` codes. */
export const ALLERGY_CRITICALITIES = ['low', 'high', 'unable-to-assess'] as const;
/** FHIR `AllergyIntolerance.type` codes. */
export const ALLERGY_TYPES = ['allergy', 'intolerance'] as const;
/** Code system of {@link ALLERGY_CLINICAL_STATUSES}: `clinicalStatus` is a CodeableConcept holding one of them. */
export const ALLERGY_CLINICAL_SYSTEM = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
/** Code system of {@link ALLERGY_VERIFICATION_STATUSES}. */
export const ALLERGY_VERIFICATION_SYSTEM =
  'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';

/** An allergy's clinical status. */
export type AllergyClinicalStatus = (typeof ALLERGY_CLINICAL_STATUSES)[number];
/** An allergy's verification status. */
export type AllergyVerificationStatus = (typeof ALLERGY_VERIFICATION_STATUSES)[number];
/** How bad a future reaction could be. */
export type AllergyCriticality = (typeof ALLERGY_CRITICALITIES)[number];
/** Allergy or (non-immune) intolerance. */
export type AllergyType = (typeof ALLERGY_TYPES)[number];

/**
 * Event types that write FHIR `AllergyIntolerance` (key `AllergyIntolerance/<id>` in the
 * patient's stream). Everything a prescriber checks before prescribing (substance,
 * statuses, criticality, type) is `mv`: concurrent changes are shown side by side until a
 * clinician decides. Each reaction manifestation is a `reaction` entry, an add-wins set;
 * the last review is the pack's `lastReviewed` extension, `max` (see `clinicalExtensions`).
 */
export const allergyEvents = {
  'allergy.recorded': {
    v: 2,
    resources: ['AllergyIntolerance'],
    doc: 'A new allergy or intolerance on the record.',
  },
  'allergy.updated': {
    v: 2,
    resources: ['AllergyIntolerance'],
    doc: 'A change to an allergy: status, criticality, reactions, a review or a note.',
  },
} as const satisfies Readonly<Record<string, EventTypeDefinition>>;

/** How the pack shows an `AllergyIntolerance` as plain values. */
export const allergyView = defineView('AllergyIntolerance', (c) => ({
  /** The patient's id. */
  patientId: c.referenceId('patient'),
  /** The substance. */
  code: c.field<CodeableConcept>('code'),
  /** Clinical status (its code in the HL7 code system; undefined when the record holds none there). */
  clinicalStatus: c.codeIn<AllergyClinicalStatus>('clinicalStatus', ALLERGY_CLINICAL_SYSTEM),
  /** Verification status. */
  verificationStatus: c.codeIn<AllergyVerificationStatus>('verificationStatus', ALLERGY_VERIFICATION_SYSTEM),
  /** Criticality. */
  criticality: c.field<AllergyCriticality>('criticality'),
  /** Allergy or intolerance. */
  type: c.field<AllergyType>('type'),
  /** Reaction manifestations, of every `reaction` entry in order. */
  manifestation: (r): readonly CodeableConcept[] => manifestationsOf(valueOf(r, 'reaction')),
  /** When first recorded. */
  recordedDate: c.field<string>('recordedDate'),
  /** Last review date. */
  lastReviewed: c.field<string>('lastReviewed'),
  /** Every note, in order. */
  notes: c.notes(),
}));

/** An allergy as plain values ({@link allergyView}). */
export type AllergyView = ViewOf<typeof allergyView>;

/** The manifestations of a list of R4 `reaction` entries, in order. */
export function manifestationsOf(reactions: readonly unknown[] | undefined): CodeableConcept[] {
  return (reactions ?? []).flatMap((r) => (r as { manifestation?: CodeableConcept[] }).manifestation ?? []);
}

/**
 * Every allergy on a patient's record as plain values (entered-in-error ones included:
 * filter on `verificationStatus`), with the names of fields in conflict:
 * `readClinical(state, 'AllergyIntolerance')`.
 *
 * @example readAllergies(state).filter((a) => a.clinicalStatus === 'active')
 */
export function readAllergies(state: StreamState | undefined): AllergyView[] {
  return readView(allergyView, state);
}
