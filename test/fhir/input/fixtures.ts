import type { JsonObject } from '../../../src/event/json.js';
import { readFhirInput, type ReadFhirInputOptions } from '../../../src/fhir/input/readFhirInput.js';
import type { FhirInputItem } from '../../../src/fhir/input/fhirInputItem.js';
import type { FhirInputSource } from '../../../src/fhir/input/fhirInputSource.js';
import type { FhirRefusal } from '../../../src/fhir/input/fhirRefusal.js';
import type { ImportedFhirResource } from '../../../src/fhir/input/fhirResource.js';

/** A source holding `text`, cut into chunks of `chunkBytes` bytes (cuts may fall inside a character). */
export function textSource(name: string, text: string, chunkBytes = 7): FhirInputSource {
  const bytes = Buffer.from(text, 'utf8');
  return {
    name,
    totalBytes: bytes.length,
    chunks: (async function* () {
      for (let at = 0; at < bytes.length; at += chunkBytes) yield bytes.subarray(at, at + chunkBytes);
    })(),
  };
}

/** NDJSON text of `values`, one per line. */
export function ndjson(values: readonly unknown[], newline = '\n'): string {
  return values.map((value) => JSON.stringify(value)).join(newline) + newline;
}

/** Everything {@link readFhirInput} yields, split into resources and refusals (validation off unless given). */
export async function readAll(
  sources: readonly FhirInputSource[],
  options: ReadFhirInputOptions = {},
): Promise<{ items: FhirInputItem[]; resources: ImportedFhirResource[]; refusals: FhirRefusal[] }> {
  const items: FhirInputItem[] = [];
  for await (const item of readFhirInput(sources, { validator: false, ...options })) items.push(item);
  return {
    items,
    resources: items.flatMap((item) => (item.kind === 'resource' ? [item.resource] : [])),
    refusals: items.flatMap((item) => (item.kind === 'refused' ? [item.refusal] : [])),
  };
}

/** A Bundle of `type` holding `entries`. */
export function bundle(type: string, entries: readonly unknown[]): Record<string, unknown> {
  return { resourceType: 'Bundle', type, entry: entries };
}

/** A minimal valid Patient. */
export function patient(id?: string): JsonObject {
  return {
    resourceType: 'Patient',
    ...(id === undefined ? {} : { id }),
    name: [{ family: 'Ng', given: ['Ada'] }],
  };
}

/** A minimal valid Observation about `subject` (a reference string). */
export function observation(subject: string, id?: string): JsonObject {
  return {
    resourceType: 'Observation',
    ...(id === undefined ? {} : { id }),
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
    subject: { reference: subject },
    valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
  };
}
