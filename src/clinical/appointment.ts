import type { StreamState } from '../chart/streamState.js';
import type { EventTypeDefinition, ResourceDefinition } from '../merge/schema.js';
import { codeableConcept, nonEmptyString, oneOf, reference } from './fhirChecks.js';
import type { CodeableConcept } from './fhirTypes.js';
import { conflictsOf, idOf, resourcesOfType, valueOf, type ReadResource } from './readState.js';

/** FHIR `Appointment.status` codes (appointmentstatus). */
export const APPOINTMENT_STATUSES = ['proposed', 'pending', 'booked', 'arrived', 'fulfilled', 'cancelled', 'noshow', 'entered-in-error', 'checked-in', 'waitlist'] as const;
/** An appointment's status. */
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

/**
 * FHIR `Appointment`, key `Appointment/<id>` in the clinic's `schedule/<clinic>` stream.
 * `patient` (R4 puts the patient in `participant.actor`) and `slot` are `once`: an
 * appointment is for one patient in one slot, and moving it is a new appointment
 * (see `rebookAppointment`). `status` is `mv` (a cancelled appointment must not quietly
 * come back); `description` and `cancelationReason` are `lww` free text.
 */
export const appointmentResource: ResourceDefinition = {
  doc: 'FHIR Appointment: a patient booked into a slot.',
  fields: {
    patient: { rule: 'once', check: reference('Patient'), doc: 'the patient (Patient/<id>)' },
    slot: { rule: 'once', check: reference('Slot'), doc: 'the slot (Slot/<id>)' },
    status: { rule: 'mv', check: oneOf(APPOINTMENT_STATUSES) },
    description: { rule: 'lww', check: nonEmptyString, doc: 'what it is for, as shown in the book' },
    cancelationReason: { rule: 'lww', check: codeableConcept, doc: 'why it was cancelled (FHIR spelling)' },
  },
};

/** Event types that write `Appointment` (and the slots it holds). */
export const appointmentEvents: Readonly<Record<string, EventTypeDefinition>> = {
  'appointment.booked': { v: 1, resources: ['Appointment', 'Slot'], doc: 'A patient booked into a free slot.' },
  'appointment.cancelled': { v: 1, resources: ['Appointment', 'Slot'], doc: 'A booking cancelled; its slot released.' },
  'appointment.rebooked': { v: 1, resources: ['Appointment', 'Slot'], doc: 'A booking moved to another slot (e.g. to resolve a double booking): the old one cancelled, a new one booked.' },
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
    patientId: idOf(valueOf(r, 'patient')),
    slotId: idOf(valueOf(r, 'slot')),
    status: valueOf(r, 'status'),
    description: valueOf(r, 'description'),
    cancelationReason: valueOf(r, 'cancelationReason'),
  }));
}
