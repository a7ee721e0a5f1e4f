import type { FhirResource } from '../fhirResource.js';

/**
 * A FHIR R4 resource as import yields it: a {@link FhirResource} whose `id` is a FHIR id
 * (see `isFhirId`), every other element as it came in (references inside a Bundle
 * already rewritten to `Type/id`).
 *
 * @example `{ resourceType: 'Patient', id: 'p1', name: [{ family: 'Ng' }] }`
 */
export type ImportedFhirResource = FhirResource & { readonly id: string };
