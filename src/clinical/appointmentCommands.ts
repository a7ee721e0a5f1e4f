import type { ResourceState, StreamState } from '../chart/streamState.js';
import type { EventDraft } from '../event/eventWriter.js';
import type { Json } from '../event/json.js';
import type { RegisterState } from '../merge/registerState.js';
import type { AppointmentStatus } from './appointment.js';
import {
  startCommand,
  type ClinicalCommandOptions,
  type CommandBuilder,
  type CommandInput,
} from './command.js';
import type { CodeableConcept } from './fhirTypes.js';
import { codeableConcept, fhirId, nonEmptyString } from './inputChecks.js';
import { referenceOf, referenceTo, valueOf } from './readState.js';
import { slotHolders, type SlotStatus } from './slot.js';

/** Input of {@link openSlot}. */
export interface OpenSlotInput extends CommandInput {
  /** The clinic whose book it goes in. */
  readonly clinic: string;
  /** The new slot's id. @defaultValue a new UUIDv7 */
  readonly slotId?: string;
  /** Start (any ISO date-time with a zone, or a Date; stored as a UTC instant). */
  readonly start: string | Date;
  /** End, after `start`. */
  readonly end: string | Date;
}

/**
 * Publishes a bookable slot in a clinic's book: a `slot.opened` event on `schedule/<clinic>`.
 *
 * @throws ChartlogError `INVALID_COMMAND`, each issue naming the input field.
 * @example
 * ```ts
 * openSlot(state, {
 *   clinic: 'leeds-road',
 *   slotId: 'mon-0900',
 *   start: '2026-07-20T09:00:00Z',
 *   end: '2026-07-20T09:10:00Z',
 *   author,
 * })
 * ```
 */
export function openSlot(
  state: StreamState | undefined,
  input: OpenSlotInput,
  options: ClinicalCommandOptions = {},
): EventDraft {
  const b = startCommand('slot.opened', state, input, options);
  const schedule = b.clinic(input.clinic);
  const key = `Slot/${b.newId(input.slotId, 'slotId')}`;
  if (state?.resources[key]) b.problem(['slotId'], `${key} already exists`);
  for (const required of ['start', 'end'] as const)
    if (input[required] === undefined) b.problem([required], 'is required');
  const start = input.start === undefined ? undefined : b.instant(input.start, 'start');
  const end = input.end === undefined ? undefined : b.instant(input.end, 'end');
  if (start !== undefined && end !== undefined && end <= start) b.problem(['end'], 'must be after start');
  b.set(key, 'schedule', schedule, { path: ['clinic'], as: referenceTo });
  b.set(key, 'start', start);
  b.set(key, 'end', end);
  b.set(key, 'status', 'free');
  return b.draft();
}

/** Input of {@link bookAppointment}. */
export interface BookAppointmentInput extends CommandInput {
  /** The clinic. */
  readonly clinic: string;
  /** A free slot in its book. */
  readonly slotId: string;
  /** The patient. */
  readonly patientId: string;
  /** The new appointment's id. @defaultValue a new UUIDv7 */
  readonly appointmentId?: string;
  /** What it is for. @defaultValue not recorded */
  readonly description?: string;
}

/**
 * Books a patient into a slot the author sees free: an `appointment.booked` event
 * creating `Appointment/<id>` and making it the slot's holder. If another site booked
 * the same slot while cut off, the merged book shows both holders (one provisional)
 * and a conflict; {@link rebookAppointment} resolves it.
 *
 * @throws ChartlogError `INVALID_COMMAND` when the slot is unknown, withdrawn or already booked in `state`.
 * @example bookAppointment(state, { clinic: 'leeds-road', slotId: 'mon-0900', patientId, author })
 */
