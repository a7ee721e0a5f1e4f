/**
 * FHIR R4 search, pure (no HTTP): {@link parseFhirSearch} checks a query,
 * {@link searchFhir} answers it from a {@link FhirSearchSource} as a `searchset` Bundle,
 * {@link fhirEverything} answers `Patient/{id}/$everything`. The REST handler
 * (src/fhir/rest/) implements the source over the store's projection.
 *
 * @packageDocumentation
 */
export { fhirDateRange, type FhirDateRange } from './fhirDateRange.js';
export { fhirEverything, type FhirEverythingOptions } from './fhirEverything.js';
export { FHIR_DEFAULT_COUNT, FHIR_MAX_COUNT, type FhirPageOptions } from './fhirPageParameters.js';
export { fhirPatientScope } from './fhirPatientScope.js';
export type {
  FhirDatePrefix,
  FhirDateValue,
  FhirReferenceValue,
  FhirSearch,
  FhirSearchClause,
  FhirSearchCursor,
  FhirSearchIssue,
  FhirSearchOutcome,
  FhirSearchTotal,
  FhirStringMatch,
  FhirTokenValue,
} from './fhirSearch.js';
export type { FhirBundleLink, FhirSearchBundle, FhirSearchEntry } from './fhirSearchBundle.js';
export type { FhirSearchSource } from './fhirSearchSource.js';
export { fhirValuesAt } from './fhirValuesAt.js';
export { matchesFhirSearch } from './matchesFhirSearch.js';
export { satisfiesDatePrefix } from './matchesFhirDate.js';
export { parseFhirEverything, type FhirEverythingQuery } from './parseFhirEverything.js';
export { parseFhirSearch, supportedFhirSearchParameters } from './parseFhirSearch.js';
export { FHIR_MAX_SORTED_MATCHES, searchFhir, type SearchFhirOptions } from './searchFhir.js';
