import { canonicalJson } from '../../event/canonicalJson.js';
import type { JsonObject } from '../../event/json.js';
import { uuidFromSha256 } from '../../event/uuidFromSha256.js';

/** Prefixed to the content hashed by {@link deterministicFhirId}: change it and every derived id changes. */
const SCHEME = 'chartlog/fhir import id v1\n';

/**
 * The id import gives a resource that has none (and no `fullUrl` or `request.url` to take
 * one from): a UUID from SHA-256 of a fixed scheme text and the resource's canonical JSON
 * (as it came in, before references are resolved). The same resource always gets the
 * same id, so importing the same input twice names the same resources.
 *
 * The resource must already be checked for nesting depth (canonical JSON recurses).
 *
 * @example deterministicFhirId({ resourceType: 'Patient', name: [{ family: 'Ng' }] }) // the same UUID every time
 */
export function deterministicFhirId(resource: JsonObject): string {
  return uuidFromSha256(SCHEME + canonicalJson(resource));
}
