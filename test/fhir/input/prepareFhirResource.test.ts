import { describe, expect, it } from 'vitest';
import { deterministicFhirId } from '../../../src/fhir/input/deterministicFhirId.js';
import { bundle, ndjson, observation, patient, readAll, textSource } from './fixtures.js';

const P = 'urn:uuid:11111111-1111-4111-8111-111111111111';
const O = 'urn:uuid:22222222-2222-4222-8222-222222222222';

describe('references', () => {
  it('a urn:uuid reference the Bundle does not hold refuses that resource, naming it and the element; the rest is taken', async () => {
    const input = bundle('transaction', [
      { fullUrl: P, resource: patient(), request: { method: 'POST', url: 'Patient' } },
      {
        fullUrl: O,
        resource: observation('urn:uuid:99999999-9999-4999-8999-999999999999'),
        request: { method: 'POST', url: 'Observation' },
      },
    ]);
    const { resources, refusals } = await readAll([textSource('tx.json', JSON.stringify(input, null, 2))]);
    expect(resources.map((r) => r.resourceType)).toEqual(['Patient']);
    expect(refusals).toEqual([
      {
        code: 'FHIR_UNRESOLVED_REFERENCE',
        message: expect.stringMatching(
          /^tx\.json entry 1: Observation\/22222222-2222-4222-8222-222222222222 refers to a resource not in this input .*Observation\.subject\.reference$/,
        ) as unknown,
        source: { input: 'tx.json', entry: 1 },
        resource: 'Observation/22222222-2222-4222-8222-222222222222',
        element: 'Observation.subject.reference',
      },
    ]);
  });

  it('a urn: reference in NDJSON has no Bundle to resolve in: refused, as urn:oid is', async () => {
    const { refusals } = await readAll([
      textSource('bulk.ndjson', ndjson([observation(P, 'o1'), observation('urn:oid:1.2.3', 'o2')])),
    ]);
    expect(refusals.map((r) => [r.code, r.resource, r.element, r.source.line])).toEqual([
      ['FHIR_UNRESOLVED_REFERENCE', 'Observation/o1', 'Observation.subject.reference', 1],
      ['FHIR_UNRESOLVED_REFERENCE', 'Observation/o2', 'Observation.subject.reference', 2],
    ]);
  });

  it('rewrites references at any depth (extensions, arrays, contained resources) and keeps relative, contained and outside absolute ones', async () => {
    const resource = {
      ...observation(P),
      contained: [
        { resourceType: 'Device', id: 'd1', owner: { reference: 'http://base/fhir/Organization/o9' } },
      ],
      device: { reference: '#d1' },
      performer: [
        { reference: 'Practitioner/pr1' },
        { reference: 'https://elsewhere.example/fhir/Practitioner/pr2' },
        { reference: 'http://base/fhir/Organization/o9' },
      ],
      extension: [{ url: 'http://example.org/x', valueReference: { reference: P } }],
    };
    const input = bundle('collection', [
      { fullUrl: O, resource },
      { fullUrl: P, resource: patient('p1') },
      {
        fullUrl: 'http://base/fhir/Organization/o9',
        resource: { resourceType: 'Organization', name: 'Surgery' },
      },
    ]);
    const { resources, refusals } = await readAll([textSource('in.json', JSON.stringify(input))]);
    expect(refusals).toEqual([]);
    const [observed, , organisation] = resources;
    expect(organisation?.id).toBe('o9');
    expect(observed?.['subject']).toEqual({ reference: 'Patient/p1' });
    expect(observed?.['contained']).toEqual([
      { resourceType: 'Device', id: 'd1', owner: { reference: 'Organization/o9' } },
    ]);
    expect(observed?.['device']).toEqual({ reference: '#d1' });
    expect(observed?.['performer']).toEqual([
      { reference: 'Practitioner/pr1' },
      { reference: 'https://elsewhere.example/fhir/Practitioner/pr2' },
      { reference: 'Organization/o9' },
    ]);
    expect(observed?.['extension']).toEqual([
      { url: 'http://example.org/x', valueReference: { reference: 'Patient/p1' } },
    ]);
  });

  it('a reference to an entry that is refused stays unresolved, so the referring resource is refused too', async () => {
    const input = bundle('collection', [
      { fullUrl: P, resource: patient('not an id!') },
      { fullUrl: O, resource: observation(P) },
    ]);
    const { refusals } = await readAll([textSource('in.json', JSON.stringify(input))]);
    expect(refusals.map((r) => [r.code, r.source.entry])).toEqual([
      ['FHIR_INVALID_ID', 0],
      ['FHIR_UNRESOLVED_REFERENCE', 1],
    ]);
  });
});

