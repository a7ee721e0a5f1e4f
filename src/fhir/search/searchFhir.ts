import type { FhirResource } from '../fhirResource.js';
import { fhirMemoryPage, type FhirMemoryPageRequest } from './fhirMemoryPage.js';
import { searchIssue } from './fhirPageParameters.js';
import { fhirPatientScope } from './fhirPatientScope.js';
import type { FhirSearch, FhirSearchOutcome } from './fhirSearch.js';
import { fhirSearchBundle, trimBaseUrl, type FhirPage, type FhirSearchBundle } from './fhirSearchBundle.js';
import { fhirCursorOf, formatFhirCursor, type FhirSearchOrder } from './fhirSearchOrder.js';
import type { FhirSearchSource } from './fhirSearchSource.js';
import { matchesFhirSearch } from './matchesFhirSearch.js';

/** Options for {@link searchFhir}. */
export interface SearchFhirOptions {
  /** The FHIR base URL links and `fullUrl`s are made under, e.g. `https://site-a.example/fhir`. */
  readonly baseUrl: string;
  /**
   * Most matches a `_sort` over a search not scoped to a patient may hold in memory to
   * sort them; beyond it the search is refused as `too-costly`. @defaultValue `10000`
   */
  readonly maxSortedMatches?: number;
}

/** The default {@link SearchFhirOptions.maxSortedMatches}. */
export const FHIR_MAX_SORTED_MATCHES = 10_000;

/**
 * Runs a checked search (from {@link parseFhirSearch}) over `source` and answers one page
 * as a FHIR R4 `searchset` Bundle: `total` when known (always for a search held in memory,
 * unless `_total=none`; for a scan only with `_total=accurate` or `_count=0`), `self`/`first`/
 * `next`/`previous` links under `baseUrl` repeating the search's parameters, entries with
 * `fullUrl` and `search.mode: 'match'`.
 *
 * How it reads: `_id` reads those resources; a search scoped to patients (`patient=` or
 * `subject=` a Patient, see {@link fhirPatientScope}) reads their records; anything else
 * scans the type in key order from the `_after` cursor and stops once the page is full
 * (a next link when one more match exists). An unscoped `_sort` holds every match: up to
 * `maxSortedMatches`, else `too-costly`. `_before` (a previous link) exists only for
 * searches held in memory; an unscoped scan gives next links only.
 *
 * @example
 * ```ts
 * const parsed = parseFhirSearch('Observation', url.searchParams);
 * const answer = parsed.ok ? searchFhir(source, parsed.value, { baseUrl: 'https://site-a.example/fhir' }) : parsed;
 * ```
 */
export function searchFhir(
  source: FhirSearchSource,
  search: FhirSearch,
  options: SearchFhirOptions,
): FhirSearchOutcome<FhirSearchBundle> {
  const held = heldMatches(source, search, options.maxSortedMatches ?? FHIR_MAX_SORTED_MATCHES);
  if (held !== undefined && !Array.isArray(held)) return held;
  let page: FhirPage;
  if (held !== undefined) {
    const order: FhirSearchOrder =
      search.sort === undefined
        ? { by: 'key' }
        : { by: 'lastUpdated', descending: search.sort === '-lastUpdated' };
    page = fhirMemoryPage(held, order, {
      count: search.count,
      ...cursors(search),
      withTotal: search.total !== 'none',
    });
  } else {
    if (search.before !== undefined) {
      return {
        ok: false,
        issues: [
          searchIssue(
            'not-supported',
            '_before pages backwards only through a search scoped to a patient, by _id, or sorted; follow the next links of this search',
            '_before',
          ),
        ],
      };
    }
    page = scanPage(source, search);
  }
  const cursor =
    search.after !== undefined
      ? (['_after', formatFhirCursor(search.after)] as const)
      : search.before !== undefined
        ? (['_before', formatFhirCursor(search.before)] as const)
        : undefined;
  const target = {
    url: `${trimBaseUrl(options.baseUrl)}/${search.type}`,
    params: search.params,
    count: search.count,
    ...(cursor === undefined ? {} : { cursor }),
  };
  return { ok: true, value: fhirSearchBundle(page, target, options.baseUrl) };
}

function cursors(search: FhirSearch): Pick<FhirMemoryPageRequest, 'after' | 'before'> {
  return {
    ...(search.after === undefined ? {} : { after: search.after }),
    ...(search.before === undefined ? {} : { before: search.before }),
  };
}

/** Every match, when the search is read into memory; undefined when it is paged by a scan. */
function heldMatches(
  source: FhirSearchSource,
  search: FhirSearch,
  maxSorted: number,
): FhirResource[] | FhirSearchOutcome<never> | undefined {
  const ids = search.clauses.find((c) => c.kind === 'id');
  if (ids !== undefined) {
    const read = [...new Set(ids.ids)].map((id) => source.read(`${search.type}/${id}`));
    return read.filter((r): r is FhirResource => r !== undefined && matchesFhirSearch(r, search));
  }
  const patients = fhirPatientScope(search);
  if (patients !== undefined) {
    const seen = new Set<string>();
    const out: FhirResource[] = [];
    for (const patient of patients) {
      for (const r of source.patientRecord(patient, search.type)) {
        const key = `${r.resourceType}/${r.id ?? ''}`;
        if (!seen.has(key) && matchesFhirSearch(r, search)) out.push(r);
        seen.add(key);
      }
    }
    return out;
  }
  if (search.sort === undefined) return undefined;
  const out: FhirResource[] = [];
  for (const r of source.ofType(search.type)) {
    if (!matchesFhirSearch(r, search)) continue;
    if (out.length === maxSorted) {
      const why =
        `_sort over a search not scoped to a patient holds every match in memory, and more than ${maxSorted} ` +
        `${search.type} resources match: add patient=…, narrow it (e.g. _lastUpdated=ge…), or drop _sort to ` +
        'page in key order';
      return { ok: false, issues: [searchIssue('too-costly', why, '_sort')] };
    }
    out.push(r);
  }
  return out;
}

/** One page of a scan in key order: matches after the cursor until the page is full, and whether one more exists. */
function scanPage(source: FhirSearchSource, search: FhirSearch): FhirPage {
  const resources: FhirResource[] = [];
  let more = false;
  if (search.count > 0) {
    for (const r of source.ofType(search.type, search.after?.key)) {
      if (!matchesFhirSearch(r, search)) continue;
      if (resources.length === search.count) {
        more = true;
        break;
      }
      resources.push(r);
    }
  }
  let total: number | undefined;
  if (search.total === 'accurate' || search.count === 0) {
    total = 0;
    for (const r of source.ofType(search.type)) if (matchesFhirSearch(r, search)) total++;
  }
  const last = resources[resources.length - 1];
  return {
    resources,
    ...(total === undefined ? {} : { total }),
    ...(more && last !== undefined ? { next: formatFhirCursor(fhirCursorOf(last, { by: 'key' })) } : {}),
  };
}
