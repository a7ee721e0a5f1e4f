import type { ResourceState, StreamState } from '../chart/streamState.js';
import type { EventTypeDefinition } from '../merge/schema.js';
import { mv } from '../merge/mv.js';
import type { RegisterState } from '../merge/registerState.js';
import { defineView, readView, type ViewOf } from './clinicalView.js';
import { idOf, valueOf } from './readState.js';

/** FHIR `Slot.status` codes (slotstatus). */
export const SLOT_STATUSES = [
  'busy',
  'free',
  'busy-unavailable',
  'busy-tentative',
  'entered-in-error',
] as const;
/** A slot's FHIR status. */
export type SlotStatus = (typeof SLOT_STATUSES)[number];

/**
 * Event types that write only FHIR `Slot`, key `Slot/<slotId>` in a clinic's
 * `schedule/<clinic>` stream. When and where (`schedule`, `start`, `end`) are `once`.
 * `status` (`mv`) is `free` when opened, `busy` while booked, `busy-unavailable` for a
 * slot withdrawn.
 *
 * `holder` (the pack's `slot-holder` extension, an R4 Reference: R4 links Appointment →
 * Slot only) is the appointment holding the slot, `mv`: two sites that book one slot
 * during an outage each write their own appointment, neither having seen the other, so
 * the slot shows a deterministic provisional holder (the later booking in the total
 * order) and a conflict listing both bookings for reception to rebook one. Nothing is
 * silently lost. Both bookings write `busy`, which agrees: a double booking is exactly
 * one conflict.
 */
export const slotEvents = {
  'slot.opened': { v: 2, resources: ['Slot'], doc: 'A bookable slot published in a clinic’s book.' },
} as const satisfies Readonly<Record<string, EventTypeDefinition>>;

/** Ids of the appointments a slot's `holder` field currently holds, in total order. */
export function slotHolders(field: RegisterState | undefined): string[] {
  if (!field) return [];
  const writes = mv.conflict(field) ?? field.live;
  const ids = writes.map((w) => idOf(w.value)).filter((id): id is string => id !== undefined);
  return [...new Set(ids)];
}

/** The appointments holding a slot resource (see {@link slotHolders}). */
function holdersOf(slot: ResourceState): string[] {
  return slotHolders(slot.fields['holder'] as RegisterState | undefined);
}

/** How the pack shows a `Slot` as plain values, with its booking state. */
export const slotView = defineView('Slot', (c) => ({
  /** The clinic. */
  clinic: c.referenceId('schedule'),
  /** Start (UTC instant). */
  start: c.field<string>('start'),
  /** End (UTC instant). */
  end: c.field<string>('end'),
  /** FHIR status: `busy` while held, else the published availability. */
  status: (r): SlotStatus | undefined =>
    holdersOf(r).length > 0 ? 'busy' : valueOf<SlotStatus>(r, 'status'),
  /** The appointment holding it (provisional when double-booked), or undefined when free. */
  appointmentId: c.referenceId('holder'),
  /** Every appointment holding it: more than one means a double booking to rebook. */
  holders: (r): readonly string[] => holdersOf(r),
  /** True when two or more bookings hold it. */
  doubleBooked: (r): boolean => holdersOf(r).length > 1,
}));

/** A slot as plain values, with its booking state ({@link slotView}). */
export type SlotView = ViewOf<typeof slotView>;

/**
 * Every slot of a clinic's book, ordered by id, with its holder and double bookings: `readClinical(state, 'Slot')`.
 * @example readSlots(chart.state(scheduleStream('leeds-road'))).filter((s) => s.doubleBooked)
 */
export function readSlots(state: StreamState | undefined): SlotView[] {
  return readView(slotView, state);
}
