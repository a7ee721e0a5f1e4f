import type { StreamState } from '../chart/streamState.js';
import type { ResourceState } from '../chart/streamState.js';
import type { EventTypeDefinition } from '../merge/schema.js';
import type { CodeableConcept } from './fhirTypes.js';
import { conflictsOf, idOf, referenceOf, resourcesOfType, valueOf, type ReadResource } from './readState.js';

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
export const appointmentEvents: Readonly<Record<string, EventTypeDefinition>> = {
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
};

/** An appointment as plain values. */
export interface AppointmentView extends ReadResource {
  /** The patient's id. */
  readonly patientId: string | undefined;
  /** The slot's id. */
  readonly slotId: string | undefined;
  /** Status. */
  readonly status: AppointmentStatus | undefined;
  /** What it is for. */
  readonly description: string | undefined;
  /** Why cancelled. */
  readonly cancelationReason: CodeableConcept | undefined;
}

/**
 * Every appointment in a clinic's book as plain values.
 * @example readAppointments(state).filter((a) => a.patientId === pid && a.status === 'booked')
 */
export function readAppointments(state: StreamState | undefined): AppointmentView[] {
  if (!state) return [];
  return resourcesOfType(state, 'Appointment').map((r) => ({
    id: r.id,
    conflicts: conflictsOf(state, r),
    patientId: idOf(patientParticipantOf(r)?.actor),
    slotId: idOf(valueOf<readonly unknown[]>(r, 'slot')?.[0]),
    status: valueOf(r, 'status'),
    description: valueOf(r, 'description'),
    cancelationReason: valueOf(r, 'cancelationReason'),
  }));
}

/** An appointment's participant whose actor is a Patient (R4 has no `Appointment.patient`). */
export function patientParticipantOf(
  appointment: ResourceState | undefined,
): { readonly actor: unknown } | undefined {
  const participants = valueOf<readonly { actor?: unknown }[]>(appointment, 'participant') ?? [];
  return participants.find((p) => referenceOf(p.actor)?.startsWith('Patient/') === true) as
    { readonly actor: unknown } | undefined;
}
