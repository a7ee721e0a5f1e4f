import type { StreamState } from '../chart/streamState.js';
import type { EventTypeDefinition } from '../merge/schema.js';
import type { CodeableConcept, Coding } from './fhirTypes.js';
import { defineView, readView, type ViewOf } from './clinicalView.js';
import { valueOf } from './readState.js';

/** FHIR R4 `Encounter.status` codes (encounter-status). */
export const ENCOUNTER_STATUSES = [
  'planned',
  'arrived',
  'triaged',
  'in-progress',
  'onleave',
  'finished',
  'cancelled',
  'entered-in-error',
  'unknown',
] as const;
/** FHIR `Encounter.class` codes (v3 ActEncounterCode): ambulatory, emergency, field, home health, inpatient, short stay, virtual … */
export const ENCOUNTER_CLASSES = [
  'AMB',
  'EMER',
  'FLD',
  'HH',
  'IMP',
  'ACUTE',
  'NONAC',
  'OBSENC',
  'PRENC',
  'SS',
  'VR',
] as const;
/** Code system of {@link ENCOUNTER_CLASSES}. */
export const ENCOUNTER_CLASS_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

/** An encounter's status. */
export type EncounterStatus = (typeof ENCOUNTER_STATUSES)[number];
/** An encounter class code, e.g. `AMB` (surgery consultation), `VR` (video/telephone), `HH` (home visit). */
export type EncounterClass = (typeof ENCOUNTER_CLASSES)[number];

/**
 * Event types that write FHIR `Encounter` (a consultation), key `Encounter/<id>` in the
 * patient's stream. `status` is `mv`; `class` and `period` are `lww` (descriptive, not
 * safety-critical: a concurrent loser stays in the field's history), `type` an add-wins
 * set, `appointment` `once`. Consultation notes are the pack's `note` extension (R4's
 * Encounter has no `note`), a `log` of Annotations like every other resource's notes.
 */
export const encounterEvents = {
  'encounter.started': { v: 2, resources: ['Encounter'], doc: 'A consultation began.' },
  'encounter.note-added': { v: 2, resources: ['Encounter'], doc: 'A consultation note.' },
  'encounter.finished': { v: 2, resources: ['Encounter'], doc: 'A consultation ended.' },
} as const satisfies Readonly<Record<string, EventTypeDefinition>>;

/** How the pack shows an `Encounter` (a consultation) as plain values, with its consultation notes. */
export const encounterView = defineView('Encounter', (c) => ({
  /** The patient's id. */
  patientId: c.referenceId('subject'),
  /** Status. */
  status: c.field<EncounterStatus>('status'),
  /** Class (AMB, VR, HH …). */
  class: c.field<Coding>('class'),
  /** Kind of consultation. */
  type: c.list<CodeableConcept>('type'),
  /** Start (`period.start`, a UTC instant when the pack recorded it). */
  periodStart: (r): string | undefined => valueOf<Period>(r, 'period')?.start,
  /** End (`period.end`). */
  periodEnd: (r): string | undefined => valueOf<Period>(r, 'period')?.end,
  /** The appointment's id, when booked. */
  appointmentId: c.referenceId('appointment'),
  /** The consultation notes, in order. */
  notes: c.notes(),
}));

/** An encounter as plain values ({@link encounterView}). */
export type EncounterView = ViewOf<typeof encounterView>;

/**
 * Every encounter on a record as plain values, with its consultation notes: `readClinical(state, 'Encounter')`.
 * @example readEncounters(state).flatMap((e) => e.notes.map((n) => n.text))
 */
export function readEncounters(state: StreamState | undefined): EncounterView[] {
  return readView(encounterView, state);
}

/** R4 `Period`, as an encounter's `period`. */
export interface Period {
  /** Start (inclusive). */
  readonly start?: string;
  /** End (inclusive); absent while the encounter goes on. */
  readonly end?: string;
}
