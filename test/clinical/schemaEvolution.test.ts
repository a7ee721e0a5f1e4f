import { describe, expect, it } from 'vitest';
import { createChart, history } from '../../src/index.js';
import { clinicalSchema, patientStream, readAllergies, recordAllergy } from '../../src/clinical/index.js';
import { ANN, PENICILLIN, site, sync } from './fixtures.js';

const STREAM = patientStream(ANN.id);

describe('events from a newer site', () => {
  it('a newer version of a known event type and an unknown event type are kept and relayed, but not folded', () => {
    const old = site('practice-a');
    const future = site('practice-z');
    old.record(
      recordAllergy(undefined, {
        patientId: ANN.id,
        allergyId: 'pen',
        code: PENICILLIN,
        criticality: 'low',
        author: old.author,
      }),
    );
    sync(old, future);
    const before = old.chart.stateHash(STREAM);

    // practice-z runs a later release: allergy.updated v2, and a type this release has never heard of.
    const v2 = future.record({
      stream: STREAM,
      type: 'allergy.updated',
      v: 2,
      data: { 'AllergyIntolerance/pen': { criticality: 'high', reactionSeverity: 'severe' } },
      author: future.author,
    });
    const unknown = future.record({
      stream: STREAM,
      type: 'allergy.reaction-graded',
      data: { 'AllergyIntolerance/pen': { criticality: 'high' } },
      author: future.author,
    });
    sync(old, future);

    expect(old.chart.events(STREAM).map((e) => e.id)).toEqual(expect.arrayContaining([v2.id, unknown.id]));
    expect(old.chart.stateHash(STREAM)).toBe(before);
    expect(readAllergies(old.patient(ANN.id))[0]?.criticality).toBe('low');
    expect(
      history(old.chart, STREAM, 'AllergyIntolerance/pen', 'criticality').map((h) => [h.type, h.status]),
    ).toEqual([
      ['allergy.recorded', 'current'],
      ['allergy.updated', 'ignored'],
      ['allergy.reaction-graded', 'ignored'],
    ]);

    // A relay that only knows v1 passes them on intact: a site that understands v2
    // (the new version and the field it added) folds them.
    const allergy = clinicalSchema.definition.resources['AllergyIntolerance'];
    const v2Schema = clinicalSchema.extend({
      resources: { AllergyIntolerance: { fields: { ...allergy?.fields, reactionSeverity: 'mv' } } },
      events: { 'allergy.updated': { v: 2, resources: ['AllergyIntolerance'] } },
    });
    const relayed = createChart({ schema: v2Schema });
    relayed.apply(old.chart.events(STREAM));
    expect(readAllergies(relayed.state(STREAM))[0]?.criticality).toBe('high');
  });
});
