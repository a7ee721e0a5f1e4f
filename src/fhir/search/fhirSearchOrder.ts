import type { FhirResource } from '../fhirResource.js';
import { fhirDateRange } from './fhirDateRange.js';
import type { FhirSearchCursor } from './fhirSearch.js';

/**
 * The order results are paged in: key order, by `meta.lastUpdated` (ties by key), or `$everything`'s (its
 * Patient first, then key order).
 */
export type FhirSearchOrder =
  | { readonly by: 'key' }
  | { readonly by: 'lastUpdated'; readonly descending: boolean }
  | { readonly by: 'everything'; readonly patientKey: string };

/** The key of a resource: `<Type>/<id>`. */
export function fhirKeyOf(resource: FhirResource): string {
  return `${resource.resourceType}/${resource.id ?? ''}`;
}

/** The cursor that points at `resource` in `order`. */
export function fhirCursorOf(resource: FhirResource, order: FhirSearchOrder): FhirSearchCursor {
  const key = fhirKeyOf(resource);
  if (order.by !== 'lastUpdated') return { key };
  const lastUpdated = resource.meta?.lastUpdated;
  return { key, lastUpdated: typeof lastUpdated === 'string' ? lastUpdated : '' };
}

/** A cursor as written in an `_after`/`_before` link: the key, or `<lastUpdated>|<key>` when sorted. */
export function formatFhirCursor(cursor: FhirSearchCursor): string {
  return cursor.lastUpdated === undefined ? cursor.key : `${cursor.lastUpdated}|${cursor.key}`;
}

function instant(cursor: FhirSearchCursor): number {
  // No (or an unreadable) lastUpdated sorts before every instant.
  return cursor.lastUpdated === undefined || cursor.lastUpdated === ''
    ? -Infinity
    : (fhirDateRange(cursor.lastUpdated)?.start ?? -Infinity);
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Negative when `a` comes before `b` in `order`, 0 when they are the same place. */
export function compareFhirCursors(a: FhirSearchCursor, b: FhirSearchCursor, order: FhirSearchOrder): number {
  if (order.by === 'everything') {
    const rank = Number(a.key !== order.patientKey) - Number(b.key !== order.patientKey);
    return rank !== 0 ? rank : compareKeys(a.key, b.key);
  }
  if (order.by === 'lastUpdated') {
    const ta = instant(a);
    const tb = instant(b);
    if (ta !== tb) return (ta < tb ? -1 : 1) * (order.descending ? -1 : 1);
  }
  return compareKeys(a.key, b.key);
}
