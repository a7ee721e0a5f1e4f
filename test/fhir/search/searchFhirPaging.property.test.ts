import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FhirResource } from '../../../src/fhir/fhirResource.js';
import { fhirDateRange } from '../../../src/fhir/search/fhirDateRange.js';
import { matchesFhirSearch } from '../../../src/fhir/search/matchesFhirSearch.js';
import { parseFhirSearch } from '../../../src/fhir/search/parseFhirSearch.js';
import { searchFhir } from '../../../src/fhir/search/searchFhir.js';
import { propertyParameters } from '../../../src/testing/propertyParameters.js';
import { memoryFhirSearchSource } from './memoryFhirSearchSource.js';

const BASE = 'http://127.0.0.1/fhir';
const day = fc.integer({ min: 1, max: 9 }).map((d) => `2024-03-0${d}`);

const observation = fc
  .record({
    id: fc.stringMatching(/^[a-c][0-9a-z.-]{0,3}$/),
    subject: fc.constantFrom('Patient/p1', 'Patient/p2', 'Group/g1'),
    status: fc.constantFrom('final', 'amended', 'preliminary'),
    code: fc.constantFrom(
      ['http://loinc.org', '1'],
      ['http://loinc.org', '2'],
      ['http://snomed.info/sct', '1'],
      [undefined, '1'],
    ),
    effective: fc.oneof(
      day.map((d) => ({ effectiveDateTime: `${d}T12:00:00Z` })),
      fc.tuple(day, day).map(([a, b]) => ({ effectivePeriod: a <= b ? { start: a, end: b } : { start: b } })),
    ),
    updated: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined, freq: 2 }),
    identifier: fc.subarray([
      { system: 'urn:lab', value: 'x1' },
      { system: 'urn:lab', value: 'x2' },
      { value: 'x1' },
    ]),
  })
  .map((o): FhirResource => ({
    resourceType: 'Observation',
    id: o.id,
    ...(o.updated === undefined ? {} : { meta: { lastUpdated: `2024-01-01T00:00:0${o.updated}Z` } }),
    status: o.status,
    code: {
      coding: [o.code[0] === undefined ? { code: o.code[1] } : { system: o.code[0], code: o.code[1] }],
    },
    subject: { reference: o.subject },
    ...(o.identifier.length === 0 ? {} : { identifier: o.identifier }),
    ...o.effective,
  }));

// fc.option's freq is 1/P(nil): 2 leaves half the parameters out (1 would leave every one out).
const query = fc
  .record({
    patient: fc.option(
      fc.constantFrom('patient=p1', 'subject=Patient/p2', 'subject=Group/g1', 'patient=p1,p2'),
      { nil: undefined, freq: 2 },
    ),
    status: fc.option(fc.constantFrom('status=final', 'status=final,amended'), { nil: undefined, freq: 2 }),
    code: fc.option(
      fc.constantFrom('code=1', 'code=http://loinc.org|1', 'code=|1', 'code=http://loinc.org|'),
      { nil: undefined, freq: 2 },
    ),
    date: fc.option(
      fc
        .tuple(fc.constantFrom('eq', 'ne', 'lt', 'gt', 'le', 'ge', 'sa', 'eb'), day)
        .map(([p, d]) => `date=${p}${d}`),
      { nil: undefined, freq: 2 },
    ),
    identifier: fc.option(
      fc.constantFrom(
        'identifier=x1',
        'identifier=urn:lab|x1',
        'identifier=|x1',
        'identifier=urn:lab|',
        'identifier=x2,|x1',
      ),
      { nil: undefined, freq: 2 },
    ),
    sort: fc.option(fc.constantFrom('_sort=_lastUpdated', '_sort=-_lastUpdated'), {
      nil: undefined,
      freq: 2,
    }),
    count: fc.integer({ min: 1, max: 6 }),
  })
  .map((q) =>
    [q.patient, q.status, q.code, q.date, q.identifier, q.sort, `_count=${q.count}`]
      .filter((p) => p !== undefined)
      .join('&'),
  );

const instant = (r: FhirResource) =>
  typeof r.meta?.lastUpdated === 'string'
    ? (fhirDateRange(r.meta.lastUpdated)?.start ?? -Infinity)
    : -Infinity;
const key = (r: FhirResource) => `${r.resourceType}/${r.id}`;

describe('paging through a search', () => {
  it('returns exactly the matches of a full scan, each once, in key order or in _sort order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(observation, { selector: (o) => o.id, maxLength: 30 }),
        query,
        (observations, q) => {
          const source = memoryFhirSearchSource(observations);
          const parsed = parseFhirSearch('Observation', new URLSearchParams(q));
          if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
          const s = parsed.value;
          const expected = observations
            .filter((r) => matchesFhirSearch(r, s))
            .sort((a, b) => {
              const t =
                s.sort === undefined ? 0 : (instant(a) - instant(b)) * (s.sort === '-lastUpdated' ? -1 : 1);
              return t !== 0 && !Number.isNaN(t) ? t : key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
            });
          const got: string[] = [];
          let params = q;
          for (let pages = 0; ; pages++) {
            expect(pages).toBeLessThanOrEqual(observations.length + 1);
            const answer = searchFhir(source, { ...parseOrThrow(params) }, { baseUrl: BASE });
            if (!answer.ok) throw new Error(JSON.stringify(answer.issues));
            const entries = answer.value.entry ?? [];
            expect(entries.length).toBeLessThanOrEqual(s.count);
            got.push(...entries.map((e) => key(e.resource)));
            if (answer.value.total !== undefined) expect(answer.value.total).toBe(expected.length);
            const next = answer.value.link.find((l) => l.relation === 'next');
            if (next === undefined) break;
            expect(entries.length).toBe(s.count);
            params = new URL(next.url).search.slice(1);
          }
          expect(got).toEqual(expected.map(key));
        },
      ),
      propertyParameters({ label: 'FHIR search paging = full scan' }),
    );
  });
});

function parseOrThrow(params: string) {
  const parsed = parseFhirSearch('Observation', new URLSearchParams(params));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}
