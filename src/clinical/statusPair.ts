import type { ResourceState } from '../chart/streamState.js';
import type { CommandBuilder, FieldInputs } from './command.js';
import { oneOf } from './inputChecks.js';
import { codeIn, conceptOf, valueOf } from './readState.js';

/**
 * R4's pair of statuses bound as CodeableConcepts, `clinicalStatus` and
 * `verificationStatus`, as AllergyIntolerance and Condition have them, with R4's rule
 * between them (ait-2, con-5): a resource entered in error has no clinical status.
 * Internal to the pack: the allergy and problem commands share it.
 */
export interface StatusPair<C extends string, V extends string> {
  /** `clinicalStatus`: its codes and their code system. */
  readonly clinical: { readonly codes: readonly C[]; readonly system: string };
  /** `verificationStatus`: its codes and their code system. */
  readonly verification: { readonly codes: readonly V[]; readonly system: string };
  /** The resource as a clinician names it, for messages: `an allergy`, `a problem`. */
  readonly noun: string;
}

/** The two status inputs of a command, as codes. */
export interface StatusInput<C extends string, V extends string> {
  /** The clinical status code. */
  readonly clinicalStatus?: C | undefined;
  /** The verification status code. */
  readonly verificationStatus?: V | undefined;
}

/** How the two status inputs are written: each a code of its value set, stored as a CodeableConcept in its system. */
export function statusInputs<C extends string, V extends string>(
  pair: StatusPair<C, V>,
): FieldInputs<StatusInput<C, V>> {
  return {
    clinicalStatus: {
      check: oneOf(pair.clinical.codes),
      as: (code) => conceptOf(pair.clinical.system, code),
    },
    verificationStatus: {
      check: oneOf(pair.verification.codes),
      as: (code) => conceptOf(pair.verification.system, code),
    },
  };
}

/** The statuses a new resource is recorded with: the defaults, and none clinical when entered in error. */
export function recordedStatuses<C extends string, V extends string>(
  input: StatusInput<C, V>,
  defaults: { readonly clinicalStatus: C; readonly verificationStatus: V },
): StatusInput<C, V> {
  const verificationStatus = input.verificationStatus ?? defaults.verificationStatus;
  return {
    verificationStatus,
    clinicalStatus:
      verificationStatus === 'entered-in-error'
        ? undefined
        : (input.clinicalStatus ?? defaults.clinicalStatus),
  };
}

/**
 * Checks an update of `existing`'s statuses against R4's rule and writes what the rule
 * implies: marking it entered in error takes the clinical status away, and giving one to
 * a resource entered in error is refused. With `requireClinicalStatus` (R4 ait-1), one
 * coming back from entered-in-error needs a clinical status again. Returns the statuses
 * the resource will have.
 */
export function updateStatuses<C extends string, V extends string>(
  b: CommandBuilder,
  key: string,
  pair: StatusPair<C, V>,
  existing: ResourceState | undefined,
  input: StatusInput<C, V>,
  requireClinicalStatus: boolean,
): StatusInput<C, V> {
  const verificationStatus =
    input.verificationStatus ?? codeIn<V>(valueOf(existing, 'verificationStatus'), pair.verification.system);
  const clinicalStatus =
    input.clinicalStatus ?? codeIn<C>(valueOf(existing, 'clinicalStatus'), pair.clinical.system);
  if (verificationStatus === 'entered-in-error') {
    if (input.clinicalStatus !== undefined)
      b.problem(['clinicalStatus'], `${pair.noun} entered in error has no clinical status`);
    else if (input.verificationStatus !== undefined && valueOf(existing, 'clinicalStatus') !== undefined)
      b.set(key, 'clinicalStatus', null);
  } else if (
    requireClinicalStatus &&
    input.clinicalStatus === undefined &&
    existing !== undefined &&
    valueOf(existing, 'clinicalStatus') === undefined
  ) {
    b.problem(['clinicalStatus'], `is required: ${key} has none`);
  }
  return { clinicalStatus, verificationStatus };
}
