import type { StreamState } from '../chart/streamState.js';
import type { EventTypeDefinition } from '../merge/schema.js';
import type { CodeableConcept } from './fhirTypes.js';
import {
  choiceOf,
  conflictsOf,
  idOf,
  notesOf,
  resourcesOfType,
  valueOf,
  type ClinicalNote,
  type ReadResource,
} from './readState.js';

/** FHIR `Immunization.status` codes (immunization-status). */
export const IMMUNIZATION_STATUSES = ['completed', 'entered-in-error', 'not-done'] as const;
/** An immunization's status. */
export type ImmunizationStatus = (typeof IMMUNIZATION_STATUSES)[number];

/**
 * Event types that write FHIR `Immunization`, key `Immunization/<id>` in the patient's
 * stream. The vaccine, the date given (`occurrence[x]` as a `dateTime`) and the status
 * are `mv`: they decide whether a dose is due, so a concurrent correction must be seen.
 * `lotNumber` and `statusReason` are `lww` (batch recall lookups, explanatory text).
 */
export const immunizationEvents: Readonly<Record<string, EventTypeDefinition>> = {
  'immunization.recorded': {
    v: 2,
    resources: ['Immunization'],
    doc: 'A vaccination given, or recorded as not done.',
  },
  'immunization.updated': {
    v: 2,
    resources: ['Immunization'],
    doc: 'A correction to a recorded vaccination.',
  },
};

/** An immunization as plain values. */
export interface ImmunizationView extends ReadResource {
  /** The patient's id. */
  readonly patientId: string | undefined;
  /** The vaccine. */
  readonly vaccineCode: CodeableConcept | undefined;
  /** When given, when recorded as a dateTime (`occurrenceDateTime`). */
  readonly occurrenceDateTime: string | undefined;
  /** Status. */
  readonly status: ImmunizationStatus | undefined;
  /** Why not done. */
  readonly statusReason: CodeableConcept | undefined;
  /** Batch. */
  readonly lotNumber: string | undefined;
  /** Every note, in order. */
  readonly notes: readonly ClinicalNote[];
}

/**
 * Every immunization on a record as plain values.
 * @example readImmunizations(state).filter((i) => i.status === 'completed')
 */
export function readImmunizations(state: StreamState | undefined): ImmunizationView[] {
  if (!state) return [];
  return resourcesOfType(state, 'Immunization').map((r) => ({
    id: r.id,
    conflicts: conflictsOf(state, r),
    patientId: idOf(valueOf(r, 'patient')),
    vaccineCode: valueOf(r, 'vaccineCode'),
    occurrenceDateTime: choiceOf(r, 'occurrence', 'occurrenceDateTime'),
    status: valueOf(r, 'status'),
    statusReason: valueOf(r, 'statusReason'),
    lotNumber: valueOf(r, 'lotNumber'),
    notes: notesOf(r),
  }));
}