describe('ids', () => {
  it('a resource without an id takes its fullUrl uuid, and resourceType and id come first', async () => {
    const { resources } = await readAll([
      textSource(
        'in.json',
        JSON.stringify(
          bundle('collection', [
            { fullUrl: P, resource: { name: [{ family: 'Ng' }], resourceType: 'Patient' } },
          ]),
        ),
      ),
    ]);
    expect(resources).toEqual([
      { resourceType: 'Patient', id: '11111111-1111-4111-8111-111111111111', name: [{ family: 'Ng' }] },
    ]);
    expect(Object.keys(resources[0] ?? {})).toEqual(['resourceType', 'id', 'name']);
  });

  it('a resource with neither id nor fullUrl gets the same content-derived id each time it is read, and another resource another id', async () => {
    const text = ndjson([patient(), { ...patient(), gender: 'female' }]);
    const first = await readAll([textSource('a.ndjson', text)]);
    const second = await readAll([textSource('b.ndjson', text, 3)]);
    const ids = first.resources.map((r) => r.id);
    expect(second.resources.map((r) => r.id)).toEqual(ids);
    expect(ids[0]).not.toBe(ids[1]);
    expect(ids[0]).toBe(deterministicFhirId(patient()));
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it.each([['has space'], ['x'.repeat(65)], [42], ['']])(
    'an id that is not a FHIR id (%j) is refused',
    async (id) => {
      const { refusals } = await readAll([
        textSource('bad.ndjson', ndjson([{ resourceType: 'Patient', id }])),
      ]);
      expect(refusals).toEqual([expect.objectContaining({ code: 'FHIR_INVALID_ID', element: 'Patient.id' })]);
    },
  );

  it('a fullUrl whose uuid part is not a FHIR id is refused', async () => {
    const { refusals } = await readAll([
      textSource(
        'in.json',
        JSON.stringify(
          bundle('collection', [{ fullUrl: 'urn:uuid:not a uuid', resource: { resourceType: 'Patient' } }]),
        ),
      ),
    ]);
    expect(refusals).toEqual([expect.objectContaining({ code: 'FHIR_INVALID_ID', element: 'Patient.id' })]);
  });
});

describe('shape', () => {
  it('refuses values that are not resources, or that no event could hold, naming the element', async () => {
    const deep = (n: number): unknown => (n === 0 ? 'x' : { extension: [deep(n - 1)] });
    const values = [
      null,
      'Patient',
      { id: 'x' },
      { resourceType: 'patient' },
      { ...patient('p1'), extension: [deep(40)] },
    ];
    const loneSurrogate = '{"resourceType":"Patient","id":"p2","name":[{"family":"\\ud800"}]}\n';
    const { refusals } = await readAll([textSource('shapes.ndjson', ndjson(values) + loneSurrogate)]);
    expect(refusals.map((r) => [r.code, r.element])).toEqual([
      ['FHIR_NOT_A_RESOURCE', undefined],
      ['FHIR_NOT_A_RESOURCE', undefined],
      ['FHIR_NOT_A_RESOURCE', undefined],
      ['FHIR_NOT_A_RESOURCE', undefined],
      [
        'FHIR_INVALID_RESOURCE',
        expect.stringMatching(/^Patient\.extension\[0\]\.extension\[0\]\./) as unknown,
      ],
      ['FHIR_INVALID_RESOURCE', 'Patient.name[0].family'],
    ]);
  });
});
