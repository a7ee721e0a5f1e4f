import { describe, expect, it } from 'vitest';
import { history, listConflicts } from '../../src/index.js';
import {
  bookAppointment,
  cancelAppointment,
  openSlot,
  readAppointments,
  readSlots,
  rebookAppointment,
  scheduleStream,
} from '../../src/clinical/index.js';
import { ANN, BOB, refusal, site, sync, type Site } from './fixtures.js';

const CLINIC = 'leeds-road';
const BOOK = scheduleStream(CLINIC);

/** A clinic book with two ten-minute slots, known to both sites. */
function twoSitesWithSlots(): { a: Site; b: Site } {
  const a = site('practice-a');
  const b = site('practice-b');
  a.record(
    openSlot(a.schedule(CLINIC), {
      clinic: CLINIC,
      slotId: 'mon-0900',
      start: '2026-07-20T09:00:00Z',
      end: '2026-07-20T09:10:00Z',
      author: a.author,
    }),
  );
  a.record(
    openSlot(a.schedule(CLINIC), {
      clinic: CLINIC,
      slotId: 'mon-0910',
      start: '2026-07-20T10:10:00+01:00',
      end: new Date('2026-07-20T09:20:00Z'),
      author: a.author,
    }),
  );
  sync(a, b);
  return { a, b };
}

