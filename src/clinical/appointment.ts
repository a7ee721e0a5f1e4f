import type { ResourceState, StreamState } from '../chart/streamState.js';
import type { EventTypeDefinition } from '../merge/schema.js';
import type { CodeableConcept } from './fhirTypes.js';
import { defineView, readView, type ViewOf } from './clinicalView.js';
import { idOf, referenceOf, valueOf } from './readState.js';

/** FHIR `Appointment.status` codes (appointmentstatus). */
export const APPOINTMENT_STATUSES = [
  'proposed',
  'pending',
  'booked',
  'arrived',
  'fulfilled',
  'cancelled',
  'noshow',
  'entered-in-error',
  'checked-in',
  'waitlist',
] as const;
/** An appointment's status. */
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

/**
 * Event types that write FHIR `Appointment` (and the slots it holds), key
 * `Appointment/<id>` in the clinic's `schedule/<clinic>` stream. The patient is a
 * `participant` (actor `Patient/<id>`, `accepted`); `slot` is `once`, and `start` and
 * `end` are the slot's: moving an appointment is a new appointment (see
 * `rebookAppointment`). `status` is `mv` (a cancelled appointment must not quietly come
 * back); `description` and `cancelationReason` are `lww` free text.
 */
export const appointmentEvents = {
  'appointment.booked': {
    v: 2,
    resources: ['Appointment', 'Slot'],
    doc: 'A patient booked into a free slot.',
  },
  'appointment.cancelled': {
    v: 2,
    resources: ['Appointment', 'Slot'],
    doc: 'A booking cancelled; its slot released.',
  },
  'appointment.rebooked': {
    v: 2,
    resources: ['Appointment', 'Slot'],
    doc: 'A booking moved to another slot (e.g. to resolve a double booking): the old one cancelled, a new one booked.',
  },
} as const satisfies Readonly<Record<string, EventTypeDefinition>>;

/** How the pack shows an `Appointment` as plain values. */
export const appointmentView = defineView('Appointment', (c) => ({
  /** The patient's id. */
  patientId: (r): string | undefined => idOf(patientParticipantOf(r)?.actor),
  /** The slot's id. */
  slotId: c.referenceId('slot'),
  /** Status. */
  status: c.field<AppointmentStatus>('status'),
  /** What it is for. */
  description: c.field<string>('description'),
  /** Why cancelled. */
  cancelationReason: c.field<CodeableConcept>('cancelationReason'),
}));

/** An appointment as plain values ({@link appointmentView}). */
export type AppointmentView = ViewOf<typeof appointmentView>;

/**
 * Every appointment in a clinic's book as plain values: `readClinical(state, 'Appointment')`.
 * @example readAppointments(state).filter((a) => a.patientId === pid && a.status === 'booked')
 */
export function readAppointments(state: StreamState | undefined): AppointmentView[] {
  return readView(appointmentView, state);
}

/** An appointment's participant whose actor is a Patient (R4 has no `Appointment.patient`). */
export function patientParticipantOf(
  appointment: ResourceState | undefined,
): { readonly actor: unknown } | undefined {
  const participants = valueOf<readonly { actor?: unknown }[]>(appointment, 'participant') ?? [];
  return participants.find((p) => referenceOf(p.actor)?.startsWith('Patient/') === true) as
    { readonly actor: unknown } | undefined;
}
