import { describe, expect, it } from 'vitest';
import type { FhirResource } from '../../../src/fhir/fhirResource.js';
import {
  fhirStringsOf,
  foldFhirString,
  matchesFhirString,
} from '../../../src/fhir/search/matchesFhirString.js';
import { matchesFhirSearch } from '../../../src/fhir/search/matchesFhirSearch.js';
import { parseFhirSearch } from '../../../src/fhir/search/parseFhirSearch.js';

const matches = (resource: FhirResource, query: string): boolean => {
  const parsed = parseFhirSearch(resource.resourceType, new URLSearchParams(query));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return matchesFhirSearch(resource, parsed.value);
};

const zoe: FhirResource = {
  resourceType: 'Patient',
  id: 'p1',
  name: [
    { use: 'official', family: 'Brontë-Smith', given: ['Zoë', 'Ann'], prefix: ['Dr'], suffix: ['PhD'] },
    { use: 'nickname', text: 'Zed' },
  ],
};

describe('string search (R4 §3.1.1.4.5)', () => {
  it('folds case and accents, whether the accent is composed or decomposed', () => {
    expect(foldFhirString('Zoë')).toBe('zoe');
    expect(foldFhirString('Zoe\u0308')).toBe('zoe');
    expect(foldFhirString('ÉLODIE')).toBe('elodie');
    expect(foldFhirString('Øst')).toBe('øst'); // no base letter plus mark: stays
  });

  it('by default a value matches a string that starts with it, ignoring case and accents: Zoë is found by zoe', () => {
    expect(matches(zoe, 'given=zoe')).toBe(true);
    expect(matches(zoe, 'given=ZO')).toBe(true);
    expect(matches(zoe, 'given=Zoë')).toBe(true);
    expect(matches(zoe, 'given=an')).toBe(true); // the second given name
    expect(matches(zoe, 'given=oe')).toBe(false); // not at the start
    expect(matches(zoe, 'given=zoey')).toBe(false); // longer than the name
    expect(matches(zoe, 'family=bronte')).toBe(true);
    expect(matches(zoe, 'family=smith')).toBe(false);
  });

  it(':exact matches the whole string, case and accents included (composed or not)', () => {
    expect(matches(zoe, 'given:exact=Zoë')).toBe(true);
    expect(matches(zoe, 'given:exact=Zoe\u0308')).toBe(true);
    expect(matches(zoe, 'given:exact=Zoe')).toBe(false);
    expect(matches(zoe, 'given:exact=zoë')).toBe(false);
    expect(matches(zoe, 'given:exact=Zo')).toBe(false);
  });

  it(':contains matches anywhere in the string, ignoring case and accents', () => {
    expect(matches(zoe, 'family:contains=SMITH')).toBe(true);
    expect(matches(zoe, 'family:contains=ronte-s')).toBe(true);
    expect(matches(zoe, 'given:contains=oe')).toBe(true);
    expect(matches(zoe, 'given:contains=smith')).toBe(false);
  });

  it('name matches any part of any HumanName: family, given, prefix, suffix and text', () => {
    for (const value of ['bron', 'zoe', 'ann', 'dr', 'phd', 'zed'])
      expect(matches(zoe, `name=${value}`)).toBe(true);
    expect(matches(zoe, 'name=official')).toBe(false); // use is not a name
    expect(matches(zoe, 'name=smith')).toBe(false);
    expect(matches(zoe, 'name:contains=smith')).toBe(true);
    expect(
      fhirStringsOf(
        {
          use: 'official',
          family: 'Brontë-Smith',
          given: ['Zoë', 'Ann'],
          prefix: ['Dr'],
          text: 'Dr Zoë Brontë-Smith',
        },
        'HumanName',
      ),
    ).toEqual(['Brontë-Smith', 'Zoë', 'Ann', 'Dr', 'Dr Zoë Brontë-Smith']);
    expect(fhirStringsOf('Zoë', 'HumanName')).toEqual([]);
  });

  it('a comma is OR, a repeated parameter AND, and an escaped comma is text', () => {
    expect(matches(zoe, 'given=xavier,zoe')).toBe(true);
    expect(matches(zoe, 'given=zoe&family=bronte')).toBe(true);
    expect(matches(zoe, 'given=zoe&family=jones')).toBe(false);
    expect(matches({ ...zoe, name: [{ family: 'Smith, Jones' }] }, 'family:exact=Smith\\, Jones')).toBe(true);
  });

  it('a patient with no name matches no name search', () => {
    const nameless: FhirResource = { resourceType: 'Patient', id: 'p2' };
    expect(matches(nameless, 'name=a')).toBe(false);
    expect(matches(nameless, 'family:contains=a')).toBe(false);
  });

  it('reads a plain string element too (Organization.name and its aliases)', () => {
    const org: FhirResource = {
      resourceType: 'Organization',
      id: 'o1',
      name: 'Église Street Surgery',
      alias: ['The Surgery'],
    };
    expect(matches(org, 'name=eglise')).toBe(true);
    expect(matches(org, 'name=the surg')).toBe(true);
    expect(matches(org, 'name=street')).toBe(false);
    expect(matchesFhirString(['Église'], 'contains', ['GLI'])).toBe(true);
  });

  it('Practitioner, Person and RelatedPerson are found by name the same way', () => {
    const name = [{ family: 'Núñez', given: ['José'] }];
    expect(matches({ resourceType: 'Practitioner', id: 'd1', name }, 'family=nunez&given=jose')).toBe(true);
    expect(matches({ resourceType: 'Person', id: 'x1', name }, 'name=nun')).toBe(true);
    expect(
      matches(
        { resourceType: 'RelatedPerson', id: 'r1', patient: { reference: 'Patient/p1' }, name },
        'name:exact=José',
      ),
    ).toBe(true);
  });
});
