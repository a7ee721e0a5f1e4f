import type { Json } from '../../event/json.js';

/**
 * A FHIR R4 resource as plain JSON, as import yields it: a `resourceType`, an `id` that
 * is a FHIR id (see {@link isFhirId}), and every other element as it came in (references
 * inside a Bundle already rewritten to `Type/id`).
 *
 * @example `{ resourceType: 'Patient', id: 'p1', name: [{ family: 'Ng' }] }`
 */
export interface FhirResource {
  /** The resource type, e.g. `Observation`. */
  readonly resourceType: string;
  /** The logical id: `[A-Za-z0-9\-.]{1,64}`. */
  readonly id: string;
  /** Every other element, in its R4 JSON form. */
  readonly [element: string]: Json;
}
