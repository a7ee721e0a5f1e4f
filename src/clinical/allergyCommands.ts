import type { StreamState } from '../chart/streamState.js';
import type { EventDraft } from '../event/eventWriter.js';
import { canonicalJson } from '../event/canonicalJson.js';
import type { Json } from '../event/json.js';
import {
  ALLERGY_CLINICAL_STATUSES,
  ALLERGY_CLINICAL_SYSTEM,
  ALLERGY_CRITICALITIES,
  ALLERGY_TYPES,
  ALLERGY_VERIFICATION_STATUSES,
  ALLERGY_VERIFICATION_SYSTEM,
  type AllergyClinicalStatus,
  type AllergyCriticality,
  type AllergyType,
  type AllergyVerificationStatus,
} from './allergyIntolerance.js';
import {
  startCommand,
  type ClinicalCommandOptions,
  type CommandBuilder,
  type CommandInput,
  type FieldInputs,
} from './command.js';
import type { CodeableConcept } from './fhirTypes.js';
import { arrayOf, codeableConcept, fullDate, oneOf } from './inputChecks.js';
import { referenceTo, valueOf } from './readState.js';
import { recordedStatuses, statusInputs, updateStatuses, type StatusPair } from './statusPair.js';

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
export function recordAllergy(
  state: StreamState | undefined,
  input: RecordAllergyInput,
  options: ClinicalCommandOptions = {},
): EventDraft {
  const b = startCommand('allergy.recorded', state, input, options);
  const patient = b.patient(input.patientId);
  const key = `AllergyIntolerance/${b.newId(input.allergyId, 'allergyId')}`;
  if (state?.resources[key]) b.problem(['allergyId'], `${key} already exists`);
  if (input.code === undefined) b.problem(['code'], 'is required');
  b.set(key, 'patient', patient, { path: ['patientId'], as: referenceTo });
  b.setFields(key, allergyInputs, {
    ...input,
    ...recordedStatuses(input, { clinicalStatus: 'active', verificationStatus: 'unconfirmed' }),
    recordedDate: input.recordedDate ?? b.now(),
  });
  if (input.manifestations?.length)
    b.set(key, 'reaction', input.manifestations, {
      path: ['manifestations'],
      check: arrayOf(codeableConcept),
      as: (add) => ({ add: add.map(reactionOf) }),
    });
  b.note(key, input.note);
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
export function updateAllergy(
  state: StreamState | undefined,
  input: UpdateAllergyInput,
  options: ClinicalCommandOptions = {},
): EventDraft {
  const b = startCommand('allergy.updated', state, input, options);
  b.patient(input.patientId);
  const key = `AllergyIntolerance/${input.allergyId}`;
  const allergy = b.existing(key, ['allergyId']);
  // R4 ait-1: an allergy back from entered-in-error needs a clinical status again.
  updateStatuses(b, key, allergyStatuses, allergy, input, true);
  b.setFields(key, allergyInputs, input);
  if (input.addManifestations?.length || input.removeManifestations?.length)
    changeReactions(
      b,
      key,
      valueOf(allergy, 'reaction') ?? [],
      input.addManifestations ?? [],
      input.removeManifestations ?? [],
    );
  b.note(key, input.note);
  b.requireChange(key);
  return b.draft();
}

const allergyStatuses: StatusPair<AllergyClinicalStatus, AllergyVerificationStatus> = {
  clinical: { codes: ALLERGY_CLINICAL_STATUSES, system: ALLERGY_CLINICAL_SYSTEM },
  verification: { codes: ALLERGY_VERIFICATION_STATUSES, system: ALLERGY_VERIFICATION_SYSTEM },
  noun: 'an allergy',
};

/** How the inputs both allergy commands take are written (the same field names as R4's). */
const allergyInputs: FieldInputs<Omit<RecordAllergyInput & UpdateAllergyInput, 'note'>> = {
  code: { check: codeableConcept },
  ...statusInputs(allergyStatuses),
  criticality: { check: oneOf(ALLERGY_CRITICALITIES) },
  type: { check: oneOf(ALLERGY_TYPES) },
  recordedDate: {},
  lastReviewed: { check: fullDate },
};

/** One R4 `reaction` entry per manifestation, so each can be added and removed on its own (the set's element). */
function reactionOf(manifestation: CodeableConcept): Json {
  return { manifestation: [manifestation] } as unknown as Json;
}

/**
 * The `reaction` set op adding `add` and removing `remove`: a removed manifestation takes
 * out every reaction entry the author sees holding it (by value, as a set remove must name
 * what it saw), and an entry that holds other manifestations too (an import's) comes back
 * without it.
 */
function changeReactions(
  b: CommandBuilder,
  key: string,
  held: readonly Json[],
  add: readonly CodeableConcept[],
  remove: readonly CodeableConcept[],
): void {
  const problem =
    arrayOf(codeableConcept)(add as unknown as Json) ?? arrayOf(codeableConcept)(remove as unknown as Json);
  if (problem !== undefined)
    return b.problem([add.length > 0 ? 'addManifestations' : 'removeManifestations'], problem);
  const gone = new Set(remove.map((m) => canonicalJson(m as unknown as Json)));
  const removed: Json[] = [];
  const kept: Json[] = [];
  for (const reaction of held) {
    const manifestations = ((reaction as { manifestation?: Json[] }).manifestation ?? []) as Json[];
    const rest = manifestations.filter((m) => !gone.has(canonicalJson(m)));
    if (rest.length === manifestations.length) continue;
    removed.push(reaction);
    if (rest.length > 0) kept.push({ ...(reaction as object), manifestation: rest } as Json);
  }
  const adds = [...kept, ...add.map(reactionOf)];
  if (adds.length === 0 && removed.length === 0) return;
  b.set(
    key,
    'reaction',
    { ...(adds.length > 0 ? { add: adds } : {}), ...(removed.length > 0 ? { remove: removed } : {}) },
    { path: [add.length > 0 ? 'addManifestations' : 'removeManifestations'] },
  );
}
