import { describe, expect, it } from 'vitest';
import { history, listConflicts, prepareConflictResolution } from '../../src/index.js';
import {
  clinicalSchema,
  patientStream,
  readAllergies,
  recordAllergy,
  updateAllergy,
} from '../../src/clinical/index.js';
import { ANAPHYLAXIS, ANN, PENICILLIN, refusal, site, sync, URTICARIA } from './fixtures.js';

const STREAM = patientStream(ANN.id);

function penicillinAllergyAtTwoSites() {
  const a = site('practice-a');
  const b = site('practice-b');
  a.record(
    recordAllergy(
      a.patient(ANN.id),
      {
        patientId: ANN.id,
        allergyId: 'pen',
        code: PENICILLIN,
        criticality: 'low',
        verificationStatus: 'confirmed',
        manifestations: [URTICARIA],
        author: a.author,
      },
      a.opts,
    ),
  );
  sync(a, b);
  b.tick(1_000); // b's next writes sort after a's
  return { a, b };
}

describe('AllergyIntolerance', () => {
  it('recording an allergy stores its substance, statuses, criticality, reactions and recorded date', () => {
    const a = site('practice-a');
    a.record(
      recordAllergy(
        undefined,
        {
          patientId: ANN.id,
          code: PENICILLIN,
          criticality: 'high',
          type: 'allergy',
          manifestations: [ANAPHYLAXIS],
          note: 'reported by patient',
          author: a.author,
        },
        a.opts,
      ),
    );
    const [allergy] = readAllergies(a.patient(ANN.id));
    expect(allergy).toMatchObject({
      id: 'practice-a-1',
      patientId: ANN.id,
      code: PENICILLIN,
      clinicalStatus: 'active',
      verificationStatus: 'unconfirmed',
      criticality: 'high',
      type: 'allergy',
      manifestation: [ANAPHYLAXIS],
      recordedDate: '2026-07-19T06:00:00.000Z',
      conflicts: [],
    });
    expect(allergy?.notes.map((n) => [n.text, n.author, n.site])).toEqual([
      ['reported by patient', 'dr-practice-a', 'practice-a'],
    ]);
  });

  it('a criticality outside low | high | unable-to-assess is refused with INVALID_COMMAND naming `criticality`', () => {
    const a = site('practice-a');
    const err = refusal(() =>
      recordAllergy(undefined, {
        patientId: ANN.id,
        code: PENICILLIN,
        criticality: 'severe' as never,
        author: a.author,
      }),
    );
    expect(err).toMatchObject({
      code: 'INVALID_COMMAND',
      issues: [{ path: ['criticality'], message: 'must be one of low | high | unable-to-assess' }],
    });
    expect(
      refusal(() => recordAllergy(undefined, { patientId: ANN.id, code: { coding: [] }, author: a.author })),
    ).toMatchObject({ issues: [{ path: ['code'] }] });
  });

  it('an allergy’s criticality changed concurrently at two sites is a conflict listing both values and clinicians', () => {
    const { a, b } = penicillinAllergyAtTwoSites();
    a.record(
      updateAllergy(a.patient(ANN.id), {
        patientId: ANN.id,
        allergyId: 'pen',
        criticality: 'high',
        author: a.author,
      }),
    );
    b.record(
      updateAllergy(b.patient(ANN.id), {
        patientId: ANN.id,
        allergyId: 'pen',
        criticality: 'unable-to-assess',
        author: b.author,
      }),
    );
    sync(a, b);
    expect(readAllergies(a.patient(ANN.id))[0]?.conflicts).toEqual(['criticality']);
    expect(listConflicts(b.chart)).toEqual([
      expect.objectContaining({
        stream: STREAM,
        resource: 'AllergyIntolerance/pen',
        field: 'criticality',
        writes: [
          expect.objectContaining({ value: 'high', site: 'practice-a', author: a.author }),
          expect.objectContaining({ value: 'unable-to-assess', site: 'practice-b', author: b.author }),
        ],
      }),
    ]);
  });

  it('prepareConflictResolution settles the criticality conflict on every site', () => {
    const { a, b } = penicillinAllergyAtTwoSites();
    a.record(
      updateAllergy(a.patient(ANN.id), {
        patientId: ANN.id,
        allergyId: 'pen',
        criticality: 'high',
        author: a.author,
      }),
    );
    b.record(
      updateAllergy(b.patient(ANN.id), {
        patientId: ANN.id,
        allergyId: 'pen',
        criticality: 'unable-to-assess',
        author: b.author,
      }),
    );
    sync(a, b);
    b.record(
      prepareConflictResolution(clinicalSchema, b.patient(ANN.id), {
        stream: STREAM,
        resource: 'AllergyIntolerance/pen',
        field: 'criticality',
        value: 'high',
        author: b.author,
      }),
    );
    sync(a, b);
    for (const s of [a, b]) {
      expect(listConflicts(s.chart)).toEqual([]);
      expect(readAllergies(s.patient(ANN.id))[0]).toMatchObject({ criticality: 'high', conflicts: [] });
    }
    expect(
      history(a.chart, STREAM, 'AllergyIntolerance/pen', 'criticality').map((h) => [
        h.type,
        h.value,
        h.status,
      ]),
    ).toEqual([
      ['allergy.recorded', 'low', 'superseded'],
      ['allergy.updated', 'high', 'superseded'],
      ['allergy.updated', 'unable-to-assess', 'superseded'],
      ['chart.conflict-resolved', 'high', 'current'],
    ]);
  });

  it('reactions added at two sites are both kept; a removal only removes what its author saw', () => {
    const { a, b } = penicillinAllergyAtTwoSites();
    a.record(
      updateAllergy(a.patient(ANN.id), {
        patientId: ANN.id,
        allergyId: 'pen',
        removeManifestations: [URTICARIA],
        author: a.author,
      }),
    );
    b.record(
      updateAllergy(b.patient(ANN.id), {
        patientId: ANN.id,
        allergyId: 'pen',
        addManifestations: [ANAPHYLAXIS],
        author: b.author,
      }),
    );
    sync(a, b);
    expect(readAllergies(a.patient(ANN.id))[0]?.manifestation).toEqual([ANAPHYLAXIS]);
  });

  it('the last-reviewed date only moves forward, whichever review arrives last', () => {
    const { a, b } = penicillinAllergyAtTwoSites();
    b.tick(5_000);
    a.record(
      updateAllergy(a.patient(ANN.id), {
        patientId: ANN.id,
        allergyId: 'pen',
        lastReviewed: '2026-07-19',
        author: a.author,
      }),
    );
    b.record(
      updateAllergy(b.patient(ANN.id), {
        patientId: ANN.id,
        allergyId: 'pen',
        lastReviewed: '2025-01-10',
        author: b.author,
      }),
    );
    sync(a, b);
    expect(readAllergies(b.patient(ANN.id))[0]?.lastReviewed).toBe('2026-07-19');
  });

  it('notes from two sites are all kept, in the total order of events', () => {
    const { a, b } = penicillinAllergyAtTwoSites();
    a.tick(10);
    a.record(
      updateAllergy(a.patient(ANN.id), {
        patientId: ANN.id,
        allergyId: 'pen',
        note: 'first: rash in 2015',
        author: a.author,
      }),
    );
    b.tick(20);
    b.record(
      updateAllergy(b.patient(ANN.id), {
        patientId: ANN.id,
        allergyId: 'pen',
        note: 'second: hospital letter confirms',
        author: b.author,
      }),
    );
    a.tick(5_000);
    a.record(
      updateAllergy(a.patient(ANN.id), {
        patientId: ANN.id,
        allergyId: 'pen',
        note: 'third: patient card issued',
        author: a.author,
      }),
    );
    sync(a, b);
    for (const s of [a, b])
      expect(readAllergies(s.patient(ANN.id))[0]?.notes.map((n) => n.text)).toEqual([
        'first: rash in 2015',
        'second: hospital letter confirms',
        'third: patient card issued',
      ]);
  });

  it('updating an allergy that is not on the record, or with nothing to change, is refused', () => {
    const { a } = penicillinAllergyAtTwoSites();
    expect(
      refusal(() =>
        updateAllergy(a.patient(ANN.id), {
          patientId: ANN.id,
          allergyId: 'nut',
          criticality: 'high',
          author: a.author,
        }),
      ),
    ).toMatchObject({ code: 'INVALID_COMMAND', issues: [{ path: ['allergyId'] }] });
    expect(
      refusal(() =>
        updateAllergy(a.patient(ANN.id), { patientId: ANN.id, allergyId: 'pen', author: a.author }),
      ),
    ).toMatchObject({ code: 'INVALID_COMMAND', issues: [{ message: 'nothing to change' }] });
  });

  it('marking an allergy entered-in-error keeps it, and its history, on the record', () => {
    const { a } = penicillinAllergyAtTwoSites();
    a.record(
      updateAllergy(a.patient(ANN.id), {
        patientId: ANN.id,
        allergyId: 'pen',
        verificationStatus: 'entered-in-error',
        note: 'wrong patient',
        author: a.author,
      }),
    );
    expect(readAllergies(a.patient(ANN.id)).map((x) => [x.id, x.verificationStatus])).toEqual([
      ['pen', 'entered-in-error'],
    ]);
  });
});