describe('appointment book (schedule/<clinic>)', () => {
  it('opening a slot stores start and end as UTC instants, free, in the clinic’s book', () => {
    const { b } = twoSitesWithSlots();
    expect(readSlots(b.schedule(CLINIC))).toEqual([
      {
        id: 'mon-0900',
        conflicts: [],
        clinic: CLINIC,
        start: '2026-07-20T09:00:00.000Z',
        end: '2026-07-20T09:10:00.000Z',
        status: 'free',
        appointmentId: undefined,
        holders: [],
        doubleBooked: false,
      },
      {
        id: 'mon-0910',
        conflicts: [],
        clinic: CLINIC,
        start: '2026-07-20T09:10:00.000Z',
        end: '2026-07-20T09:20:00.000Z',
        status: 'free',
        appointmentId: undefined,
        holders: [],
        doubleBooked: false,
      },
    ]);
  });

  it('a slot that ends before it starts is refused, naming `end`', () => {
    const a = site('practice-a');
    const err = refusal(() =>
      openSlot(undefined, {
        clinic: CLINIC,
        start: '2026-07-20T09:10:00Z',
        end: '2026-07-20T09:00:00Z',
        author: a.author,
      }),
    );
    expect(err).toMatchObject({ code: 'INVALID_COMMAND', issues: [{ path: ['end'] }] });
  });

  it('booking makes the appointment the slot’s holder; the slot shows busy', () => {
    const { a } = twoSitesWithSlots();
    a.record(
      bookAppointment(a.schedule(CLINIC), {
        clinic: CLINIC,
        slotId: 'mon-0900',
        patientId: ANN.id,
        appointmentId: 'appt-ann',
        description: 'asthma review',
        author: a.author,
      }),
    );
    expect(readSlots(a.schedule(CLINIC))[0]).toMatchObject({
      status: 'busy',
      appointmentId: 'appt-ann',
      holders: ['appt-ann'],
      doubleBooked: false,
    });
    expect(readAppointments(a.schedule(CLINIC))).toEqual([
      {
        id: 'appt-ann',
        conflicts: [],
        patientId: ANN.id,
        slotId: 'mon-0900',
        status: 'booked',
        description: 'asthma review',
        cancelationReason: undefined,
      },
    ]);
  });

  it('a slot the author already sees booked cannot be booked again', () => {
    const { a } = twoSitesWithSlots();
    a.record(
      bookAppointment(a.schedule(CLINIC), {
        clinic: CLINIC,
        slotId: 'mon-0900',
        patientId: ANN.id,
        appointmentId: 'appt-ann',
        author: a.author,
      }),
    );
    const err = refusal(() =>
      bookAppointment(a.schedule(CLINIC), {
        clinic: CLINIC,
        slotId: 'mon-0900',
        patientId: BOB.id,
        author: a.author,
      }),
    );
    expect(err).toMatchObject({
      code: 'INVALID_COMMAND',
      issues: [{ path: ['slotId'], message: expect.stringContaining('already booked') }],
    });
  });

  it('two sites booking one slot during an outage: both bookings kept, a deterministic provisional holder, and one conflict to rebook', () => {
    const { a, b } = twoSitesWithSlots();
    a.tick(1_000);
    b.tick(2_000);
    a.record(
      bookAppointment(a.schedule(CLINIC), {
        clinic: CLINIC,
        slotId: 'mon-0900',
        patientId: ANN.id,
        appointmentId: 'appt-ann',
        author: a.author,
      }),
    );
    b.record(
      bookAppointment(b.schedule(CLINIC), {
        clinic: CLINIC,
        slotId: 'mon-0900',
        patientId: BOB.id,
        appointmentId: 'appt-bob',
        author: b.author,
      }),
    );
    sync(a, b);

    for (const s of [a, b]) {
      expect(readSlots(s.schedule(CLINIC))[0]).toMatchObject({
        id: 'mon-0900',
        status: 'busy',
        appointmentId: 'appt-bob',
        holders: ['appt-ann', 'appt-bob'],
        doubleBooked: true,
        conflicts: ['holder'],
      });
      expect(readAppointments(s.schedule(CLINIC)).map((x) => [x.id, x.status])).toEqual([
        ['appt-ann', 'booked'],
        ['appt-bob', 'booked'],
      ]);
      const conflicts = listConflicts(s.chart);
      expect(conflicts).toHaveLength(1);
      expect(conflicts[0]).toMatchObject({
        stream: BOOK,
        resource: 'Slot/mon-0900',
        field: 'holder',
        rule: 'mv',
        provisional: { reference: 'Appointment/appt-bob' },
        writes: [
          { value: { reference: 'Appointment/appt-ann' }, site: 'practice-a', author: a.author },
          { value: { reference: 'Appointment/appt-bob' }, site: 'practice-b', author: b.author },
        ],
      });
    }
    expect(a.chart.hash()).toBe(b.chart.hash());
  });

  it('rebooking one of a double booking resolves the conflict on every site; the other keeps the slot', () => {
    const { a, b } = twoSitesWithSlots();
    b.tick(1_000);
    a.record(
      bookAppointment(a.schedule(CLINIC), {
        clinic: CLINIC,
        slotId: 'mon-0900',
        patientId: ANN.id,
        appointmentId: 'appt-ann',
        author: a.author,
      }),
    );
    b.record(
      bookAppointment(b.schedule(CLINIC), {
        clinic: CLINIC,
        slotId: 'mon-0900',
        patientId: BOB.id,
        appointmentId: 'appt-bob',
        description: 'BP check',
        author: b.author,
      }),
    );
    sync(a, b);

    b.record(
      rebookAppointment(b.schedule(CLINIC), {
        clinic: CLINIC,
        appointmentId: 'appt-bob',
        toSlotId: 'mon-0910',
        newAppointmentId: 'appt-bob-2',
        reason: 'double booked during outage',
        author: b.author,
      }),
    );
    sync(a, b);

    for (const s of [a, b]) {
      expect(listConflicts(s.chart)).toEqual([]);
      const [s1, s2] = readSlots(s.schedule(CLINIC));
      expect(s1).toMatchObject({
        appointmentId: 'appt-ann',
        holders: ['appt-ann'],
        doubleBooked: false,
        conflicts: [],
      });
      expect(s2).toMatchObject({ appointmentId: 'appt-bob-2', holders: ['appt-bob-2'], status: 'busy' });
      expect(readAppointments(s.schedule(CLINIC))).toEqual([
        {
          id: 'appt-ann',
          conflicts: [],
          patientId: ANN.id,
          slotId: 'mon-0900',
          status: 'booked',
          description: undefined,
          cancelationReason: undefined,
        },
        {
          id: 'appt-bob',
          conflicts: [],
          patientId: BOB.id,
          slotId: 'mon-0900',
          status: 'cancelled',
          description: 'BP check',
          cancelationReason: { text: 'double booked during outage' },
        },
        {
          id: 'appt-bob-2',
          conflicts: [],
          patientId: BOB.id,
          slotId: 'mon-0910',
          status: 'booked',
          description: 'BP check',
          cancelationReason: undefined,
        },
      ]);
    }
    expect(a.chart.hash()).toBe(b.chart.hash());
    // The audit trail keeps both bookings and the resolution.
    expect(history(a.chart, BOOK, 'Slot/mon-0900', 'holder').map((h) => [h.type, h.value, h.status])).toEqual(
      [
        ['appointment.booked', { reference: 'Appointment/appt-ann' }, 'superseded'],
        ['appointment.booked', { reference: 'Appointment/appt-bob' }, 'superseded'],
        ['appointment.rebooked', { reference: 'Appointment/appt-ann' }, 'current'],
      ],
    );
  });

  it('cancelling releases the slot, which can then be booked again', () => {
    const { a } = twoSitesWithSlots();
    a.record(
      bookAppointment(a.schedule(CLINIC), {
        clinic: CLINIC,
        slotId: 'mon-0900',
        patientId: ANN.id,
        appointmentId: 'appt-ann',
        author: a.author,
      }),
    );
    a.record(
      cancelAppointment(a.schedule(CLINIC), {
        clinic: CLINIC,
        appointmentId: 'appt-ann',
        reason: 'patient called to cancel',
        author: a.author,
      }),
    );
    expect(readSlots(a.schedule(CLINIC))[0]).toMatchObject({
      status: 'free',
      appointmentId: undefined,
      holders: [],
    });
    expect(readAppointments(a.schedule(CLINIC))[0]).toMatchObject({
      status: 'cancelled',
      cancelationReason: { text: 'patient called to cancel' },
    });
    a.record(
      bookAppointment(a.schedule(CLINIC), {
        clinic: CLINIC,
        slotId: 'mon-0900',
        patientId: BOB.id,
        appointmentId: 'appt-bob',
        author: a.author,
      }),
    );
    expect(readSlots(a.schedule(CLINIC))[0]).toMatchObject({ appointmentId: 'appt-bob' });
    expect(
      refusal(() =>
        cancelAppointment(a.schedule(CLINIC), {
          clinic: CLINIC,
          appointmentId: 'appt-ann',
          author: a.author,
        }),
      ),
    ).toMatchObject({ code: 'INVALID_COMMAND', issues: [{ path: ['appointmentId'] }] });
  });

  it('cancelling one of a double booking leaves the slot to the other and resolves the conflict', () => {
    const { a, b } = twoSitesWithSlots();
    a.record(
      bookAppointment(a.schedule(CLINIC), {
        clinic: CLINIC,
        slotId: 'mon-0900',
        patientId: ANN.id,
        appointmentId: 'appt-ann',
        author: a.author,
      }),
    );
    b.record(
      bookAppointment(b.schedule(CLINIC), {
        clinic: CLINIC,
        slotId: 'mon-0900',
        patientId: BOB.id,
        appointmentId: 'appt-bob',
        author: b.author,
      }),
    );
    sync(a, b);
    a.record(
      cancelAppointment(a.schedule(CLINIC), {
        clinic: CLINIC,
        appointmentId: 'appt-bob',
        reason: 'patient no longer needs it',
        author: a.author,
      }),
    );
    sync(a, b);
    expect(listConflicts(b.chart)).toEqual([]);
    expect(readSlots(b.schedule(CLINIC))[0]).toMatchObject({
      appointmentId: 'appt-ann',
      holders: ['appt-ann'],
    });
  });

  it('booking into a slot that does not exist names the slot', () => {
    const a = site('practice-a');
    expect(
      refusal(() =>
        bookAppointment(undefined, { clinic: CLINIC, slotId: 'nope', patientId: ANN.id, author: a.author }),
      ),
    ).toMatchObject({
      code: 'INVALID_COMMAND',
      issues: [{ path: ['slotId'], message: 'there is no Slot/nope in this record' }],
    });
  });
});
