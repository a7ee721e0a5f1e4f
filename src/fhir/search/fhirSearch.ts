import type { R4SearchPath } from '../r4/r4SearchParameter.js';
import type { FhirDateRange } from './fhirDateRange.js';

/** A date comparison prefix (FHIR R4 search §3.1.1.4.1): `ap` (approximately) is not supported. */
export type FhirDatePrefix = 'eq' | 'ne' | 'lt' | 'gt' | 'le' | 'ge' | 'sa' | 'eb';

/** One value of a date parameter: a prefix and the range the value's precision implies (`2024` = the whole year). */
export interface FhirDateValue {
  readonly prefix: FhirDatePrefix;
  readonly range: FhirDateRange;
}

/** One value of a token parameter: `system|code`, `|code` (system `null`: none), `code` (system any), `system|` (code any). */
export interface FhirTokenValue {
  /** The system the coding must have; `null` for none (`|code`); absent for any. */
  readonly system?: string | null;
  /** The code; absent for any code of `system`. */
  readonly code?: string;
}

/**
 * How a string parameter compares (FHIR R4 search §3.1.1.4.5): `start` (no modifier) when the
 * resource's string starts with the value, `contains` (`:contains`) when it holds it anywhere,
 * both ignoring case and accents (`zoe` finds `Zoë`); `exact` (`:exact`) when it is the whole
 * string, case and accents included.
 */
export type FhirStringMatch = 'start' | 'contains' | 'exact';

/** One value of a reference parameter: the `Type/id` it must point to. */
export interface FhirReferenceValue {
  readonly type: string;
  readonly id: string;
}

/**
 * One parameter occurrence of a search: it holds when any of its values matches (a comma
 * in the query is OR); a search holds when every clause does (repeating a parameter is AND).
 */
export type FhirSearchClause =
  | { readonly kind: 'id'; readonly name: '_id'; readonly ids: readonly string[] }
  | { readonly kind: 'lastUpdated'; readonly name: '_lastUpdated'; readonly values: readonly FhirDateValue[] }
  | {
      readonly kind: 'date';
      readonly name: string;
      readonly paths: readonly R4SearchPath[];
      readonly values: readonly FhirDateValue[];
    }
  | {
      readonly kind: 'token';
      readonly name: string;
      readonly paths: readonly R4SearchPath[];
      readonly values: readonly FhirTokenValue[];
    }
  | {
      readonly kind: 'reference';
      readonly name: string;
      readonly paths: readonly R4SearchPath[];
      readonly values: readonly FhirReferenceValue[];
    }
  | {
      readonly kind: 'string';
      readonly name: string;
      readonly paths: readonly R4SearchPath[];
      readonly match: FhirStringMatch;
      readonly values: readonly string[];
    };

/**
 * Where a page starts or ends: the key (`<Type>/<id>`) of a resource, and for a search
 * sorted by `_lastUpdated` that resource's `meta.lastUpdated` too (`''` when it has none).
 * Written into `_after`/`_before` links as the key, or `<lastUpdated>|<key>` when sorted.
 */
export interface FhirSearchCursor {
  readonly key: string;
  readonly lastUpdated?: string;
}

/** How much of the total a search reports: `none`, or `accurate` (costs a full scan when the search is not scoped to a patient). */
export type FhirSearchTotal = 'none' | 'accurate' | 'estimate';

/** A checked search of one resource type: what {@link parseFhirSearch} returns and {@link searchFhir} runs. */
export interface FhirSearch {
  /** The resource type searched. */
  readonly type: string;
  /** Every parameter occurrence, in query order: all must hold. */
  readonly clauses: readonly FhirSearchClause[];
  /** Page size (`_count`); 0 asks only for the total. */
  readonly count: number;
  /** `_sort`: by `meta.lastUpdated` ascending or descending (ties by key); absent = key order. */
  readonly sort?: 'lastUpdated' | '-lastUpdated';
  /** `_total`; absent = the default: given when known without extra work. */
  readonly total?: FhirSearchTotal;
  /** `_after`: the page starts after this resource. */
  readonly after?: FhirSearchCursor;
  /** `_before`: the page ends before this resource. */
  readonly before?: FhirSearchCursor;
  /** The accepted query parameters other than `_count`, `_after` and `_before`, in query order: repeated in the Bundle's links. */
  readonly params: readonly (readonly [string, string])[];
}

/** One problem with a search, shaped as an OperationOutcome `issue` (FHIR IssueType codes). */
export interface FhirSearchIssue {
  readonly severity: 'error';
  /** `not-supported` (a parameter, modifier or prefix chartlog does not support), `invalid` (a bad value), `too-costly`, `not-found`. */
  readonly code: 'not-supported' | 'invalid' | 'too-costly' | 'not-found';
  /** What is wrong and what to do instead. */
  readonly diagnostics: string;
  /** The query parameter concerned, e.g. `['code']`. */
  readonly expression?: readonly string[];
}

/** A value, or the issues that refused it. */
export type FhirSearchOutcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: readonly FhirSearchIssue[] };
