import type { FhirResource } from '../fhirResource.js';

/**
 * What {@link searchFhir} and {@link fhirEverything} read: a replica's resources as FHIR
 * R4 JSON with `meta` (`versionId`, `lastUpdated`). The REST handler implements it over
 * the store's projection; keys are `<Type>/<id>` and "key order" is JavaScript string
 * order (code units; the same as SQLite's BINARY collation for FHIR ids, which are ASCII).
 */
export interface FhirSearchSource {
  /**
   * Every resource on the stream `patient/<patientId>` (the Patient and its compartment), in
   * any order; with `type`, only those of that type (a source may return others: the search
   * filters by type anyway, but a source that can skip them reads far less).
   */
  patientRecord(patientId: string, type?: string): Iterable<FhirResource>;
  /**
   * Resources of `type` on any stream, in key order, starting strictly after the key
   * `after` when given. Read lazily: a search stops as soon as its page is full.
   */
  ofType(type: string, after?: string): Iterable<FhirResource>;
  /** The resource with key `<Type>/<id>` wherever it lives, or undefined. */
  read(key: string): FhirResource | undefined;
}
