import { isFhirId } from '../isFhirId.js';
import { fhirDateRange } from './fhirDateRange.js';
import type { FhirSearchCursor, FhirSearchIssue } from './fhirSearch.js';

/** Options for {@link parseFhirSearch} and {@link parseFhirEverything}. */
export interface FhirPageOptions {
  /** Page size when `_count` is absent. @defaultValue `20` */
  readonly defaultCount?: number;
  /** Largest page: a larger `_count` is lowered to it (the next link carries on). @defaultValue `1000` */
  readonly maxCount?: number;
}

/** The default page size. */
export const FHIR_DEFAULT_COUNT = 20;
/** The default largest page. */
export const FHIR_MAX_COUNT = 1000;

/** The `_format` values accepted (JSON is all chartlog answers). */
const JSON_FORMATS = new Set(['json', 'application/json', 'application/fhir+json', 'application/json+fhir']);

/** A refusal issue. */
export function searchIssue(
  code: FhirSearchIssue['code'],
  diagnostics: string,
  parameter?: string,
): FhirSearchIssue {
  return parameter === undefined
    ? { severity: 'error', code, diagnostics }
    : { severity: 'error', code, diagnostics, expression: [parameter] };
}

/** `_count`: a whole number from 0, lowered to `maxCount`. */
export function parseFhirCount(
  raw: string,
  options: FhirPageOptions,
  issues: FhirSearchIssue[],
): number | undefined {
  const count = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (Number.isNaN(count)) {
    issues.push(
      searchIssue('invalid', `_count must be a whole number from 0, got ${JSON.stringify(raw)}`, '_count'),
    );
    return undefined;
  }
  return Math.min(count, options.maxCount ?? FHIR_MAX_COUNT);
}

/** `_format`: only JSON. */
export function checkFhirFormat(raw: string, issues: FhirSearchIssue[]): void {
  if (!JSON_FORMATS.has(raw))
    issues.push(
      searchIssue(
        'not-supported',
        `_format ${JSON.stringify(raw)} is not supported: chartlog answers JSON only (_format=json)`,
        '_format',
      ),
    );
}

/**
 * A page cursor from `_after`/`_before`: `<Type>/<id>` of `type`, preceded by
 * `<lastUpdated>|` when the search is sorted (`''` for a resource without one).
 */
export function parseFhirCursor(
  raw: string,
  name: string,
  type: string | undefined,
  sorted: boolean,
  issues: FhirSearchIssue[],
): FhirSearchCursor | undefined {
  const bar = raw.lastIndexOf('|');
  const lastUpdated = sorted && bar >= 0 ? raw.slice(0, bar) : undefined;
  const key = sorted && bar >= 0 ? raw.slice(bar + 1) : raw;
  const slash = key.indexOf('/');
  const keyType = key.slice(0, slash);
  const keyOk =
    slash > 0 &&
    isFhirId(key.slice(slash + 1)) &&
    (type === undefined ? /^[A-Z][A-Za-z]+$/.test(keyType) : keyType === type);
  const sortOk =
    !sorted ||
    (lastUpdated !== undefined && (lastUpdated === '' || fhirDateRange(lastUpdated) !== undefined));
  if (!keyOk || !sortOk) {
    issues.push(
      searchIssue(
        'invalid',
        `${name} is a page cursor from a Bundle link (${sorted ? '<lastUpdated>|' : ''}<Type>/<id>), got ${JSON.stringify(raw)}`,
        name,
      ),
    );
    return undefined;
  }
  return lastUpdated === undefined ? { key } : { key, lastUpdated };
}
