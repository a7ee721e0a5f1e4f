import { describe, expect, it } from 'vitest';
import { fhirStreamOf } from '../../../src/fhir/fhirStreamOf.js';
import { fhirEverything } from '../../../src/fhir/search/fhirEverything.js';
import type { FhirSearchBundle } from '../../../src/fhir/search/fhirSearchBundle.js';
import { parseFhirEverything } from '../../../src/fhir/search/parseFhirEverything.js';
import { syntheaResources } from '../syntheaFixtures.js';
import { memoryFhirSearchSource, withLastUpdated } from './memoryFhirSearchSource.js';

const BASE = 'https://site-a.example/fhir/';
const resources = withLastUpdated(syntheaResources());
const source = memoryFhirSearchSource(resources);
const PATIENT = '20fccd9d-7d9d-9626-59df-2caaf7e40b0e';

function everything(patient: string, query: string): FhirSearchBundle {
  const q = parseFhirEverything(new URLSearchParams(query));
  if (!q.ok) throw new Error(JSON.stringify(q.issues));
  const answer = fhirEverything(source, patient, q.value, { baseUrl: BASE });
  if (!answer.ok) throw new Error(JSON.stringify(answer.issues));
  return answer.value;
}

describe('Patient/{id}/$everything', () => {
  it('answers the Patient first, then its whole record once in key order, page by page', () => {
    const record = resources.filter((r) => fhirStreamOf(r) === `patient/${PATIENT}`);
    const keys: string[] = [];
    let page = everything(PATIENT, '_count=50');
    expect(page.total).toBe(record.length);
    expect(page.link[0]?.url).toBe(`https://site-a.example/fhir/Patient/${PATIENT}/$everything?_count=50`);
    for (;;) {
      keys.push(...(page.entry ?? []).map((e) => `${e.resource.resourceType}/${e.resource.id}`));
      const next = page.link.find((l) => l.relation === 'next');
      if (next === undefined) break;
      page = everything(PATIENT, new URL(next.url).search.slice(1));
    }
    expect(keys[0]).toBe(`Patient/${PATIENT}`);
    const rest = keys.slice(1);
    expect(rest).toEqual([...rest].sort());
    expect(new Set(keys).size).toBe(record.length);
    expect(keys).toHaveLength(record.length);
  });

  it('filters by _type and _since, and pages back with previous links', () => {
    const conditions = everything(PATIENT, '_type=Condition&_count=2');
    expect(conditions.entry?.every((e) => e.resource.resourceType === 'Condition')).toBe(true);
    const second = everything(
      PATIENT,
      new URL(conditions.link.find((l) => l.relation === 'next')?.url as string).search.slice(1),
    );
    const back = everything(
      PATIENT,
      new URL(second.link.find((l) => l.relation === 'previous')?.url as string).search.slice(1),
    );
    expect(back.entry?.map((e) => e.resource.id)).toEqual(conditions.entry?.map((e) => e.resource.id));
    expect(everything(PATIENT, '_since=2100-01-01T00:00:00Z')).toMatchObject({ total: 0 });
  });

  it('refuses an unknown patient as not-found and unsupported parameters as not-supported', () => {
    const q = parseFhirEverything(new URLSearchParams(''));
    if (!q.ok) throw new Error('refused');
    expect(fhirEverything(source, 'nobody', q.value, { baseUrl: BASE })).toMatchObject({
      ok: false,
      issues: [{ code: 'not-found' }],
    });
    expect(parseFhirEverything(new URLSearchParams('start=2024-01-01'))).toMatchObject({
      ok: false,
      issues: [{ code: 'not-supported', expression: ['start'] }],
    });
    expect(parseFhirEverything(new URLSearchParams('_type=Bogus'))).toMatchObject({
      ok: false,
      issues: [{ code: 'invalid' }],
    });
  });
});
