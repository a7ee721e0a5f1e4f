import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createFhirValidator } from '../../../src/fhir/input/createFhirValidator.js';
import { fhirFileSource } from '../../../src/fhir/input/fhirFileSource.js';
import { readAll } from './fixtures.js';

const SAMPLE = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/fhir/synthea');
const files = readdirSync(SAMPLE)
  .filter((name) => name.endsWith('.json'))
  .map((name) => join(SAMPLE, name));

/** Every `reference` string in `value`, at any depth. */
function references(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value)) return value.flatMap(references);
  return Object.entries(value).flatMap(([key, item]) =>
    key === 'reference' && typeof item === 'string' ? [item] : references(item),
  );
}

describe('the Synthea sample (12 transaction Bundles, 3,464 resources of 16 types)', () => {
  it('yields every resource, validated, refuses none, resolves every urn:uuid to a resource of the sample, and keeps the count of every type', async () => {
    const expected = new Map<string, number>();
    for (const file of files) {
      const input = JSON.parse(readFileSync(file, 'utf8')) as {
        entry: { resource: { resourceType: string } }[];
      };
      for (const { resource } of input.entry)
        expected.set(resource.resourceType, (expected.get(resource.resourceType) ?? 0) + 1);
    }
    const { resources, refusals } = await readAll(files.map(fhirFileSource), {
      validator: await createFhirValidator(),
    });

    expect(refusals).toEqual([]);
    expect(resources).toHaveLength(3464);
    const counted = new Map<string, number>();
    for (const resource of resources)
      counted.set(resource.resourceType, (counted.get(resource.resourceType) ?? 0) + 1);
    expect(counted.size).toBe(16);
    expect(counted).toEqual(expected);

    const names = new Set(resources.map((resource) => `${resource.resourceType}/${resource.id}`));
    const all = resources.flatMap(references);
    expect(all.length).toBeGreaterThan(5000);
    expect(all.filter((reference) => reference.startsWith('urn:'))).toEqual([]);
    // Claims refer to their contained resources by #id (kept as they are); every other reference lands in the sample.
    expect(all.filter((reference) => !reference.startsWith('#') && !names.has(reference))).toEqual([]);
  });

  it('names every resource by the id the Bundle gave it', async () => {
    const [file] = files;
    const input = JSON.parse(readFileSync(file as string, 'utf8')) as {
      entry: { fullUrl: string; resource: { resourceType: string; id: string } }[];
    };
    const { resources } = await readAll([fhirFileSource(file as string)]);
    expect(resources.map((resource) => `${resource.resourceType}/${resource.id}`)).toEqual(
      input.entry.map((entry) => `${entry.resource.resourceType}/${entry.fullUrl.replace('urn:uuid:', '')}`),
    );
  });
});
