import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FhirResource } from '../../src/fhir/fhirResource.js';

/** The 12 synthetic patients' transaction Bundles (test/fixtures/fhir, from Synthea: see its README). */
export const SYNTHEA_DIR = fileURLToPath(new URL('../fixtures/fhir/synthea/', import.meta.url));

interface Entry {
  readonly fullUrl?: string;
  readonly resource: FhirResource;
}

/** The bundles' file names, sorted. */
export function syntheaBundleFiles(): string[] {
  return readdirSync(SYNTHEA_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

/**
 * Every resource of the Synthea bundles (or of the `files` given), with `urn:uuid:`
 * references rewritten to `Type/id` (what an import does first), bundle by bundle.
 */
export function syntheaResources(files: readonly string[] = syntheaBundleFiles()): FhirResource[] {
  const out: FhirResource[] = [];
  for (const file of files) {
    const bundle = JSON.parse(readFileSync(SYNTHEA_DIR + file, 'utf8')) as { entry: Entry[] };
    const byUrl = new Map(
      bundle.entry.map((e) => [e.fullUrl, `${e.resource.resourceType}/${e.resource.id}`]),
    );
    const text = JSON.stringify(bundle.entry.map((e) => e.resource)).replace(
      /"reference":"(urn:uuid:[^"]+)"/g,
      (m, url: string) => (byUrl.has(url) ? `"reference":"${byUrl.get(url)}"` : m),
    );
    out.push(...(JSON.parse(text) as FhirResource[]));
  }
  return out;
}
