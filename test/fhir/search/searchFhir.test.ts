import { describe, expect, it } from 'vitest';
import type { FhirResource } from '../../../src/fhir/fhirResource.js';
import { fhirStreamOf } from '../../../src/fhir/fhirStreamOf.js';
import type { FhirSearchBundle } from '../../../src/fhir/search/fhirSearchBundle.js';
import type { FhirSearchSource } from '../../../src/fhir/search/fhirSearchSource.js';
import { matchesFhirSearch } from '../../../src/fhir/search/matchesFhirSearch.js';
import { parseFhirSearch } from '../../../src/fhir/search/parseFhirSearch.js';
import { searchFhir, type SearchFhirOptions } from '../../../src/fhir/search/searchFhir.js';
import { syntheaResources } from '../syntheaFixtures.js';
import { memoryFhirSearchSource, updatedAt, withLastUpdated } from './memoryFhirSearchSource.js';

const BASE = 'http://127.0.0.1:8080/fhir';
const resources = withLastUpdated(syntheaResources());
const source = memoryFhirSearchSource(resources);
const PATIENT = '7ecc7bc6-8b00-ef6f-1389-6215d2b767b8';

function search(
  src: FhirSearchSource,
  type: string,
  query: string,
  options: Partial<SearchFhirOptions> = {},
): FhirSearchBundle {
  const parsed = parseFhirSearch(type, new URLSearchParams(query));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const answer = searchFhir(src, parsed.value, { baseUrl: BASE, ...options });
  if (!answer.ok) throw new Error(JSON.stringify(answer.issues));
  return answer.value;
}
const idsOf = (b: FhirSearchBundle) => (b.entry ?? []).map((e) => e.resource.id);
const link = (b: FhirSearchBundle, relation: string) => b.link.find((l) => l.relation === relation)?.url;

/** Every page from the first, following next links. */
function allPages(src: FhirSearchSource, type: string, query: string): FhirSearchBundle[] {
  const pages = [search(src, type, query)];
  for (let next = link(pages[0] as FhirSearchBundle, 'next'); next !== undefined;) {
    const url = new URL(next);
    expect(url.origin + url.pathname).toBe(`${BASE}/${type}`);
    const page = search(src, type, url.search.slice(1));
    pages.push(page);
    next = link(page, 'next');
  }
  return pages;
}
const fullScan = (type: string, query: string): FhirResource[] => {
  const parsed = parseFhirSearch(type, new URLSearchParams(query));
  if (!parsed.ok) throw new Error('refused');
  return resources.filter((r) => matchesFhirSearch(r, parsed.value));
};

