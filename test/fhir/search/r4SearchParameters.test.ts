import { describe, expect, it } from 'vitest';
import { R4_SEARCH_PARAMETERS } from '../../../src/fhir/r4/r4SearchParameters.generated.js';

describe('the R4 search parameters chartlog supports, generated from the R4 SearchParameters', () => {
  it('turn each FHIRPath expression into the JSON paths it reads for that type', () => {
    expect(R4_SEARCH_PARAMETERS['AllergyIntolerance']?.['code']).toEqual({
      type: 'token',
      paths: [
        { path: 'code', type: 'CodeableConcept' },
        { path: 'reaction.substance', type: 'CodeableConcept' },
      ],
      id: 'clinical-code',
    });
    expect(R4_SEARCH_PARAMETERS['Observation']?.['patient']).toEqual({
      type: 'reference',
      paths: [{ path: 'subject', type: 'Reference', patientOnly: true }],
      id: 'clinical-patient',
    });
  });

  it('expand a choice element to its JSON names, keeping only the type an `as` names and only date-like values for a date', () => {
    expect(R4_SEARCH_PARAMETERS['Observation']?.['date']?.paths.map((p) => p.path)).toEqual([
      'effectiveDateTime',
      'effectivePeriod',
      'effectiveTiming',
      'effectiveInstant',
    ]);
    expect(R4_SEARCH_PARAMETERS['MedicationRequest']?.['code']?.paths).toEqual([
      { path: 'medicationCodeableConcept', type: 'CodeableConcept' },
    ]);
    expect(R4_SEARCH_PARAMETERS['Immunization']?.['date']?.paths).toEqual([
      { path: 'occurrenceDateTime', type: 'dateTime' },
    ]);
    expect(R4_SEARCH_PARAMETERS['Encounter']?.['date']?.paths).toEqual([{ path: 'period', type: 'Period' }]);
  });

  it('hold only the codes chartlog supports (and no type that defines none of them)', () => {
    const codes = new Set(Object.values(R4_SEARCH_PARAMETERS).flatMap((p) => Object.keys(p)));
    expect([...codes].sort()).toEqual([
      'birthdate',
      'code',
      'date',
      'family',
      'gender',
      'general-practitioner',
      'given',
      'identifier',
      'name',
      'patient',
      'status',
      'subject',
    ]);
    expect(R4_SEARCH_PARAMETERS['Parameters']).toBeUndefined();
    expect(Object.keys(R4_SEARCH_PARAMETERS['Appointment'] ?? {})).toEqual([
      'patient',
      'status',
      'date',
      'identifier',
    ]);
  });

  it("find a patient: Patient's identifier, name parts, birthdate, gender and general practitioner, with the id of a SearchParameter R4 shares across types", () => {
    expect(R4_SEARCH_PARAMETERS['Patient']).toEqual({
      identifier: { type: 'token', paths: [{ path: 'identifier', type: 'Identifier' }] },
      name: { type: 'string', paths: [{ path: 'name', type: 'HumanName' }] },
      family: { type: 'string', paths: [{ path: 'name.family', type: 'string' }], id: 'individual-family' },
      given: { type: 'string', paths: [{ path: 'name.given', type: 'string' }], id: 'individual-given' },
      birthdate: { type: 'date', paths: [{ path: 'birthDate', type: 'date' }], id: 'individual-birthdate' },
      gender: { type: 'token', paths: [{ path: 'gender', type: 'code' }], id: 'individual-gender' },
      'general-practitioner': {
        type: 'reference',
        paths: [{ path: 'generalPractitioner', type: 'Reference' }],
      },
    });
    // InsurancePlan's expression is `name | alias`, without the type: read as InsurancePlan.name | InsurancePlan.alias.
    expect(R4_SEARCH_PARAMETERS['InsurancePlan']?.['name']?.paths.map((p) => p.path)).toEqual([
      'name',
      'alias',
    ]);
    const stringTypes = new Set(
      Object.values(R4_SEARCH_PARAMETERS).flatMap((p) =>
        Object.values(p)
          .filter((s) => s.type === 'string')
          .flatMap((s) => s.paths.map((x) => x.type)),
      ),
    );
    expect([...stringTypes].sort()).toEqual(['HumanName', 'string']);
  });
});
