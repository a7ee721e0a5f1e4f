import { describe, expect, it } from 'vitest';
import { listConflicts } from '../../src/index.js';
import { readConditions, recordCondition, updateCondition } from '../../src/clinical/index.js';
import { ANN, refusal, site, SNOMED, sync } from './fixtures.js';

const DIABETES = { coding: [{ system: SNOMED, code: '44054006', display: 'Type 2 diabetes mellitus' }] };
const ASTHMA = { coding: [{ system: SNOMED, code: '195967001', display: 'Asthma' }] };

describe('Condition (problem list)', () => {
  it('recording a problem stores the diagnosis, active and confirmed by default, with its onset', () => {
    const a = site('practice-a');
    a.record(
      recordCondition(
        undefined,
        {
          patientId: ANN.id,
          conditionId: 'dm',
          code: DIABETES,
          onsetDateTime: '2019',
          note: 'HbA1c 58',
          author: a.author,
        },
        a.opts,
      ),
    );
    expect(readConditions(a.patient(ANN.id))[0]).toMatchObject({
      id: 'dm',
      patientId: ANN.id,
      code: DIABETES,
      clinicalStatus: 'active',
      verificationStatus: 'confirmed',
      onsetDateTime: '2019',
      recordedDate: '2026-07-19T06:00:00.000Z',
      conflicts: [],
    });
  });

  it('a new problem without a caller-given id gets a UUIDv7, and the record date defaults to now', () => {
    const a = site('practice-a');
    const before = Date.now();
    a.record(recordCondition(undefined, { patientId: ANN.id, code: ASTHMA, author: a.author }));
    const [condition] = readConditions(a.patient(ANN.id));
    expect(condition?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Date.parse(condition?.recordedDate ?? '')).toBeGreaterThanOrEqual(before - 1);
  });

  it('resolving a problem records its status and abatement date', () => {
    const a = site('practice-a');
    a.record(
      recordCondition(
        undefined,
        { patientId: ANN.id, conditionId: 'asthma', code: ASTHMA, author: a.author },
        a.opts,
      ),
    );
    a.record(
      updateCondition(a.patient(ANN.id), {
        patientId: ANN.id,
        conditionId: 'asthma',
        clinicalStatus: 'resolved',
        abatementDateTime: '2026-07-01',
        note: 'no symptoms for 2 years',
        author: a.author,
      }),
    );
    expect(readConditions(a.patient(ANN.id))[0]).toMatchObject({
      clinicalStatus: 'resolved',
      abatementDateTime: '2026-07-01',
    });
    expect(readConditions(a.patient(ANN.id))[0]?.notes.map((n) => n.text)).toEqual([
      'no symptoms for 2 years',
    ]);
  });

  it('a concurrent change of clinical status is a conflict; a concurrent change of onset is not (latest wins, the other stays in history)', () => {
    const a = site('practice-a');
    const b = site('hospital-b');
    a.record(
      recordCondition(
        undefined,
        { patientId: ANN.id, conditionId: 'dm', code: DIABETES, author: a.author },
        a.opts,
      ),
    );
    sync(a, b);
    b.tick(1_000);
    a.record(
      updateCondition(a.patient(ANN.id), {
        patientId: ANN.id,
        conditionId: 'dm',
        clinicalStatus: 'remission',
        onsetDateTime: '2018',
        author: a.author,
      }),
    );
    b.record(
      updateCondition(b.patient(ANN.id), {
        patientId: ANN.id,
        conditionId: 'dm',
        clinicalStatus: 'active',
        onsetDateTime: '2019-05',
        author: b.author,
      }),
    );
    sync(a, b);
    expect(readConditions(a.patient(ANN.id))[0]).toMatchObject({
      onsetDateTime: '2019-05',
      conflicts: ['clinicalStatus'],
    });
    expect(listConflicts(a.chart).map((c) => c.field)).toEqual(['clinicalStatus']);
  });

  it('a clinical status outside the FHIR value set is refused, naming `clinicalStatus`', () => {
    const a = site('practice-a');
    expect(
      refusal(() =>
        recordCondition(undefined, {
          patientId: ANN.id,
          code: DIABETES,
          clinicalStatus: 'cured' as never,
          author: a.author,
        }),
      ),
    ).toMatchObject({ code: 'INVALID_COMMAND', issues: [{ path: ['clinicalStatus'] }] });
  });
});
