import type { StreamState } from '../chart/streamState.js';
import type { EventDraft } from '../event/eventWriter.js';
import { asArray, startCommand, type ClinicalCommandOptions, type CommandInput } from './command.js';
import {
  ENCOUNTER_CLASSES,
  ENCOUNTER_CLASS_SYSTEM,
  type EncounterClass,
  type EncounterStatus,
  type Period,
} from './encounter.js';
import type { CodeableConcept } from './fhirTypes.js';
import { arrayOf, codeableConcept, fhirId, oneOf } from './inputChecks.js';
import { referenceTo, valueOf } from './readState.js';

/** Input of {@link startEncounter}. */
export interface StartEncounterInput extends CommandInput {
  /** The patient. */
  readonly patientId: string;
  /** The new encounter's id. @defaultValue a new UUIDv7 */
  readonly encounterId?: string;
  /** @defaultValue `'AMB'` (a consultation at the practice) */
  readonly class?: EncounterClass;
  /** Kind of consultation. @defaultValue not recorded */
  readonly type?: CodeableConcept | readonly CodeableConcept[];
  /** When it began (any ISO date-time; stored as a UTC instant). @defaultValue now */
  readonly start?: string | Date;
  /** The booking it fulfils (an Appointment id in the clinic's schedule). @defaultValue none */
  readonly appointmentId?: string;
  /** A first consultation note. @defaultValue none */
  readonly note?: string;
}

/**
 * Starts a consultation: an `encounter.started` event creating an in-progress `Encounter/<id>`.
 *
 * @throws ChartlogError `INVALID_COMMAND`, each issue naming the input field.
 * @example startEncounter(state, { patientId, class: 'VR', author })
 */
export function startEncounter(
  state: StreamState | undefined,
  input: StartEncounterInput,
  options: ClinicalCommandOptions = {},
): EventDraft {
  const b = startCommand('encounter.started', state, input, options);
  const patient = b.patient(input.patientId);
  const key = `Encounter/${b.newId(input.encounterId, 'encounterId')}`;
  if (state?.resources[key]) b.problem(['encounterId'], `${key} already exists`);
  b.set(key, 'subject', patient, { path: ['patientId'], as: referenceTo });
  b.set(key, 'status', 'in-progress');
  b.set(key, 'class', input.class ?? 'AMB', {
    check: oneOf(ENCOUNTER_CLASSES),
    as: (code) => ({ system: ENCOUNTER_CLASS_SYSTEM, code }),
  });
  b.set(key, 'type', asArray(input.type), { check: arrayOf(codeableConcept, 1), as: (add) => ({ add }) });
  b.set(key, 'period', b.instant(input.start, 'start'), {
    path: ['start'],
    as: (start): Period => ({ start }),
  });
  b.set(key, 'appointment', input.appointmentId, {
    path: ['appointmentId'],
    check: fhirId,
    as: (id) => [referenceTo(`Appointment/${id}`)],
  });
  b.note(key, input.note);
  return b.draft();
}

/** Input of {@link addConsultationNote}. */
export interface AddConsultationNoteInput extends CommandInput {
  /** The patient. */
  readonly patientId: string;
  /** The encounter. */
  readonly encounterId: string;
  /** The note. */
  readonly text: string;
}

/**
 * Adds a consultation note: an `encounter.note-added` event. Notes are a log: every
 * note from every site is kept, in the total order of events.
 *
 * @throws ChartlogError `INVALID_COMMAND` when the encounter is not in `state` or the text is empty.
 * @example addConsultationNote(state, { patientId, encounterId, text: 'Chest clear. Plan: review in 2 weeks.', author })
 */
export function addConsultationNote(
  state: StreamState | undefined,
  input: AddConsultationNoteInput,
  options: ClinicalCommandOptions = {},
): EventDraft {
  const b = startCommand('encounter.note-added', state, input, options);
  b.patient(input.patientId);
  const key = `Encounter/${input.encounterId}`;
  b.existing(key, ['encounterId']);
  b.note(key, input.text, ['text']);
  return b.draft();
}

/** Input of {@link finishEncounter}. */
export interface FinishEncounterInput extends CommandInput {
  /** The patient. */
  readonly patientId: string;
  /** The encounter. */
  readonly encounterId: string;
  /** When it ended. @defaultValue now */
  readonly end?: string | Date;
  /** `'cancelled'` or `'entered-in-error'` for a consultation that did not happen. @defaultValue `'finished'` */
  readonly status?: Extract<EncounterStatus, 'finished' | 'cancelled' | 'entered-in-error'>;
  /** A closing note. @defaultValue none */
  readonly note?: string;
}

/**
 * Ends a consultation: an `encounter.finished` event setting the status and the end.
 *
 * @throws ChartlogError `INVALID_COMMAND` when the encounter is not in `state`, has already ended, or ends before it started.
 * @example finishEncounter(state, { patientId, encounterId, author })
 */
export function finishEncounter(
  state: StreamState | undefined,
  input: FinishEncounterInput,
  options: ClinicalCommandOptions = {},
): EventDraft {
  const b = startCommand('encounter.finished', state, input, options);
  b.patient(input.patientId);
  const key = `Encounter/${input.encounterId}`;
  const encounter = b.existing(key, ['encounterId']);
  const status = valueOf<EncounterStatus>(encounter, 'status');
  if (status === 'finished' || status === 'cancelled' || status === 'entered-in-error')
    b.problem(['encounterId'], `${key} is already ${status}`);
  const end = b.instant(input.end, 'end');
  const period = valueOf<Period>(encounter, 'period');
  const start = period?.start;
  if (end !== undefined && start !== undefined && Date.parse(end) < Date.parse(start))
    b.problem(['end'], `ends (${end}) before it started (${start})`);
  b.set(key, 'status', input.status ?? 'finished', {
    check: oneOf(['finished', 'cancelled', 'entered-in-error']),
  });
  // period is one element: the end goes beside the start the author sees.
  b.set(key, 'period', end, { path: ['end'], as: (e): Period => ({ ...period, end: e }) });
  b.note(key, input.note);
  return b.draft();
}
