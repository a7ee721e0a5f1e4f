import type { FhirResource } from '../fhirResource.js';
import type { FhirSearchCursor } from './fhirSearch.js';
import type { FhirPage } from './fhirSearchBundle.js';
import {
  compareFhirCursors,
  fhirCursorOf,
  formatFhirCursor,
  type FhirSearchOrder,
} from './fhirSearchOrder.js';

/** What {@link fhirMemoryPage} pages. */
export interface FhirMemoryPageRequest {
  readonly count: number;
  readonly after?: FhirSearchCursor;
  readonly before?: FhirSearchCursor;
  /** Give the total (every match is in memory, so it costs nothing). */
  readonly withTotal: boolean;
}

/**
 * One page of matches held in memory (a patient's record, `_id` reads, a sorted scan):
 * sorted into `order`, then the `count` after `after` (or the `count` before `before`).
 * Cursors point at resources, not offsets, so a page turned while the record changes
 * neither repeats nor skips a resource that was there on both pages.
 */
export function fhirMemoryPage(
  matches: readonly FhirResource[],
  order: FhirSearchOrder,
  request: FhirMemoryPageRequest,
): FhirPage {
  const items = matches.map((resource) => ({ resource, cursor: fhirCursorOf(resource, order) }));
  items.sort((a, b) => compareFhirCursors(a.cursor, b.cursor, order));
  const firstAfter = (c: FhirSearchCursor, inclusive: boolean): number => {
    const i = items.findIndex((item) => compareFhirCursors(item.cursor, c, order) >= (inclusive ? 0 : 1));
    return i < 0 ? items.length : i;
  };
  let start = 0;
  let end: number;
  if (request.before !== undefined) {
    end = firstAfter(request.before, true);
    start = Math.max(0, end - request.count);
  } else {
    if (request.after !== undefined) start = firstAfter(request.after, false);
    end = Math.min(items.length, start + request.count);
  }
  const page = items.slice(start, end);
  const first = page[0];
  const last = page[page.length - 1];
  return {
    resources: page.map((item) => item.resource),
    ...(request.withTotal ? { total: items.length } : {}),
    ...(last !== undefined && end < items.length ? { next: formatFhirCursor(last.cursor) } : {}),
    ...(first !== undefined && start > 0 ? { previous: formatFhirCursor(first.cursor) } : {}),
  };
}