describe('searchFhir over the Synthea patients', () => {
  it("a patient's Observations are exactly those whose subject is that patient, with the total and absolute links", () => {
    const expected = resources.filter(
      (r) =>
        r.resourceType === 'Observation' &&
        (r['subject'] as { reference: string }).reference === `Patient/${PATIENT}`,
    );
    expect(expected.length).toBeGreaterThan(100);
    const first = search(source, 'Observation', `patient=${PATIENT}`);
    expect(first).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: expected.length });
    expect(first.entry).toHaveLength(20);
    expect(first.entry?.[0]).toMatchObject({
      fullUrl: `${BASE}/Observation/${first.entry?.[0]?.resource.id}`,
      search: { mode: 'match' },
    });
    expect(link(first, 'self')).toBe(`${BASE}/Observation?patient=${PATIENT}&_count=20`);
    expect(link(first, 'previous')).toBeUndefined();
    const ids = allPages(source, 'Observation', `patient=Patient/${PATIENT}`).flatMap(idsOf);
    expect(ids).toEqual(expected.map((r) => r.id).sort());
  });

  it('a code search (system|code) finds the body heights of every patient by a scan that pages in key order', () => {
    const query = 'code=http://loinc.org|8302-2&_count=7';
    const expected = fullScan('Observation', query)
      .map((r) => r.id)
      .sort();
    expect(expected.length).toBeGreaterThan(20);
    const pages = allPages(source, 'Observation', query);
    expect(pages.flatMap(idsOf)).toEqual(expected);
    expect(pages[0]?.total).toBeUndefined(); // a scan counts only when asked
    expect(search(source, 'Observation', `${query}&_total=accurate`).total).toBe(expected.length);
    expect(search(source, 'Observation', 'code=http://snomed.info/sct|8302-2').entry).toBeUndefined();
    expect(search(source, 'Observation', 'code=8302-2&_count=0')).toMatchObject({ total: expected.length });
  });

  it('a scan stops once its page is full (and one more match says there is a next page)', () => {
    const counting = memoryFhirSearchSource(resources);
    const page = search(counting, 'Observation', 'status=final&_count=5');
    expect(page.entry).toHaveLength(5);
    expect(counting.scanned()).toBe(6);
    expect(link(page, 'next')).toContain(`_after=Observation%2F${page.entry?.[4]?.resource.id}`);
  });

  it('_sort=-_lastUpdated pages newest first, ties by key, each resource once, with previous links back', () => {
    const pages = allPages(source, 'Condition', `patient=${PATIENT}&_sort=-_lastUpdated&_count=3`);
    const got = pages.flatMap((p) => (p.entry ?? []).map((e) => e.resource));
    const expected = [...fullScan('Condition', `patient=${PATIENT}`)].sort((a, b) => {
      const t = String(b.meta?.lastUpdated).localeCompare(String(a.meta?.lastUpdated));
      return t !== 0 ? t : (a.id ?? '') < (b.id ?? '') ? -1 : 1;
    });
    expect(got.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    const last = pages[pages.length - 1] as FhirSearchBundle;
    const previous = new URL(link(last, 'previous') as string);
    expect(idsOf(search(source, 'Condition', previous.search.slice(1)))).toEqual(
      idsOf(pages[pages.length - 2] as FhirSearchBundle),
    );
  });

  it('an unscoped _sort holds up to its bound in memory and is refused as too-costly beyond it', () => {
    const all = search(source, 'Encounter', '_sort=_lastUpdated&_count=1000');
    expect(all.total).toBe(286);
    const parsed = parseFhirSearch('Encounter', new URLSearchParams('_sort=_lastUpdated'));
    if (!parsed.ok) throw new Error('refused');
    const refused = searchFhir(source, parsed.value, { baseUrl: BASE, maxSortedMatches: 100 });
    expect(refused).toMatchObject({ ok: false, issues: [{ code: 'too-costly', expression: ['_sort'] }] });
    if (!refused.ok) expect(refused.issues[0]?.diagnostics).toContain('more than 100 Encounter');
  });

  it('_id reads the resources named; combined with other parameters they must match too', () => {
    const [a, b] = resources.filter((r) => r.resourceType === 'Immunization');
    expect(idsOf(search(source, 'Immunization', `_id=${b?.id},${a?.id},missing`))).toEqual(
      [a?.id, b?.id].sort(),
    );
    expect(idsOf(search(source, 'Patient', `_id=${PATIENT}`))).toEqual([PATIENT]);
    expect(search(source, 'Immunization', `_id=${a?.id}&status=not-done`).entry).toBeUndefined();
  });

  it('date on an Encounter period and _lastUpdated on meta', () => {
    const year = fullScan('Encounter', `patient=${PATIENT}&date=2019`);
    expect(year.length).toBeGreaterThan(0);
    expect(year.every((e) => String((e['period'] as { start: string }).start).startsWith('2019'))).toBe(true);
    expect(allPages(source, 'Encounter', `patient=${PATIENT}&date=2019`).flatMap(idsOf)).toEqual(
      year.map((r) => r.id).sort(),
    );
    const stamp = resources[10]?.meta?.lastUpdated as string;
    expect(fullScan('Patient', `_lastUpdated=eq${stamp.slice(0, 19)}Z`).length).toBeLessThanOrEqual(3);
  });
});

describe('searchFhir where a match is not filed on the patient record', () => {
  const appointment = (id: string, patient: string, start: string): FhirResource =>
    updatedAt(
      {
        resourceType: 'Appointment',
        id,
        status: 'booked',
        start,
        participant: [{ actor: { reference: `Patient/${patient}` }, status: 'accepted' }],
      },
      '2024-01-01T00:00:00Z',
    );

  it('finds an Appointment by patient (filed on directory/Appointment) by scanning the type', () => {
    const booked = [
      appointment('ap1', 'p1', '2024-03-05T09:00:00Z'),
      appointment('ap2', 'p2', '2024-03-05T10:00:00Z'),
      appointment('ap3', 'p1', '2024-04-01T09:00:00Z'),
    ];
    expect(fhirStreamOf(booked[0] as FhirResource)).toBe('directory/Appointment');
    const src = memoryFhirSearchSource(booked);
    expect(idsOf(search(src, 'Appointment', 'patient=p1'))).toEqual(['ap1', 'ap3']);
    expect(idsOf(search(src, 'Appointment', 'patient=p1&date=2024-03-05'))).toEqual(['ap1']);
  });

  it('refuses _before on a scan (it pages forward only) as not-supported', () => {
    const parsed = parseFhirSearch('Observation', new URLSearchParams('_before=Observation/x'));
    if (!parsed.ok) throw new Error('refused');
    expect(searchFhir(source, parsed.value, { baseUrl: BASE })).toMatchObject({
      ok: false,
      issues: [{ code: 'not-supported', expression: ['_before'] }],
    });
  });
});
