import type { StreamState } from '../chart/streamState.js';
import type { EventDraft } from '../event/eventWriter.js';
import type { AllergyClinicalStatus, AllergyCriticality, AllergyType, AllergyVerificationStatus } from './allergyIntolerance.js';
import { asNote, startCommand, type ClinicalCommandOptions, type CommandInput } from './command.js';
import type { CodeableConcept } from './fhirTypes.js';

/** Input of {@link recordAllergy}. */
export interface RecordAllergyInput extends CommandInput {
  /** The patient. */
  readonly patientId: string;
  /** The new allergy's id. @defaultValue a new UUIDv7 */
  readonly allergyId?: string;
  /** The substance (e.g. SNOMED CT 764146007 Penicillin). */
  readonly code: CodeableConcept;
  /** @defaultValue `'active'` */
  readonly clinicalStatus?: AllergyClinicalStatus;
  /** Asserting less is the safe default; say `'confirmed'` when it is. @defaultValue `'unconfirmed'` */
  readonly verificationStatus?: AllergyVerificationStatus;
  /** @defaultValue not recorded */
  readonly criticality?: AllergyCriticality;
  /** @defaultValue not recorded */
  readonly type?: AllergyType;
  /** What happens (rash, anaphylaxis …). @defaultValue none */
  readonly manifestations?: readonly CodeableConcept[];
  /** When it was recorded. @defaultValue now (see {@link ClinicalCommandOptions.now}) */
  readonly recordedDate?: string;
  /** A first note. @defaultValue none */
  readonly note?: string;
}

/**
 * Records a new allergy: an `allergy.recorded` event creating `AllergyIntolerance/<id>`.
 *
 * @throws ChartlogError `INVALID_COMMAND`, each issue's path naming the input field (e.g. `['criticality']`).
 * @example
 * ```ts
 * const draft = recordAllergy(chart.state(patientStream(pid)), { patientId: pid, code: penicillin, criticality: 'high', author });
 * ```
 */
export function recordAllergy(state: StreamState | undefined, input: RecordAllergyInput, options: ClinicalCommandOptions = {}): EventDraft {
  const b = startCommand('allergy.recorded', state, input, options);
  const patient = b.patient(input.patientId);
  const key = `AllergyIntolerance/${b.newId(input.allergyId, 'allergyId')}`;
  if (state?.resources[key]) b.problem(['allergyId'], `${key} already exists`);
  if (input.code === undefined) b.problem(['code'], 'is required');
  b.set(key, 'patient', patient, ['patientId']);
  b.set(key, 'code', input.code);
  b.set(key, 'clinicalStatus', input.clinicalStatus ?? 'active');
  b.set(key, 'verificationStatus', input.verificationStatus ?? 'unconfirmed');
  b.set(key, 'criticality', input.criticality);
  b.set(key, 'type', input.type);
  if (input.manifestations?.length) b.set(key, 'manifestation', { add: input.manifestations }, ['manifestations']);
  b.set(key, 'recordedDate', input.recordedDate ?? b.now());
  b.set(key, 'note', asNote(input.note));
  return b.draft();
}

/** Input of {@link updateAllergy}: only the fields given change. */
export interface UpdateAllergyInput extends CommandInput {
  /** The patient. */
  readonly patientId: string;
  /** The allergy. */
  readonly allergyId: string;
  /** Corrects the substance. */
  readonly code?: CodeableConcept;
  /** New clinical status. */
  readonly clinicalStatus?: AllergyClinicalStatus;
  /** New verification status (`'entered-in-error'` takes it off the active record). */
  readonly verificationStatus?: AllergyVerificationStatus;
  /** New criticality. */
  readonly criticality?: AllergyCriticality;
  /** New type. */
  readonly type?: AllergyType;
  /** Reaction manifestations to add. */
  readonly addManifestations?: readonly CodeableConcept[];
  /** Reaction manifestations to remove (as shown in `state`). */
  readonly removeManifestations?: readonly CodeableConcept[];
  /** The date of a review (YYYY-MM-DD); the record keeps the latest. */
  readonly lastReviewed?: string;
  /** A note to add. */
  readonly note?: string;
}

/**
 * Changes an allergy: an `allergy.updated` event writing only the fields given, each
 * superseding exactly what the author saw in `state`. A change made at two sites
 * concurrently is a conflict for a clinician to resolve (`prepareConflictResolution`).
 *
 * @throws ChartlogError `INVALID_COMMAND` when the allergy is not in `state`, nothing changes, or a value is invalid.
 * @example updateAllergy(state, { patientId, allergyId, criticality: 'high', note: 'anaphylaxis 2019 per hospital letter', author })
 */
export function updateAllergy(state: StreamState | undefined, input: UpdateAllergyInput, options: ClinicalCommandOptions = {}): EventDraft {
  const b = startCommand('allergy.updated', state, input, options);
  b.patient(input.patientId);
  const key = `AllergyIntolerance/${input.allergyId}`;
  b.existing(key, ['allergyId']);
  b.set(key, 'code', input.code);
  b.set(key, 'clinicalStatus', input.clinicalStatus);
  b.set(key, 'verificationStatus', input.verificationStatus);
  b.set(key, 'criticality', input.criticality);
  b.set(key, 'type', input.type);
  if (input.addManifestations?.length || input.removeManifestations?.length) {
    b.set(key, 'manifestation', { ...(input.addManifestations?.length ? { add: input.addManifestations } : {}), ...(input.removeManifestations?.length ? { remove: input.removeManifestations } : {}) }, ['addManifestations']);
  }
  b.set(key, 'lastReviewed', input.lastReviewed);
  b.set(key, 'note', asNote(input.note));
  b.requireChange(key);
  return b.draft();
}
