import { describe, expect, it } from 'vitest';
import { parseFhirSearch, supportedFhirSearchParameters } from '../../../src/fhir/search/parseFhirSearch.js';
import type { FhirSearch, FhirSearchIssue } from '../../../src/fhir/search/fhirSearch.js';

const parse = (type: string, query: string) => parseFhirSearch(type, new URLSearchParams(query));
const ok = (type: string, query: string): FhirSearch => {
  const r = parse(type, query);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
};
const refused = (type: string, query: string): readonly FhirSearchIssue[] => {
  const r = parse(type, query);
  if (r.ok) throw new Error(`accepted ${query}`);
  return r.issues;
};

describe('parseFhirSearch', () => {
  it('reads a typical patient search: reference, token with system, date with prefix, page size and sort', () => {
    const s = ok(
      'Observation',
      'patient=Patient/p1&code=http://loinc.org|8867-4&date=ge2024-03&_count=5&_sort=-_lastUpdated',
    );
    expect(s.type).toBe('Observation');
    expect(s.count).toBe(5);
    expect(s.sort).toBe('-lastUpdated');
    expect(s.clauses.map((c) => c.kind)).toEqual(['reference', 'token', 'date']);
    expect(s.clauses[0]).toMatchObject({ values: [{ type: 'Patient', id: 'p1' }] });
    expect(s.clauses[1]).toMatchObject({ values: [{ system: 'http://loinc.org', code: '8867-4' }] });
    expect(s.clauses[2]).toMatchObject({
      values: [{ prefix: 'ge', range: { start: Date.UTC(2024, 2, 1) } }],
    });
    expect(s.params).toEqual([
      ['patient', 'Patient/p1'],
      ['code', 'http://loinc.org|8867-4'],
      ['date', 'ge2024-03'],
      ['_sort', '-_lastUpdated'],
    ]);
  });

  it('reads the four token forms, commas as OR and escaped commas and bars as text', () => {
    const [clause] = ok('Condition', 'code=a|1,|2,3,b|,x\\,y|z\\|w').clauses;
    expect(clause).toMatchObject({
      values: [
        { system: 'a', code: '1' },
        { system: null, code: '2' },
        { code: '3' },
        { system: 'b' },
        { system: 'x,y', code: 'z|w' },
      ],
    });
  });

  it('reads a bare id as a Patient, a :Patient modifier, and any Type/id for subject; repeats are kept as AND', () => {
    expect(ok('Condition', 'patient=p1').clauses[0]).toMatchObject({
      values: [{ type: 'Patient', id: 'p1' }],
    });
    expect(ok('Condition', 'subject:Patient=p1').clauses[0]).toMatchObject({
      values: [{ type: 'Patient', id: 'p1' }],
    });
    expect(ok('Observation', 'subject=Group/g1').clauses[0]).toMatchObject({
      values: [{ type: 'Group', id: 'g1' }],
    });
    expect(ok('Observation', 'date=ge2024&date=lt2025').clauses).toHaveLength(2);
  });

  it('reads a patient search: identifier tokens, name strings with :exact and :contains, birthdate, gender, general-practitioner', () => {
    const s = ok(
      'Patient',
      'identifier=https://fhir.nhs.uk/Id/nhs-number|9000000009,|LOCAL-7&name=Zo%C3%AB&family:exact=Smith&given:contains=an&birthdate=ge1980&gender=female&general-practitioner:Practitioner=d1',
    );
    expect(s.clauses).toEqual([
      {
        kind: 'token',
        name: 'identifier',
        paths: [{ path: 'identifier', type: 'Identifier' }],
        values: [
          { system: 'https://fhir.nhs.uk/Id/nhs-number', code: '9000000009' },
          { system: null, code: 'LOCAL-7' },
        ],
      },
      {
        kind: 'string',
        name: 'name',
        paths: [{ path: 'name', type: 'HumanName' }],
        match: 'start',
        values: ['Zoë'],
      },
      {
        kind: 'string',
        name: 'family',
        paths: [{ path: 'name.family', type: 'string' }],
        match: 'exact',
        values: ['Smith'],
      },
      {
        kind: 'string',
        name: 'given',
        paths: [{ path: 'name.given', type: 'string' }],
        match: 'contains',
        values: ['an'],
      },
      expect.objectContaining({
        kind: 'date',
        name: 'birthdate',
        paths: [{ path: 'birthDate', type: 'date' }],
      }),
      {
        kind: 'token',
        name: 'gender',
        paths: [{ path: 'gender', type: 'code' }],
        values: [{ code: 'female' }],
      },
      {
        kind: 'reference',
        name: 'general-practitioner',
        paths: [{ path: 'generalPractitioner', type: 'Reference' }],
        values: [{ type: 'Practitioner', id: 'd1' }],
      },
    ]);
    expect(s.params[2]).toEqual(['family:exact', 'Smith']);
    expect(supportedFhirSearchParameters('Patient')).toEqual([
      '_id',
      '_lastUpdated',
      'identifier',
      'name',
      'family',
      'given',
      'birthdate',
      'gender',
      'general-practitioner',
      '_count',
      '_sort',
      '_total',
      '_format',
      '_after',
      '_before',
    ]);
  });

  it('refuses on a patient search: other string modifiers, token modifiers (:of-type), a bare general-practitioner id, an empty name', () => {
    expect(refused('Patient', 'name:text=zoe')[0]).toMatchObject({
      code: 'not-supported',
      expression: ['name:text'],
    });
    expect(refused('Patient', 'name:missing=true')[0]?.diagnostics).toContain('only :exact and :contains');
    expect(
      refused('Patient', 'identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|123')[0],
    ).toMatchObject({ code: 'not-supported', expression: ['identifier:of-type'] });
    expect(refused('Patient', 'gender:not=male')[0]?.code).toBe('not-supported');
    expect(refused('Patient', 'identifier=|')[0]?.code).toBe('invalid');
    expect(refused('Patient', 'family=')[0]).toMatchObject({ code: 'invalid', expression: ['family'] });
    expect(refused('Patient', 'birthdate=1980-13')[0]).toMatchObject({
      code: 'invalid',
      expression: ['birthdate'],
    });
    const [bare] = refused('Patient', 'general-practitioner=d1');
    expect(bare).toMatchObject({ code: 'invalid', expression: ['general-practitioner'] });
    expect(bare?.diagnostics).toContain('general-practitioner:Practitioner=id');
    expect(refused('Practitioner', 'birthdate=1980')[0]?.code).toBe('not-supported'); // R4 defines no birthdate on Practitioner
  });

  it('defaults _count to 20 and lowers a larger one to 1000; _count=0 asks only for the total', () => {
    expect(ok('Observation', '').count).toBe(20);
    expect(ok('Observation', '_count=100000').count).toBe(1000);
    expect(ok('Observation', '_count=0').count).toBe(0);
    expect(parseFhirSearch('Observation', new URLSearchParams(''), { defaultCount: 7 })).toMatchObject({
      ok: true,
      value: { count: 7 },
    });
  });

  it('reads page cursors: a key of the type, or lastUpdated|key when sorted', () => {
    expect(ok('Observation', '_after=Observation/o1').after).toEqual({ key: 'Observation/o1' });
    expect(
      ok('Observation', '_sort=_lastUpdated&_before=2024-01-01T00:00:00.000Z|Observation/o1').before,
    ).toEqual({ key: 'Observation/o1', lastUpdated: '2024-01-01T00:00:00.000Z' });
    expect(refused('Observation', '_after=Condition/c1')[0]).toMatchObject({
      code: 'invalid',
      expression: ['_after'],
    });
    expect(refused('Observation', '_sort=_lastUpdated&_after=Observation/o1')[0]).toMatchObject({
      code: 'invalid',
    });
  });

  it('refuses a parameter it does not support as not-supported, naming the ones it does', () => {
    const [issue] = refused('Observation', 'value-quantity=5');
    expect(issue).toMatchObject({ severity: 'error', code: 'not-supported', expression: ['value-quantity'] });
    expect(issue?.diagnostics).toContain(
      'supported: _id, _lastUpdated, patient, subject, code, status, date, identifier, _count',
    );
    expect(refused('Observation', '_include=Observation:subject')[0]?.code).toBe('not-supported');
    expect(refused('Patient', 'patient=p1')[0]?.code).toBe('not-supported');
    expect(supportedFhirSearchParameters('Organization')).toEqual([
      '_id',
      '_lastUpdated',
      'identifier',
      'name',
      '_count',
      '_sort',
      '_total',
      '_format',
      '_after',
      '_before',
    ]);
    expect(supportedFhirSearchParameters('Bundle')).toEqual([
      '_id',
      '_lastUpdated',
      'identifier',
      '_count',
      '_sort',
      '_total',
      '_format',
      '_after',
      '_before',
    ]);
  });

  it('refuses modifiers, the ap prefix, other sorts and other formats as not-supported', () => {
    expect(refused('Observation', 'code:text=height')[0]).toMatchObject({
      code: 'not-supported',
      expression: ['code:text'],
    });
    expect(refused('Observation', 'status:not=final')[0]?.code).toBe('not-supported');
    expect(refused('Observation', 'patient:identifier=x|1')[0]?.code).toBe('not-supported');
    expect(refused('Observation', 'date=ap2024')[0]?.code).toBe('not-supported');
    expect(refused('Observation', '_sort=date')[0]).toMatchObject({
      code: 'not-supported',
      expression: ['_sort'],
    });
    expect(refused('Observation', '_format=xml')[0]?.code).toBe('not-supported');
    expect(ok('Observation', '_format=json&_total=accurate').total).toBe('accurate');
  });

  it('refuses bad values as invalid, all of them at once, with the parameter named', () => {
    const issues = refused(
      'Observation',
      'date=2024-13&_count=-1&_id=a b&patient=Practitioner/x&code=&_total=some&_count=2',
    );
    expect(issues.map((i) => [i.code, i.expression?.[0]])).toEqual([
      ['invalid', 'date'],
      ['invalid', '_id'],
      ['invalid', 'patient'],
      ['invalid', 'code'],
      ['invalid', '_count'],
      ['invalid', '_total'],
      ['invalid', '_count'],
    ]);
    expect(refused('Observation', 'date=xx2024')[0]?.code).toBe('invalid');
    expect(refused('Observation', 'code=|')[0]?.code).toBe('invalid');
    expect(refused('Observation', 'subject=http://elsewhere.org/fhir/Patient/p1')[0]?.code).toBe('invalid');
    expect(refused('Observation', '_after=Observation/a&_before=Observation/b')[0]?.code).toBe('invalid');
    expect(refused('NotAType', '')[0]?.code).toBe('not-supported');
  });
});
