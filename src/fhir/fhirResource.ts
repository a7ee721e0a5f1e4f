/**
 * A FHIR R4 resource as JSON: its `resourceType`, `id`, `meta`, and every other element
 * in its R4 JSON form. Deliberately loose, so any resource type (and any pack's) fits;
 * narrow it with the types of `@medplum/fhirtypes` or `@types/fhir`, e.g.
 * `readFhirResource(view, stream, 'Patient/p1') as Patient`.
 */
export interface FhirResource {
  /** The resource type, e.g. `AllergyIntolerance`. */
  readonly resourceType: string;
  /** Its logical id (a FHIR id: `[A-Za-z0-9\-.]{1,64}`). */
  readonly id?: string;
  /** `versionId` and `lastUpdated` come from the events when read from a chart. */
  readonly meta?: {
    readonly versionId?: string;
    readonly lastUpdated?: string;
    readonly tag?: readonly unknown[];
    readonly [element: string]: unknown;
  };
  /** Every other element. */
  readonly [element: string]: unknown;
}

/** The `meta.tag` system chartlog marks records with. */
export const CHARTLOG_TAG_SYSTEM = 'https://chartlog.dev/fhir/CodeSystem/merge-state';

/** The extension listing the competing values of an element in conflict. */
export const CONCURRENT_VALUES_EXTENSION = 'https://chartlog.dev/fhir/StructureDefinition/concurrent-values';
