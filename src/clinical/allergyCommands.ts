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
} from './command.js';
import type { CodeableConcept } from './fhirTypes.js';
import { arrayOf, codeableConcept, fullDate, oneOf } from './inputChecks.js';
import { codeIn, conceptOf, referenceTo, valueOf } from './readState.js';

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
  const verification = input.verificationStatus ?? 'unconfirmed';
  b.set(key, 'patient', patient, { path: ['patientId'], as: referenceTo });
  b.set(key, 'code', input.code, { check: codeableConcept });
  // R4 (ait-2): an allergy entered in error has no clinical status.
  b.set(
    key,
    'clinicalStatus',
    verification === 'entered-in-error' ? undefined : (input.clinicalStatus ?? 'active'),
    clinicalStatusHow,
  );
  b.set(key, 'verificationStatus', verification, verificationStatusHow);
  b.set(key, 'criticality', input.criticality, { check: oneOf(ALLERGY_CRITICALITIES) });
  b.set(key, 'type', input.type, { check: oneOf(ALLERGY_TYPES) });
  if (input.manifestations?.length)
    b.set(key, 'reaction', input.manifestations, {
      path: ['manifestations'],
      check: arrayOf(codeableConcept),
      as: (add) => ({ add: add.map(reactionOf) }),
    });
  b.set(key, 'recordedDate', input.recordedDate ?? b.now());
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
  b.set(key, 'code', input.code, { check: codeableConcept });
  const verification =
    input.verificationStatus ??
    codeIn<AllergyVerificationStatus>(valueOf(allergy, 'verificationStatus'), ALLERGY_VERIFICATION_SYSTEM);
  if (verification === 'entered-in-error') {
    // R4 (ait-2): an allergy entered in error has no clinical status; marking it so takes the status away.
    if (input.clinicalStatus !== undefined)
      b.problem(['clinicalStatus'], 'an allergy entered in error has no clinical status');
    else if (input.verificationStatus !== undefined && valueOf(allergy, 'clinicalStatus') !== undefined)
      b.set(key, 'clinicalStatus', null);
  } else if (
    input.clinicalStatus === undefined &&
    allergy !== undefined &&
    valueOf(allergy, 'clinicalStatus') === undefined
  ) {
    // R4 (ait-1): back from entered-in-error, it needs one again.
    b.problem(['clinicalStatus'], `is required: ${key} has none`);
  }
  b.set(key, 'clinicalStatus', input.clinicalStatus, clinicalStatusHow);
  b.set(key, 'verificationStatus', input.verificationStatus, verificationStatusHow);
  b.set(key, 'criticality', input.criticality, { check: oneOf(ALLERGY_CRITICALITIES) });
  b.set(key, 'type', input.type, { check: oneOf(ALLERGY_TYPES) });
  if (input.addManifestations?.length || input.removeManifestations?.length)
    changeReactions(
      b,
      key,
      valueOf(allergy, 'reaction') ?? [],
      input.addManifestations ?? [],
      input.removeManifestations ?? [],
    );
  b.set(key, 'lastReviewed', input.lastReviewed, { check: fullDate });
  b.note(key, input.note);
  b.requireChange(key);
  return b.draft();
}

const clinicalStatusHow = {
  check: oneOf(ALLERGY_CLINICAL_STATUSES),
  as: (code: string) => conceptOf(ALLERGY_CLINICAL_SYSTEM, code),
};
const verificationStatusHow = {
  check: oneOf(ALLERGY_VERIFICATION_STATUSES),
  as: (code: string) => conceptOf(ALLERGY_VERIFICATION_SYSTEM, code),
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
