import { describe, expect, it } from 'vitest';
import { history, listConflicts } from '../../src/index.js';
import {
  changeDose,
  patientStream,
  prescribe,
  readMedications,
  stopMedication,
} from '../../src/clinical/index.js';
import { ANN, ORAL, RAMIPRIL, refusal, site, sync } from './fixtures.js';

const STREAM = patientStream(ANN.id);
const RX = 'MedicationRequest/rx1';
const dose = (text: string, mg: number) => ({
  text,
  doseAndRate: [{ doseQuantity: { value: mg, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } }],
});

function prescribedAtTwoPractices() {
  const a = site('practice-a');
  const b = site('practice-b');
  a.record(
    prescribe(
      undefined,
      {
        patientId: ANN.id,
        medicationRequestId: 'rx1',
        medication: RAMIPRIL,
        dosage: dose('2.5 mg once daily', 2.5),
        route: ORAL,
        author: a.author,
      },
      a.opts,
    ),
  );
  sync(a, b);
  b.tick(1_000);
  return { a, b };
}

describe('MedicationRequest', () => {
  it('prescribing records an active order with the drug, dose, route and date', () => {
    const { a } = prescribedAtTwoPractices();
    expect(readMedications(a.patient(ANN.id))).toEqual([
      {
        id: 'rx1',
        conflicts: [],
        patientId: ANN.id,
        medication: RAMIPRIL,
        dosageInstruction: [dose('2.5 mg once daily', 2.5)],
        route: ORAL,
        status: 'active',
        statusReason: undefined,
        intent: 'order',
        authoredOn: '2026-07-19T06:00:00.000Z',
        notes: [],
      },
    ]);
  });

  it('a dose without readable text is refused, naming `dosage`', () => {
    const a = site('practice-a');
    const err = refusal(() =>
      prescribe(undefined, {
        patientId: ANN.id,
        medication: RAMIPRIL,
        dosage: { doseAndRate: [{ doseQuantity: { value: 5 } }] } as never,
        author: a.author,
      }),
    );
    expect(err).toMatchObject({
      code: 'INVALID_COMMAND',
      issues: [{ path: ['dosage'], message: expect.stringContaining('text') }],
    });
  });

  it('changing the dose supersedes exactly the dose the prescriber saw', () => {
    const { a } = prescribedAtTwoPractices();
    a.record(
      changeDose(a.patient(ANN.id), {
        patientId: ANN.id,
        medicationRequestId: 'rx1',
        dosage: dose('5 mg once daily', 5),
        note: 'BP above target',
        author: a.author,
      }),
    );
    const [rx] = readMedications(a.patient(ANN.id));
    expect(rx).toMatchObject({ dosageInstruction: [dose('5 mg once daily', 5)], conflicts: [] });
    expect(rx?.notes.map((n) => n.text)).toEqual(['BP above target']);
    expect(history(a.chart, STREAM, RX, 'dosageInstruction').map((h) => [h.type, h.status])).toEqual([
      ['medication.prescribed', 'superseded'],
      ['medication.dose-changed', 'current'],
    ]);
  });

  it('two practices changing the same dose offline show a conflict listing both doses and both prescribers', () => {
    const { a, b } = prescribedAtTwoPractices();
    a.record(
      changeDose(a.patient(ANN.id), {
        patientId: ANN.id,
        medicationRequestId: 'rx1',
        dosage: dose('5 mg once daily', 5),
        author: a.author,
      }),
    );
    b.record(
      changeDose(b.patient(ANN.id), {
        patientId: ANN.id,
        medicationRequestId: 'rx1',
        dosage: dose('1.25 mg once daily', 1.25),
        author: b.author,
      }),
    );
    sync(a, b);
    const [conflict] = listConflicts(a.chart);
    expect(conflict).toMatchObject({
      stream: STREAM,
      resource: RX,
      field: 'dosageInstruction',
      rule: 'mv',
      provisional: [dose('1.25 mg once daily', 1.25)],
    });
    // The route is part of the dose (R4 Dosage.route): the prescribed one, kept by each change.
    expect(conflict?.writes.map((w) => [w.value, w.author.id, w.site])).toEqual([
      [[{ ...dose('5 mg once daily', 5), route: ORAL }], 'dr-practice-a', 'practice-a'],
      [[{ ...dose('1.25 mg once daily', 1.25), route: ORAL }], 'dr-practice-b', 'practice-b'],
    ]);
    expect(readMedications(b.patient(ANN.id))[0]?.conflicts).toEqual(['dosageInstruction']);
    expect(a.chart.hash()).toBe(b.chart.hash());
  });

  it('a dose changed after seeing both conflicting doses resolves the conflict', () => {
    const { a, b } = prescribedAtTwoPractices();
    a.record(
      changeDose(a.patient(ANN.id), {
        patientId: ANN.id,
        medicationRequestId: 'rx1',
        dosage: dose('5 mg once daily', 5),
        author: a.author,
      }),
    );
    b.record(
      changeDose(b.patient(ANN.id), {
        patientId: ANN.id,
        medicationRequestId: 'rx1',
        dosage: dose('1.25 mg once daily', 1.25),
        author: b.author,
      }),
    );
    sync(a, b);
    const resolve = {
      patientId: ANN.id,
      medicationRequestId: 'rx1',
      dosage: dose('2.5 mg once daily', 2.5),
      note: 'agreed with practice B',
      author: a.author,
    };
    // An ordinary edit may not settle a conflict by accident…
    expect(refusal(() => changeDose(a.patient(ANN.id), resolve))).toMatchObject({
      code: 'INVALID_COMMAND',
      issues: [{ message: expect.stringContaining('open conflict') }],
    });
    // …only one made after the clinician was shown both doses.
    a.record(changeDose(a.patient(ANN.id), resolve, { resolveConflicts: true }));
    sync(a, b);
    expect(listConflicts(b.chart)).toEqual([]);
    expect(readMedications(b.patient(ANN.id))[0]?.dosageInstruction).toEqual([
      dose('2.5 mg once daily', 2.5),
    ]);
  });

  it('stopping a medication records the status and the reason; its dose can no longer be changed', () => {
    const { a } = prescribedAtTwoPractices();
    a.record(
      stopMedication(a.patient(ANN.id), {
        patientId: ANN.id,
        medicationRequestId: 'rx1',
        reason: 'dry cough (ACE inhibitor)',
        author: a.author,
      }),
    );
    expect(readMedications(a.patient(ANN.id))[0]).toMatchObject({
      status: 'stopped',
      statusReason: { text: 'dry cough (ACE inhibitor)' },
    });
    expect(
      refusal(() =>
        changeDose(a.patient(ANN.id), {
          patientId: ANN.id,
          medicationRequestId: 'rx1',
          dosage: dose('5 mg', 5),
          author: a.author,
        }),
      ),
    ).toMatchObject({
      code: 'INVALID_COMMAND',
      issues: [{ path: ['medicationRequestId'], message: expect.stringContaining('stopped') }],
    });
    expect(
      refusal(() =>
        stopMedication(a.patient(ANN.id), {
          patientId: ANN.id,
          medicationRequestId: 'rx1',
          author: a.author,
        }),
      ),
    ).toMatchObject({ issues: [{ message: expect.stringContaining('already stopped') }] });
  });

  it('a stop at one practice and a dose change at another during an outage both survive the merge', () => {
    const { a, b } = prescribedAtTwoPractices();
    a.record(
      stopMedication(a.patient(ANN.id), {
        patientId: ANN.id,
        medicationRequestId: 'rx1',
        reason: 'hyperkalaemia',
        author: a.author,
      }),
    );
    b.record(
      changeDose(b.patient(ANN.id), {
        patientId: ANN.id,
        medicationRequestId: 'rx1',
        dosage: dose('5 mg once daily', 5),
        author: b.author,
      }),
    );
    sync(a, b);
    expect(readMedications(b.patient(ANN.id))[0]).toMatchObject({
      status: 'stopped',
      dosageInstruction: [dose('5 mg once daily', 5)],
    });
  });

  it('changing the dose of a prescription that is not on the record is refused', () => {
    const a = site('practice-a');
    expect(
      refusal(() =>
        changeDose(undefined, {
          patientId: ANN.id,
          medicationRequestId: 'rx9',
          dosage: dose('5 mg', 5),
          author: a.author,
        }),
      ),
    ).toMatchObject({ code: 'INVALID_COMMAND', issues: [{ path: ['medicationRequestId'] }] });
  });
});
