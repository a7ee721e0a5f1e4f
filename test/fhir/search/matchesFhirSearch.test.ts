import { describe, expect, it } from 'vitest';
import type { FhirResource } from '../../../src/fhir/fhirResource.js';
import { matchesFhirSearch } from '../../../src/fhir/search/matchesFhirSearch.js';
import { parseFhirSearch } from '../../../src/fhir/search/parseFhirSearch.js';

const matches = (resource: FhirResource, query: string): boolean => {
  const parsed = parseFhirSearch(resource.resourceType, new URLSearchParams(query));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return matchesFhirSearch(resource, parsed.value);
};

const allergy: FhirResource = {
  resourceType: 'AllergyIntolerance',
  id: 'a1',
  meta: { lastUpdated: '2024-03-05T10:00:00.000Z' },
  patient: { reference: 'Patient/p1' },
  code: { coding: [{ system: 'http://snomed.info/sct', code: '91936005' }], text: 'Penicillin' },
  reaction: [{ substance: { coding: [{ code: 'local-42' }] } }],
  recordedDate: '2024-03-05',
};

describe('matchesFhirSearch', () => {
  it('token system|code, |code, code and system| on a CodeableConcept, reading every path of the parameter', () => {
    expect(matches(allergy, 'code=http://snomed.info/sct|91936005')).toBe(true);
    expect(matches(allergy, 'code=91936005')).toBe(true);
    expect(matches(allergy, 'code=http://loinc.org|91936005')).toBe(false);
    expect(matches(allergy, 'code=|91936005')).toBe(false); // it has a system
    expect(matches(allergy, 'code=|local-42')).toBe(true); // reaction.substance, no system
    expect(matches(allergy, 'code=http://snomed.info/sct|')).toBe(true);
    expect(matches(allergy, 'code=Penicillin')).toBe(false); // text is :text, not supported
    expect(matches(allergy, 'code=x,91936005')).toBe(true);
    expect(matches(allergy, 'code=x&code=91936005')).toBe(false);
  });

  it('token on a code element (status): the code, with no system', () => {
    const obs: FhirResource = { resourceType: 'Observation', id: 'o1', status: 'final', code: { coding: [{ code: 'x' }] } };
    expect(matches(obs, 'status=final')).toBe(true);
    expect(matches(obs, 'status=|final')).toBe(true);
    expect(matches(obs, 'status=http://hl7.org/fhir/observation-status|final')).toBe(false);
    expect(matches(obs, 'status=amended,final')).toBe(true);
    expect(matches(obs, 'status=Final')).toBe(false);
  });

  it('references match their relative Type/id form (a version suffix is fine), never an absolute URL', () => {
    expect(matches(allergy, 'patient=p1')).toBe(true);
    expect(matches(allergy, 'patient=Patient/p1')).toBe(true);
    expect(matches(allergy, 'patient=p2')).toBe(false);
    expect(matches({ ...allergy, patient: { reference: 'Patient/p1/_history/3' } }, 'patient=p1')).toBe(true);
    expect(matches({ ...allergy, patient: { reference: 'http://elsewhere.org/fhir/Patient/p1' } }, 'patient=p1')).toBe(false);
    const groupObs: FhirResource = { resourceType: 'Observation', id: 'o2', subject: { reference: 'Group/g1' } };
    expect(matches(groupObs, 'subject=Group/g1')).toBe(true);
    expect(matches(groupObs, 'patient=g1')).toBe(false);
  });

  it('_id, _lastUpdated and date', () => {
    expect(matches(allergy, '_id=a0,a1')).toBe(true);
    expect(matches(allergy, '_lastUpdated=2024-03-05')).toBe(true);
    expect(matches(allergy, '_lastUpdated=gt2024-03-05T10:00:00Z')).toBe(false);
    expect(matches({ ...allergy, meta: {} }, '_lastUpdated=ge1900')).toBe(false);
    expect(matches(allergy, 'date=2024-03')).toBe(true);
    expect(matches(allergy, 'date=sa2024-03-04&date=eb2024-03-06')).toBe(true);
  });

  it('a resource of another type never matches', () => {
    const parsed = parseFhirSearch('Condition', new URLSearchParams(''));
    expect(parsed.ok && matchesFhirSearch(allergy, parsed.value)).toBe(false);
  });
});
