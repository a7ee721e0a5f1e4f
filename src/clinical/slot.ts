import type { StreamState } from '../chart/streamState.js';
import type { EventTypeDefinition } from '../merge/schema.js';
import { mv } from '../merge/mv.js';
import type { RegisterState } from '../merge/registerState.js';
import { conflictsOf, idOf, resourcesOfType, valueOf, type ReadResource } from './readState.js';

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
export const slotEvents: Readonly<Record<string, EventTypeDefinition>> = {
  'slot.opened': { v: 2, resources: ['Slot'], doc: 'A bookable slot published in a clinic’s book.' },
};

/** A slot as plain values, with its booking state. */
export interface SlotView extends ReadResource {
  /** The clinic. */
  readonly clinic: string | undefined;
  /** Start (UTC instant). */
  readonly start: string | undefined;
  /** End (UTC instant). */
  readonly end: string | undefined;
  /** FHIR status: `busy` while held, else the published availability. */
  readonly status: SlotStatus | undefined;
  /** The appointment holding it (provisional when double-booked), or undefined when free. */
  readonly appointmentId: string | undefined;
  /** Every appointment holding it: more than one means a double booking to rebook. */
  readonly holders: readonly string[];
  /** True when two or more bookings hold it. */
  readonly doubleBooked: boolean;
}

/** Ids of the appointments a slot's `holder` field currently holds, in total order. */
export function slotHolders(field: RegisterState | undefined): string[] {
  if (!field) return [];
  const writes = mv.conflict(field) ?? field.live;
  const ids = writes.map((w) => idOf(w.value)).filter((id): id is string => id !== undefined);
  return [...new Set(ids)];
}

/**
 * Every slot of a clinic's book, ordered by id, with its holder and double bookings.
 * @example readSlots(chart.state(scheduleStream('leeds-road'))).filter((s) => s.doubleBooked)
 */
export function readSlots(state: StreamState | undefined): SlotView[] {
  if (!state) return [];
  return resourcesOfType(state, 'Slot').map((r) => {
    const holders = slotHolders(r.fields['holder'] as RegisterState | undefined);
    const published = valueOf<SlotStatus>(r, 'status');
    return {
      id: r.id,
      conflicts: conflictsOf(state, r),
      clinic: idOf(valueOf(r, 'schedule')),
      start: valueOf(r, 'start'),
      end: valueOf(r, 'end'),
      status: holders.length > 0 ? 'busy' : published,
      appointmentId: idOf(valueOf(r, 'holder')),
      holders,
      doubleBooked: holders.length > 1,
    };
  });
}