export function bookAppointment(
  state: StreamState | undefined,
  input: BookAppointmentInput,
  options: ClinicalCommandOptions = {},
): EventDraft {
  const b = startCommand('appointment.booked', state, input, options);
  b.clinic(input.clinic);
  const key = `Appointment/${b.newId(input.appointmentId, 'appointmentId')}`;
  if (state?.resources[key]) b.problem(['appointmentId'], `${key} already exists`);
  const slotKey = `Slot/${input.slotId}`;
  const slot = requireFreeSlot(b, b.existing(slotKey, ['slotId']), 'slotId');
  if (input.patientId === undefined) b.problem(['patientId'], 'is required');
  b.set(key, 'participant', input.patientId, {
    path: ['patientId'],
    check: fhirId,
    as: (id) => ({ add: [patientParticipant(referenceTo(`Patient/${id}`))] }),
  });
  bookInto(b, key, slotKey, slot, 'slotId');
  b.set(key, 'description', input.description, { check: nonEmptyString });
  return b.draft();
}

/** Input of {@link cancelAppointment}. */
export interface CancelAppointmentInput extends CommandInput {
  /** The clinic. */
  readonly clinic: string;
  /** The appointment. */
  readonly appointmentId: string;
  /** Why (text or coded). @defaultValue not recorded */
  readonly reason?: string | CodeableConcept;
}

/**
 * Cancels a booking: an `appointment.cancelled` event. The slot is released, or, if
 * it was double-booked with one other appointment, left to that one (resolving the
 * conflict).
 *
 * @throws ChartlogError `INVALID_COMMAND` when the appointment is not in `state` or already cancelled.
 * @example cancelAppointment(state, { clinic: 'leeds-road', appointmentId, reason: 'patient called to cancel', author })
 */
export function cancelAppointment(
  state: StreamState | undefined,
  input: CancelAppointmentInput,
  options: ClinicalCommandOptions = {},
): EventDraft {
  const b = startCommand('appointment.cancelled', state, input, options);
  b.clinic(input.clinic);
  const key = `Appointment/${input.appointmentId}`;
  const appointment = requireBooked(b, b.existing(key, ['appointmentId']));
  b.set(key, 'status', 'cancelled');
  b.set(key, 'cancelationReason', typeof input.reason === 'string' ? { text: input.reason } : input.reason, {
    path: ['reason'],
    check: codeableConcept,
  });
  releaseSlot(b, state, slotOf(appointment), key);
  return b.draft();
}

/** Input of {@link rebookAppointment}. */
export interface RebookAppointmentInput extends CommandInput {
  /** The clinic. */
  readonly clinic: string;
  /** The appointment to move. */
  readonly appointmentId: string;
  /** A free slot in the same book. */
  readonly toSlotId: string;
  /** Id of the appointment it becomes. @defaultValue a new UUIDv7 */
  readonly newAppointmentId?: string;
  /** Why (recorded as the old appointment's cancelation reason). @defaultValue `'rebooked'` */
  readonly reason?: string;
}

/**
 * Moves a booking to another slot in one `appointment.rebooked` event: the old
 * appointment is cancelled, a new one books the same patient into `toSlotId`, and the
 * old slot is released or, when it was double-booked, left to the other booking.
 * Rebooking one of two appointments in a double-booked slot resolves the conflict on
 * every replica.
 *
 * @throws ChartlogError `INVALID_COMMAND` when the appointment or the slot is unknown, or the slot is not free.
 * @example rebookAppointment(state, { clinic: 'leeds-road', appointmentId: clash.holders[1], toSlotId: 'mon-0910', author })
 */
export function rebookAppointment(
  state: StreamState | undefined,
  input: RebookAppointmentInput,
  options: ClinicalCommandOptions = {},
): EventDraft {
  const b = startCommand('appointment.rebooked', state, input, options);
  b.clinic(input.clinic);
  const oldKey = `Appointment/${input.appointmentId}`;
  const old = requireBooked(b, b.existing(oldKey, ['appointmentId']));
  const newKey = `Appointment/${b.newId(input.newAppointmentId, 'newAppointmentId')}`;
  if (state?.resources[newKey]) b.problem(['newAppointmentId'], `${newKey} already exists`);
  const slotKey = `Slot/${input.toSlotId}`;
  const oldSlot = slotOf(old);
  if (oldSlot === slotKey) b.problem(['toSlotId'], 'is the slot it already has');
  const slot = requireFreeSlot(b, b.existing(slotKey, ['toSlotId']), 'toSlotId');
  b.set(oldKey, 'status', 'cancelled');
  b.set(oldKey, 'cancelationReason', input.reason ?? 'rebooked', {
    path: ['reason'],
    check: nonEmptyString,
    as: (text) => ({ text }),
  });
  releaseSlot(b, state, oldSlot, oldKey);
  // The same people, in the new slot.
  const participants = valueOf<readonly Json[]>(old, 'participant') ?? [];
  b.set(newKey, 'participant', participants.length > 0 ? { add: participants } : undefined, {
    path: ['appointmentId'],
  });
  bookInto(b, newKey, slotKey, slot, 'toSlotId');
  b.set(newKey, 'description', valueOf(old, 'description'));
  return b.draft();
}

