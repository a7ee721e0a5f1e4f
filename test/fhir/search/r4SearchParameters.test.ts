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
    });
    expect(R4_SEARCH_PARAMETERS['Observation']?.['patient']).toEqual({ type: 'reference', paths: [{ path: 'subject', type: 'Reference', patientOnly: true }] });
  });

  it('expand a choice element to its JSON names, keeping only the type an `as` names and only date-like values for a date', () => {
    expect(R4_SEARCH_PARAMETERS['Observation']?.['date']?.paths.map((p) => p.path)).toEqual(['effectiveDateTime', 'effectivePeriod', 'effectiveTiming', 'effectiveInstant']);
    expect(R4_SEARCH_PARAMETERS['MedicationRequest']?.['code']?.paths).toEqual([{ path: 'medicationCodeableConcept', type: 'CodeableConcept' }]);
    expect(R4_SEARCH_PARAMETERS['Immunization']?.['date']?.paths).toEqual([{ path: 'occurrenceDateTime', type: 'dateTime' }]);
    expect(R4_SEARCH_PARAMETERS['Encounter']?.['date']?.paths).toEqual([{ path: 'period', type: 'Period' }]);
  });

  it('hold only patient, subject, code, status and date (and no type that defines none of them)', () => {
    const codes = new Set(Object.values(R4_SEARCH_PARAMETERS).flatMap((p) => Object.keys(p)));
    expect([...codes].sort()).toEqual(['code', 'date', 'patient', 'status', 'subject']);
    expect(R4_SEARCH_PARAMETERS['Patient']).toBeUndefined();
    expect(Object.keys(R4_SEARCH_PARAMETERS['Appointment'] ?? {})).toEqual(['patient', 'status', 'date']);
  });
});
