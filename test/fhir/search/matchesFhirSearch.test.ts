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
    const obs: FhirResource = {
      resourceType: 'Observation',
      id: 'o1',
      status: 'final',
      code: { coding: [{ code: 'x' }] },
    };
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
    expect(
      matches({ ...allergy, patient: { reference: 'http://elsewhere.org/fhir/Patient/p1' } }, 'patient=p1'),
    ).toBe(false);
    const groupObs: FhirResource = {
      resourceType: 'Observation',
      id: 'o2',
      subject: { reference: 'Group/g1' },
    };
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

  it('identifier as a token on an Identifier: system|value, |value, value and system|, over every identifier a patient has', () => {
    const nhs = 'https://fhir.nhs.uk/Id/nhs-number';
    const patient: FhirResource = {
      resourceType: 'Patient',
      id: 'p1',
      identifier: [{ system: nhs, value: '9000000009' }, { value: 'LOCAL-7' }],
    };
    expect(matches(patient, `identifier=${nhs}|9000000009`)).toBe(true);
    expect(matches(patient, `identifier=${nhs}|9000000017`)).toBe(false);
    expect(matches(patient, 'identifier=http://other.example/mrn|9000000009')).toBe(false);
    expect(matches(patient, 'identifier=9000000009')).toBe(true); // any system
    expect(matches(patient, 'identifier=LOCAL-7')).toBe(true); // the second identifier
    expect(matches(patient, 'identifier=|LOCAL-7')).toBe(true); // no system
    expect(matches(patient, 'identifier=|9000000009')).toBe(false); // it has a system
    expect(matches(patient, `identifier=${nhs}|`)).toBe(true); // any NHS number
    expect(matches(patient, 'identifier=http://other.example/mrn|')).toBe(false);
    expect(matches(patient, 'identifier=local-7')).toBe(false); // tokens are case-sensitive
    expect(matches(patient, `identifier=${nhs}|9000000009&identifier=LOCAL-7`)).toBe(true);
    expect(matches({ resourceType: 'Patient', id: 'p2' }, 'identifier=9000000009')).toBe(false);
  });

  it('identifier reads every path R4 gives it (DocumentReference.masterIdentifier and identifier)', () => {
    const doc: FhirResource = {
      resourceType: 'DocumentReference',
      id: 'd1',
      masterIdentifier: { system: 'urn:ietf:rfc:3986', value: 'urn:oid:1.2.3' },
      identifier: [{ value: 'x' }],
    };
    expect(matches(doc, 'identifier=urn:ietf:rfc:3986|urn:oid:1.2.3')).toBe(true);
    expect(matches(doc, 'identifier=|x')).toBe(true);
  });

  it('birthdate (a date), gender (a code token) and general-practitioner (a reference) on a Patient', () => {
    const patient: FhirResource = {
      resourceType: 'Patient',
      id: 'p1',
      birthDate: '1980-02-29',
      gender: 'female',
      generalPractitioner: [{ reference: 'Practitioner/d1' }, { reference: 'Organization/o1' }],
    };
    expect(matches(patient, 'birthdate=1980-02-29')).toBe(true);
    expect(matches(patient, 'birthdate=1980')).toBe(true);
    expect(matches(patient, 'birthdate=1980-03')).toBe(false);
    expect(matches(patient, 'birthdate=lt1981&birthdate=ge1980-02')).toBe(true);
    expect(matches(patient, 'gender=female')).toBe(true);
    expect(matches(patient, 'gender=male,other')).toBe(false);
    expect(matches(patient, 'general-practitioner=Practitioner/d1')).toBe(true);
    expect(matches(patient, 'general-practitioner:Organization=o1')).toBe(true);
    expect(matches(patient, 'general-practitioner=Practitioner/o1')).toBe(false);
    expect(
      matches(
        { resourceType: 'RelatedPerson', id: 'r1', birthDate: '2001', gender: 'male' },
        'birthdate=2001&gender=male',
      ),
    ).toBe(true);
  });

  it('a resource of another type never matches', () => {
    const parsed = parseFhirSearch('Condition', new URLSearchParams(''));
    expect(parsed.ok && matchesFhirSearch(allergy, parsed.value)).toBe(false);
  });
});
