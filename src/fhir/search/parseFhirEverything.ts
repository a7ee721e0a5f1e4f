import { R4_RESOURCES } from '../r4/r4Definitions.generated.js';
import { fhirDateRange } from './fhirDateRange.js';
import {
  checkFhirFormat,
  FHIR_DEFAULT_COUNT,
  parseFhirCount,
  parseFhirCursor,
  searchIssue,
  type FhirPageOptions,
} from './fhirPageParameters.js';
import type { FhirSearchCursor, FhirSearchIssue, FhirSearchOutcome } from './fhirSearch.js';

/** A checked `Patient/{id}/$everything` query: what {@link fhirEverything} runs. */
export interface FhirEverythingQuery {
  /** Page size (`_count`). */
  readonly count: number;
  /** `_type`: only these resource types (the Patient itself is always first when it is one of them or none are named). */
  readonly types?: readonly string[];
  /** `_since`: only resources whose `meta.lastUpdated` is at or after this instant (epoch ms). */
  readonly since?: number;
  /** `_after` / `_before`: the page cursors of the Bundle's links. */
  readonly after?: FhirSearchCursor;
  readonly before?: FhirSearchCursor;
  /** The accepted parameters other than `_count`, `_after`, `_before`: repeated in the links. */
  readonly params: readonly (readonly [string, string])[];
}

const SUPPORTED = ['_count', '_type', '_since', '_format', '_after', '_before'];

/**
 * Checks the query of `GET [base]/Patient/{id}/$everything`: `_count`, `_type` (comma
 * list), `_since` (an instant), `_format=json` and the cursors `_after`/`_before`.
 * `start`/`end` (clinical dates) and anything else are refused as `not-supported`.
 *
 * @example parseFhirEverything(new URLSearchParams('_count=50&_type=Observation,Condition'))
 */
export function parseFhirEverything(
  params: URLSearchParams,
  options: FhirPageOptions = {},
): FhirSearchOutcome<FhirEverythingQuery> {
  const issues: FhirSearchIssue[] = [];
  const seen = new Map<string, string>();
  const kept: [string, string][] = [];
  for (const [name, raw] of params) {
    if (!SUPPORTED.includes(name)) {
      issues.push(
        searchIssue(
          'not-supported',
          `$everything parameter ${JSON.stringify(name)} is not supported; supported: ${SUPPORTED.join(', ')}`,
          name,
        ),
      );
    } else if (seen.has(name)) issues.push(searchIssue('invalid', `${name} may be given once`, name));
    else {
      seen.set(name, raw);
      if (name !== '_count' && name !== '_after' && name !== '_before') kept.push([name, raw]);
    }
  }
  const rawCount = seen.get('_count');
  const count =
    rawCount === undefined
      ? (options.defaultCount ?? FHIR_DEFAULT_COUNT)
      : parseFhirCount(rawCount, options, issues);
  const rawTypes = seen.get('_type');
  const types = rawTypes?.split(',');
  const badType = types?.find((t) => !Object.hasOwn(R4_RESOURCES, t));
  if (badType !== undefined)
    issues.push(
      searchIssue('invalid', `_type lists R4 resource types, got ${JSON.stringify(badType)}`, '_type'),
    );
  const rawSince = seen.get('_since');
  const since = rawSince === undefined ? undefined : fhirDateRange(rawSince)?.start;
  if (rawSince !== undefined && since === undefined)
    issues.push(searchIssue('invalid', `_since is an instant, got ${JSON.stringify(rawSince)}`, '_since'));
  const format = seen.get('_format');
  if (format !== undefined) checkFhirFormat(format, issues);
  const rawAfter = seen.get('_after');
  const rawBefore = seen.get('_before');
  if (rawAfter !== undefined && rawBefore !== undefined)
    issues.push(searchIssue('invalid', '_after and _before cannot both be given', '_before'));
  const after =
    rawAfter === undefined ? undefined : parseFhirCursor(rawAfter, '_after', undefined, false, issues);
  const before =
    rawBefore === undefined ? undefined : parseFhirCursor(rawBefore, '_before', undefined, false, issues);
  if (issues.length > 0 || count === undefined) return { ok: false, issues };
  return {
    ok: true,
    value: {
      count,
      params: kept,
      ...(types === undefined ? {} : { types }),
      ...(since === undefined ? {} : { since }),
      ...(after === undefined ? {} : { after }),
      ...(before === undefined ? {} : { before }),
    },
  };
}
