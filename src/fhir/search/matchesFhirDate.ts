import type { FhirDatePrefix, FhirDateValue } from './fhirSearch.js';
import { fhirDateRange, type FhirDateRange } from './fhirDateRange.js';
import { isPlainObject } from '../../event/json.js';

/**
 * Whether a resource's date range `target` satisfies a search value, by FHIR R4 search
 * §3.1.1.4.2: `eq` when the search range contains the target's, `gt`/`lt` when the target
 * reaches beyond its end/start (so a Period matches by overlap), `sa`/`eb` when the target
 * lies wholly after/before it. `date=ge2024-03-05&date=le2024-03-05` finds every Period
 * that overlaps that day.
 */
export function satisfiesDatePrefix(
  prefix: FhirDatePrefix,
  search: FhirDateRange,
  target: FhirDateRange,
): boolean {
  const contains = search.start <= target.start && target.end <= search.end;
  switch (prefix) {
    case 'eq':
      return contains;
    case 'ne':
      return !contains;
    case 'gt':
      return target.end > search.end;
    case 'lt':
      return target.start < search.start;
    case 'ge':
      return contains || target.end > search.end;
    case 'le':
      return contains || target.start < search.start;
    case 'sa':
      return target.start >= search.end;
    case 'eb':
      return target.end <= search.start;
  }
}

/**
 * The date ranges a value of FHIR type `type` (`date`, `dateTime`, `instant`, `Period`,
 * `Timing`: its events and `repeat.boundsPeriod`) stands for; none for anything unreadable.
 */
export function fhirDateRangesOf(value: unknown, type: string): FhirDateRange[] {
  if (typeof value === 'string') {
    const range = fhirDateRange(value);
    return range === undefined ? [] : [range];
  }
  if (!isPlainObject(value)) return [];
  if (type === 'Period') return periodRanges(value);
  if (type === 'Timing') {
    const events = Array.isArray(value['event']) ? value['event'] : [];
    const repeat = value['repeat'];
    const bounds =
      isPlainObject(repeat) && isPlainObject(repeat['boundsPeriod'])
        ? periodRanges(repeat['boundsPeriod'])
        : [];
    return [...events.flatMap((e) => fhirDateRangesOf(e, 'dateTime')), ...bounds];
  }
  return [];
}

function periodRanges(period: Record<string, unknown>): FhirDateRange[] {
  const start = typeof period['start'] === 'string' ? fhirDateRange(period['start']) : undefined;
  const end = typeof period['end'] === 'string' ? fhirDateRange(period['end']) : undefined;
  // An unreadable bound is refused rather than read as open: an open bound would match more.
  if (
    (period['start'] !== undefined && start === undefined) ||
    (period['end'] !== undefined && end === undefined)
  )
    return [];
  if (start === undefined && end === undefined) return [];
  return [{ start: start?.start ?? -Infinity, end: end?.end ?? Infinity }];
}

/** Whether any of `ranges` satisfies any of the search `values` (a comma in the query is OR). */
export function matchesFhirDate(ranges: readonly FhirDateRange[], values: readonly FhirDateValue[]): boolean {
  return values.some((v) => ranges.some((r) => satisfiesDatePrefix(v.prefix, v.range, r)));
}