function requireFreeSlot(
  b: CommandBuilder,
  slot: ResourceState | undefined,
  path: string,
): ResourceState | undefined {
  if (!slot) return undefined;
  const holders = slotHolders(slot.fields['holder'] as RegisterState | undefined);
  const status = valueOf<SlotStatus>(slot, 'status');
  if (holders.length > 0)
    b.problem([path], `Slot/${slot.id} is already booked (Appointment/${holders.join(', Appointment/')})`);
  else if (status !== 'free') b.problem([path], `Slot/${slot.id} is ${status ?? 'not open'}`);
  return slot;
}

/**
 * Books appointment `key` into a free slot: the appointment is `booked` for the slot and
 * its times (R4 wants a booked appointment's start and end), the slot `busy` and held
 * by it.
 */
function bookInto(
  b: CommandBuilder,
  key: string,
  slotKey: string,
  slot: ResourceState | undefined,
  path: string,
): void {
  b.set(key, 'slot', slotKey, { path: [path], as: (k) => [referenceTo(k)] });
  b.set(key, 'status', 'booked');
  b.set(key, 'start', valueOf<string>(slot, 'start'), { path: [path] });
  b.set(key, 'end', valueOf<string>(slot, 'end'), { path: [path] });
  b.set(slotKey, 'status', 'busy', { path: [path] });
  b.set(slotKey, 'holder', key, { path: [path], as: referenceTo });
}

/** The key of the slot an appointment is for. */
function slotOf(appointment: ResourceState | undefined): string | undefined {
  return referenceOf(valueOf<readonly unknown[]>(appointment, 'slot')?.[0]);
}

/** The patient as an appointment's participant: R4 wants each participant's status; a booked patient has `accepted`. */
function patientParticipant(actor: unknown): Json {
  return { actor, status: 'accepted' } as Json;
}

function requireBooked(b: CommandBuilder, appointment: ResourceState | undefined): ResourceState | undefined {
  const status = valueOf<AppointmentStatus>(appointment, 'status');
  if (
    status === 'cancelled' ||
    status === 'entered-in-error' ||
    status === 'fulfilled' ||
    status === 'noshow'
  )
    b.problem(['appointmentId'], `Appointment/${appointment?.id} is ${status}`);
  return appointment;
}

/**
 * Lets go of `slotKey` for the appointment `key`: to null when it was the only holder,
 * to the other holder when the slot was double-booked with exactly one other (the
 * write's pred names both bookings, so it resolves the conflict). With two or more
 * other holders it writes nothing: choosing among them is a rebook of those.
 */
function releaseSlot(
  b: CommandBuilder,
  state: StreamState | undefined,
  slotKey: string | undefined,
  key: string,
): void {
  if (slotKey === undefined) return;
  const holder = state?.resources[slotKey]?.fields['holder'] as RegisterState | undefined;
  const holders = slotHolders(holder).map((id) => `Appointment/${id}`);
  if (!holders.includes(key)) return;
  const others = holders.filter((h) => h !== key);
  if (others.length > 1) return;
  b.set(slotKey, 'holder', others[0] ?? null, {
    path: ['appointmentId'],
    as: (h) => (h === null ? null : referenceTo(h)),
  });
  // Releasing a double booking is the resolution itself: name both bookings explicitly.
  b.supersede(slotKey, 'holder', holder?.live.map((w) => w.id) ?? []);
  if (others.length === 0) b.set(slotKey, 'status', 'free', { path: ['appointmentId'] });
}
