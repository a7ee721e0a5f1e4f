import { describe, expect, it } from 'vitest';
import { listConflicts } from '../../src/index.js';
import {
  amendObservation,
  readObservations,
  recordObservation,
  VITAL_SIGNS,
} from '../../src/clinical/index.js';
import { ANN, refusal, site, sync } from './fixtures.js';

const POTASSIUM = {
  coding: [
    { system: 'http://loinc.org', code: '2823-3', display: 'Potassium [Moles/volume] in Serum or Plasma' },
  ],
};
const mmol = (value: number) => ({
  valueQuantity: { value, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
});

describe('Observation', () => {
  it('a blood pressure is recorded as a vital-signs panel with systolic and diastolic components', () => {
    const a = site('practice-a');
    const component = [
      { code: VITAL_SIGNS.systolic, valueQuantity: { value: 142, unit: 'mmHg' } },
      { code: VITAL_SIGNS.diastolic, valueQuantity: { value: 88, unit: 'mmHg' } },
    ];
    a.record(
      recordObservation(
        undefined,
        {
          patientId: ANN.id,
          observationId: 'bp1',
          code: VITAL_SIGNS.bloodPressure,
          category: 'vital-signs',
          component,
          author: a.author,
        },
        a.opts,
      ),
    );
    expect(readObservations(a.patient(ANN.id))).toEqual([
      {
        id: 'bp1',
        conflicts: [],
        patientId: ANN.id,
        code: VITAL_SIGNS.bloodPressure,
        category: 'vital-signs',
        effectiveDateTime: '2026-07-19T06:00:00.000Z',
        value: undefined,
        component,
        status: 'final',
        notes: [],
      },
    ]);
  });

  it('a lab result amended at the lab replaces the value and marks it amended', () => {
    const a = site('practice-a');
    a.record(
      recordObservation(undefined, {
        patientId: ANN.id,
        observationId: 'k1',
        code: POTASSIUM,
        category: 'laboratory',
        value: mmol(6.4),
        effectiveDateTime: '2026-07-18T10:30:00+01:00',
        author: a.author,
      }),
    );
    a.record(
      amendObservation(a.patient(ANN.id), {
        patientId: ANN.id,
        observationId: 'k1',
        value: mmol(4.3),
        note: 'haemolysed sample; repeat normal',
        author: a.author,
      }),
    );
    expect(readObservations(a.patient(ANN.id))[0]).toMatchObject({
      value: mmol(4.3),
      status: 'amended',
      effectiveDateTime: '2026-07-18T10:30:00+01:00',
    });
  });

  it('two concurrent amendments of one result are a conflict, because a result drives decisions', () => {
    const a = site('practice-a');
    const b = site('lab-b');
    a.record(
      recordObservation(undefined, {
        patientId: ANN.id,
        observationId: 'k1',
        code: POTASSIUM,
        value: mmol(6.4),
        author: a.author,
      }),
    );
    sync(a, b);
    b.tick(1_000);
    a.record(
      amendObservation(a.patient(ANN.id), {
        patientId: ANN.id,
        observationId: 'k1',
        value: mmol(4.3),
        author: a.author,
      }),
    );
    b.record(
      amendObservation(b.patient(ANN.id), {
        patientId: ANN.id,
        observationId: 'k1',
        value: mmol(5.9),
        status: 'corrected',
        author: b.author,
      }),
    );
    sync(a, b);
    expect(listConflicts(a.chart).map((c) => [c.field, c.writes.map((w) => w.value)])).toEqual([
      ['status', ['amended', 'corrected']],
      ['value', [mmol(4.3), mmol(5.9)]],
    ]);
  });

  it('a value that is not one FHIR value[x] is refused, naming `value`; a result needs a value or components', () => {
    const a = site('practice-a');
    expect(
      refusal(() =>
        recordObservation(undefined, {
          patientId: ANN.id,
          code: POTASSIUM,
          value: { valueQuantity: { value: 'high' } } as never,
          author: a.author,
        }),
      ),
    ).toMatchObject({ code: 'INVALID_COMMAND', issues: [{ path: ['value'] }] });
    expect(
      refusal(() => recordObservation(undefined, { patientId: ANN.id, code: POTASSIUM, author: a.author })),
    ).toMatchObject({ code: 'INVALID_COMMAND', issues: [{ path: ['value'] }] });
    expect(
      refusal(() =>
        amendObservation(undefined, {
          patientId: ANN.id,
          observationId: 'k9',
          value: mmol(4),
          author: a.author,
        }),
      ),
    ).toMatchObject({ issues: [{ path: ['observationId'] }] });
  });
});
