import type { FhirResource } from '../fhirResource.js';

/** One link of a searchset Bundle; URLs are absolute. */
export interface FhirBundleLink {
  readonly relation: 'self' | 'first' | 'next' | 'previous';
  readonly url: string;
}

/** One match of a searchset Bundle. */
export interface FhirSearchEntry {
  /** `<baseUrl>/<Type>/<id>`. */
  readonly fullUrl: string;
  readonly resource: FhirResource;
  readonly search: { readonly mode: 'match' };
}

/** A FHIR R4 `searchset` Bundle, as {@link searchFhir} and {@link fhirEverything} answer. */
export interface FhirSearchBundle {
  readonly resourceType: 'Bundle';
  readonly type: 'searchset';
  /** How many resources match in all; absent when not counted (`_total=none`, or a scan not asked for it). */
  readonly total?: number;
  readonly link: readonly FhirBundleLink[];
  /** The page's matches; absent when there are none (FHIR JSON has no empty arrays). */
  readonly entry?: readonly FhirSearchEntry[];
}

/** The page of a search, before it becomes a Bundle. */
export interface FhirPage {
  readonly resources: readonly FhirResource[];
  readonly total?: number;
  /** Cursor text for the next page's `_after`, when there are more matches. */
  readonly next?: string;
  /** Cursor text for the previous page's `_before`, when there are matches before. */
  readonly previous?: string;
}

/** Where links point: the base URL and path (`<base>/Observation`), the repeated parameters and the page size. */
export interface FhirLinkTarget {
  readonly url: string;
  readonly params: readonly (readonly [string, string])[];
  readonly count: number;
  /** The cursor parameter of the request itself, for the self link. */
  readonly cursor?: readonly [string, string];
}

/** `baseUrl` without trailing slashes. */
export function trimBaseUrl(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

function linkUrl(target: FhirLinkTarget, cursor?: readonly [string, string]): string {
  const query = new URLSearchParams(target.params.map(([k, v]): [string, string] => [k, v]));
  query.append('_count', String(target.count));
  if (cursor !== undefined) query.append(cursor[0], cursor[1]);
  return `${target.url}?${query.toString()}`;
}

/** The searchset Bundle of `page`: self, first, next and previous links, entries with `fullUrl` under `baseUrl`. */
export function fhirSearchBundle(page: FhirPage, target: FhirLinkTarget, baseUrl: string): FhirSearchBundle {
  const base = trimBaseUrl(baseUrl);
  const link: FhirBundleLink[] = [{ relation: 'self', url: linkUrl(target, target.cursor) }];
  if (target.count > 0) link.push({ relation: 'first', url: linkUrl(target) });
  if (page.previous !== undefined)
    link.push({ relation: 'previous', url: linkUrl(target, ['_before', page.previous]) });
  if (page.next !== undefined) link.push({ relation: 'next', url: linkUrl(target, ['_after', page.next]) });
  const entry = page.resources.map((resource): FhirSearchEntry => ({
    fullUrl: `${base}/${resource.resourceType}/${resource.id ?? ''}`,
    resource,
    search: { mode: 'match' },
  }));
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(page.total === undefined ? {} : { total: page.total }),
    link,
    ...(entry.length === 0 ? {} : { entry }),
  };
}
