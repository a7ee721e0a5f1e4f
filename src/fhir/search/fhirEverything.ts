import type { FhirResource } from '../fhirResource.js';
import { fhirDateRange } from './fhirDateRange.js';
import { fhirMemoryPage } from './fhirMemoryPage.js';
import { searchIssue } from './fhirPageParameters.js';
import type { FhirSearchOutcome } from './fhirSearch.js';
import { fhirSearchBundle, trimBaseUrl, type FhirSearchBundle } from './fhirSearchBundle.js';
import { formatFhirCursor } from './fhirSearchOrder.js';
import type { FhirSearchSource } from './fhirSearchSource.js';
import type { FhirEverythingQuery } from './parseFhirEverything.js';

/** Options for {@link fhirEverything}. */
export interface FhirEverythingOptions {
  /** The FHIR base URL links and `fullUrl`s are made under, e.g. `https://site-a.example/fhir`. */
  readonly baseUrl: string;
}

/**
 * `Patient/{id}/$everything`: the Patient first, then every resource on its record
 * (stream `patient/<id>`) in key order, filtered by `_type`/`_since`, paged by the query's
 * `_count` and cursors, as a `searchset` Bundle with its total. Resources the record only
 * references (a Practitioner, an Organization, a Medication on a directory stream) are not
 * included. A Patient that is not held is refused as `not-found`.
 *
 * @example
 * ```ts
 * const q = parseFhirEverything(url.searchParams);
 * const answer = q.ok ? fhirEverything(source, 'p1', q.value, { baseUrl }) : q;
 * ```
 */
export function fhirEverything(
  source: FhirSearchSource,
  patientId: string,
  query: FhirEverythingQuery,
  options: FhirEverythingOptions,
): FhirSearchOutcome<FhirSearchBundle> {
  const patientKey = `Patient/${patientId}`;
  const record = [...source.patientRecord(patientId)];
  if (!record.some((r) => `${r.resourceType}/${r.id ?? ''}` === patientKey)) {
    return { ok: false, issues: [searchIssue('not-found', `Patient/${patientId} is not held here`)] };
  }
  const wanted = (r: FhirResource): boolean => {
    if (query.types !== undefined && !query.types.includes(r.resourceType)) return false;
    if (query.since === undefined) return true;
    const updated = typeof r.meta?.lastUpdated === 'string' ? fhirDateRange(r.meta.lastUpdated) : undefined;
    return updated !== undefined && updated.start >= query.since;
  };
  const page = fhirMemoryPage(
    record.filter(wanted),
    { by: 'everything', patientKey },
    {
      count: query.count,
      withTotal: true,
      ...(query.after === undefined ? {} : { after: query.after }),
      ...(query.before === undefined ? {} : { before: query.before }),
    },
  );
  const cursor =
    query.after !== undefined
      ? (['_after', formatFhirCursor(query.after)] as const)
      : query.before !== undefined
        ? (['_before', formatFhirCursor(query.before)] as const)
        : undefined;
  const target = {
    url: `${trimBaseUrl(options.baseUrl)}/Patient/${patientId}/$everything`,
    params: query.params,
    count: query.count,
    ...(cursor === undefined ? {} : { cursor }),
  };
  return { ok: true, value: fhirSearchBundle(page, target, options.baseUrl) };
}
