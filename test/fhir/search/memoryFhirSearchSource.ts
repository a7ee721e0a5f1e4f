import type { FhirResource } from '../../../src/fhir/fhirResource.js';
import { fhirStreamOf } from '../../../src/fhir/fhirStreamOf.js';
import type { FhirSearchSource } from '../../../src/fhir/search/fhirSearchSource.js';

/** A test FhirSearchSource over resources in memory, as the REST handler's is over the projection: by stream, by type in key order, by key. */
export interface MemoryFhirSearchSource extends FhirSearchSource {
  /** How many resources `ofType` has yielded so far (to see a scan stop early). */
  readonly scanned: () => number;
}

/** Resources filed by `fhirStreamOf`, as an import would. */
export function memoryFhirSearchSource(resources: readonly FhirResource[]): MemoryFhirSearchSource {
  const byKey = new Map<string, FhirResource>();
  for (const r of resources) byKey.set(`${r.resourceType}/${r.id ?? ''}`, r);
  const keys = [...byKey.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let scanned = 0;
  return {
    patientRecord: (patientId) =>
      [...byKey.values()].filter((r) => fhirStreamOf(r) === `patient/${patientId}`),
    *ofType(type, after) {
      for (const key of keys) {
        if (!key.startsWith(`${type}/`) || (after !== undefined && key <= after)) continue;
        scanned++;
        yield byKey.get(key) as FhirResource;
      }
    },
    read: (key) => byKey.get(key),
    scanned: () => scanned,
  };
}

/** `resource` with `meta.lastUpdated`. */
export function updatedAt(resource: FhirResource, lastUpdated: string): FhirResource {
  return { ...resource, meta: { ...resource.meta, versionId: 'a.1', lastUpdated } };
}

/** The Synthea resources, each given a `meta.lastUpdated` (three at a time share one, so sorting has ties). */
export function withLastUpdated(resources: readonly FhirResource[]): FhirResource[] {
  const start = Date.UTC(2024, 0, 1);
  return resources.map((r, i) => updatedAt(r, new Date(start + Math.floor(i / 3) * 1000).toISOString()));
}
