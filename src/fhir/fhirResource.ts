import type { Resource } from '@medplum/fhirtypes';

/**
 * A FHIR R4 resource as JSON. Typed with `@medplum/fhirtypes` (an optional peer
 * dependency of `chartlog/fhir`, needed for its types only): narrow with its resource
 * types, e.g. `readFhirResource(view, stream, 'Patient/p1') as Patient`.
 */
export type FhirResource = Resource;

/** The `meta.tag` system chartlog marks records with. */
export const CHARTLOG_TAG_SYSTEM = 'https://chartlog.dev/fhir/CodeSystem/merge-state';

/** The extension listing the competing values of an element in conflict. */
export const CONCURRENT_VALUES_EXTENSION = 'https://chartlog.dev/fhir/StructureDefinition/concurrent-values';
