import type { StreamState } from '../chart/streamState.js';
import type { EventTypeDefinition } from '../merge/schema.js';
import type { CodeableConcept } from './fhirTypes.js';
import { defineView, readView, type ViewOf } from './clinicalView.js';

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
export const immunizationEvents = {
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
} as const satisfies Readonly<Record<string, EventTypeDefinition>>;

/** How the pack shows an `Immunization` as plain values. */
export const immunizationView = defineView('Immunization', (c) => ({
  /** The patient's id. */
  patientId: c.referenceId('patient'),
  /** The vaccine. */
  vaccineCode: c.field<CodeableConcept>('vaccineCode'),
  /** When given, when recorded as a dateTime (`occurrenceDateTime`). */
  occurrenceDateTime: c.choice<string>('occurrence', 'occurrenceDateTime'),
  /** Status. */
  status: c.field<ImmunizationStatus>('status'),
  /** Why not done. */
  statusReason: c.field<CodeableConcept>('statusReason'),
  /** Batch. */
  lotNumber: c.field<string>('lotNumber'),
  /** Every note, in order. */
  notes: c.notes(),
}));

/** An immunization as plain values ({@link immunizationView}). */
export type ImmunizationView = ViewOf<typeof immunizationView>;

/**
 * Every immunization on a record as plain values: `readClinical(state, 'Immunization')`.
 * @example readImmunizations(state).filter((i) => i.status === 'completed')
 */
export function readImmunizations(state: StreamState | undefined): ImmunizationView[] {
  return readView(immunizationView, state);
}
