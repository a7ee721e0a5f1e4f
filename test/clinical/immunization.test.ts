import { describe, expect, it } from 'vitest';
import { readImmunizations, recordImmunization, updateImmunization } from '../../src/clinical/index.js';
import { ANN, refusal, site, SNOMED } from './fixtures.js';

const FLU = {
  coding: [{ system: SNOMED, code: '1181000221105', display: 'Influenza vaccine' }],
  text: 'Flu vaccine',
};

describe('Immunization', () => {
  it('recording a vaccination stores the vaccine, date, batch and status completed', () => {
    const a = site('practice-a');
    a.record(
      recordImmunization(undefined, {
        patientId: ANN.id,
        immunizationId: 'flu26',
        vaccineCode: FLU,
        occurrenceDateTime: '2026-10-02',
        lotNumber: 'AB1234',
        author: a.author,
      }),
    );
    expect(readImmunizations(a.patient(ANN.id))).toEqual([
      {
        id: 'flu26',
        conflicts: [],
        patientId: ANN.id,
        vaccineCode: FLU,
        occurrenceDateTime: '2026-10-02',
        status: 'completed',
        statusReason: undefined,
        lotNumber: 'AB1234',
        notes: [],
      },
    ]);
  });

  it('a vaccination declined is recorded as not-done with its reason', () => {
    const a = site('practice-a');
    a.record(
      recordImmunization(undefined, {
        patientId: ANN.id,
        immunizationId: 'flu26',
        vaccineCode: FLU,
        occurrenceDateTime: '2026-10-02',
        status: 'not-done',
        statusReason: 'patient declined',
        author: a.author,
      }),
    );
    expect(readImmunizations(a.patient(ANN.id))[0]).toMatchObject({
      status: 'not-done',
      statusReason: { text: 'patient declined' },
    });
  });

  it('a wrong batch number is corrected; an unknown status or date is refused naming the field', () => {
    const a = site('practice-a');
    a.record(
      recordImmunization(undefined, {
        patientId: ANN.id,
        immunizationId: 'flu26',
        vaccineCode: FLU,
        occurrenceDateTime: '2026-10-02',
        lotNumber: 'AB1234',
        author: a.author,
      }),
    );
    a.record(
      updateImmunization(a.patient(ANN.id), {
        patientId: ANN.id,
        immunizationId: 'flu26',
        lotNumber: 'AB1243',
        note: 'batch digits transposed',
        author: a.author,
      }),
    );
    expect(readImmunizations(a.patient(ANN.id))[0]).toMatchObject({
      lotNumber: 'AB1243',
      notes: [expect.objectContaining({ text: 'batch digits transposed' })],
    });
    expect(
      refusal(() =>
        updateImmunization(a.patient(ANN.id), {
          patientId: ANN.id,
          immunizationId: 'flu26',
          status: 'given' as never,
          author: a.author,
        }),
      ),
    ).toMatchObject({ code: 'INVALID_COMMAND', issues: [{ path: ['status'] }] });
    expect(
      refusal(() =>
        recordImmunization(undefined, {
          patientId: ANN.id,
          vaccineCode: FLU,
          occurrenceDateTime: '02/10/2026',
          author: a.author,
        }),
      ),
    ).toMatchObject({ issues: [{ path: ['occurrenceDateTime'] }] });
  });
});
