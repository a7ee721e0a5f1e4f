import { R4_RESOURCES } from '../r4/r4Definitions.generated.js';
import type { FhirSearch } from './fhirSearch.js';

/**
 * The patients whose records hold every match of `search`, when one of its clauses says
 * so: a `patient`/`subject` clause naming only Patients, on a type whose parameter reads
 * the single element that `fhirStreamOf` files it by (the first of its compartment
 * elements: `Observation.subject`, `AllergyIntolerance.patient` …). Otherwise (Appointment's
 * `participant.actor`, Provenance's repeating `target`, a Group subject) undefined: a match
 * may live on another stream, and the search scans the type instead.
 */
export function fhirPatientScope(search: FhirSearch): readonly string[] | undefined {
  const resource = R4_RESOURCES[search.type];
  if (resource === undefined) return undefined;
  const filedBy = resource.compartment[0];
  for (const clause of search.clauses) {
    if (clause.kind !== 'reference' || (clause.name !== 'patient' && clause.name !== 'subject')) continue;
    const filed = clause.paths.every((p) => p.path === filedBy && resource.elements[p.path]?.max === 1);
    if (filed && clause.values.every((v) => v.type === 'Patient'))
      return [...new Set(clause.values.map((v) => v.id))];
  }
  return undefined;
}
