import { isFhirId } from '../isFhirId.js';
import { R4_RESOURCES } from '../r4/r4Definitions.generated.js';
import type { R4SearchParameter } from '../r4/r4SearchParameter.js';
import { R4_SEARCH_PARAMETERS } from '../r4/r4SearchParameters.generated.js';
import { fhirDateRange } from './fhirDateRange.js';
import {
  checkFhirFormat,
  FHIR_DEFAULT_COUNT,
  parseFhirCount,
  parseFhirCursor,
  searchIssue,
  type FhirPageOptions,
} from './fhirPageParameters.js';
import type {
  FhirDatePrefix,
  FhirDateValue,
  FhirReferenceValue,
  FhirSearch,
  FhirSearchClause,
  FhirSearchIssue,
  FhirSearchOutcome,
  FhirSearchTotal,
  FhirStringMatch,
  FhirTokenValue,
} from './fhirSearch.js';
import { splitFhirSearchValues, splitFhirToken, unescapeFhirSearchValue } from './fhirSearchValues.js';

const CONTROL = ['_count', '_sort', '_total', '_format', '_after', '_before'] as const;
const PREFIXES = new Set<string>(['eq', 'ne', 'lt', 'gt', 'le', 'ge', 'sa', 'eb']);
const TOTALS = new Set<string>(['none', 'accurate', 'estimate']);
const STRING_MODIFIERS = new Map<string | undefined, FhirStringMatch>([
  ['exact', 'exact'],
  ['contains', 'contains'],
]);

/**
 * The search parameters chartlog supports on `type`: `_id`, `_lastUpdated`, then those of
 * `R4_SEARCH_PARAMETERS` (`patient`, `identifier`, `name` …) that R4 defines on it, then the
 * result parameters `_count`, `_sort`, `_total`, `_format` and the paging cursors `_after`, `_before`.
 */
export function supportedFhirSearchParameters(type: string): string[] {
  return ['_id', '_lastUpdated', ...Object.keys(R4_SEARCH_PARAMETERS[type] ?? {}), ...CONTROL];
}

/**
 * Checks a FHIR search of `type` (the query of `GET [base]/[type]?…`) and returns it in a
 * form {@link matchesFhirSearch} and {@link searchFhir} run, or every problem as
 * OperationOutcome-style issues: `not-supported` for a parameter, modifier or prefix
 * chartlog does not support (FHIR lets a server ignore them; on a clinical record a
 * silently wider answer is worse than a refusal, so chartlog refuses and names what it
 * supports), `invalid` for a bad value.
 *
 * Supported: `_id` (comma list); `_lastUpdated`, `date` and `birthdate` with prefixes
 * eq/ne/lt/gt/le/ge/sa/eb and partial dates (`2024` is the whole year); `patient`/`subject`
 * (`Patient/x`, a bare id meaning `Patient/x`, or for `subject` any `Type/id`; modifier
 * `:Patient`) and `general-practitioner` (`Type/id`, or a bare id with a type modifier);
 * `code`/`status`/`gender`/`identifier` tokens (`system|code`, `|code`, `code`, `system|`;
 * for an Identifier the code is its `value`); `name`/`family`/`given` strings (starts with,
 * ignoring case and accents; `:exact`, `:contains`); a comma is OR, a repeated parameter AND. `_count` (default 20, lowered to 1000),
 * `_sort=_lastUpdated|-_lastUpdated`, `_total=none|accurate|estimate`, `_format=json`,
 * and `_after`/`_before`, the cursors of the Bundle's next/previous links.
 *
 * @example
 * ```ts
 * const parsed = parseFhirSearch('Observation', new URLSearchParams('patient=p1&code=http://loinc.org|8867-4&date=ge2024'));
 * if (!parsed.ok) return outcome(400, parsed.issues);
 * ```
 */
export function parseFhirSearch(
  type: string,
  params: URLSearchParams,
  options: FhirPageOptions = {},
): FhirSearchOutcome<FhirSearch> {
  if (!Object.hasOwn(R4_RESOURCES, type))
    return { ok: false, issues: [searchIssue('not-supported', `${type} is not an R4 resource type`)] };
  const issues: FhirSearchIssue[] = [];
  const clauses: FhirSearchClause[] = [];
  const kept: [string, string][] = [];
  const control = new Map<string, string>();
  const defined = R4_SEARCH_PARAMETERS[type] ?? {};
  for (const [fullName, raw] of params) {
    const colon = fullName.indexOf(':');
    const name = colon < 0 ? fullName : fullName.slice(0, colon);
    const modifier = colon < 0 ? undefined : fullName.slice(colon + 1);
    if ((CONTROL as readonly string[]).includes(name)) {
      if (modifier !== undefined)
        issues.push(searchIssue('not-supported', `${name} takes no modifier`, fullName));
      else if (control.has(name)) issues.push(searchIssue('invalid', `${name} may be given once`, name));
      else control.set(name, raw);
      if (name !== '_count' && name !== '_after' && name !== '_before') kept.push([fullName, raw]);
      continue;
    }
    const parameter =
      name === '_id' || name === '_lastUpdated'
        ? undefined
        : Object.hasOwn(defined, name)
          ? defined[name]
          : null;
    if (parameter === null) {
      issues.push(
        searchIssue(
          'not-supported',
          `${type} search parameter ${JSON.stringify(name)} is not supported; supported: ${supportedFhirSearchParameters(type).join(', ')}`,
          name,
        ),
      );
      continue;
    }
    kept.push([fullName, raw]);
    const clause = parseClause(name, modifier, raw, parameter, issues);
    if (clause !== undefined) clauses.push(clause);
  }
  const sort = parseSort(control.get('_sort'), issues);
  const total = control.get('_total');
  if (total !== undefined && !TOTALS.has(total))
    issues.push(
      searchIssue(
        'invalid',
        `_total must be none, accurate or estimate, got ${JSON.stringify(total)}`,
        '_total',
      ),
    );
  const format = control.get('_format');
  if (format !== undefined) checkFhirFormat(format, issues);
  const rawCount = control.get('_count');
  const count =
    rawCount === undefined
      ? (options.defaultCount ?? FHIR_DEFAULT_COUNT)
      : parseFhirCount(rawCount, options, issues);
  const rawAfter = control.get('_after');
  const rawBefore = control.get('_before');
  if (rawAfter !== undefined && rawBefore !== undefined)
    issues.push(searchIssue('invalid', '_after and _before cannot both be given', '_before'));
  const after =
    rawAfter === undefined
      ? undefined
      : parseFhirCursor(rawAfter, '_after', type, sort !== undefined, issues);
  const before =
    rawBefore === undefined
      ? undefined
      : parseFhirCursor(rawBefore, '_before', type, sort !== undefined, issues);
  if (issues.length > 0 || count === undefined) return { ok: false, issues };
  return {
    ok: true,
    value: {
      type,
      clauses,
      count,
      params: kept,
      ...(sort === undefined ? {} : { sort }),
      ...(total === undefined ? {} : { total: total as FhirSearchTotal }),
      ...(after === undefined ? {} : { after }),
      ...(before === undefined ? {} : { before }),
    },
  };
}

function parseSort(raw: string | undefined, issues: FhirSearchIssue[]): FhirSearch['sort'] {
  if (raw === undefined) return undefined;
  if (raw === '_lastUpdated') return 'lastUpdated';
  if (raw === '-_lastUpdated') return '-lastUpdated';
  issues.push(
    searchIssue(
      'not-supported',
      `_sort ${JSON.stringify(raw)} is not supported: only _lastUpdated and -_lastUpdated`,
      '_sort',
    ),
  );
  return undefined;
}

function parseClause(
  name: string,
  modifier: string | undefined,
  raw: string,
  parameter: R4SearchParameter | undefined,
  issues: FhirSearchIssue[],
): FhirSearchClause | undefined {
  const kind = parameter === undefined ? (name === '_id' ? 'id' : 'lastUpdated') : parameter.type;
  const typeModifier =
    kind === 'reference' && modifier !== undefined && Object.hasOwn(R4_RESOURCES, modifier)
      ? modifier
      : undefined;
  const stringMatch = kind === 'string' ? STRING_MODIFIERS.get(modifier) : undefined;
  if (modifier !== undefined && typeModifier === undefined && stringMatch === undefined) {
    const only =
      kind === 'reference'
        ? ' (only a resource type, e.g. :Patient)'
        : kind === 'string'
          ? ' (only :exact and :contains)'
          : '';
    issues.push(
      searchIssue(
        'not-supported',
        `modifier :${modifier} is not supported on ${name}${only}`,
        `${name}:${modifier}`,
      ),
    );
    return undefined;
  }
  const before = issues.length;
  const values = splitFhirSearchValues(raw);
  if (values.some((v) => v === '')) {
    issues.push(searchIssue('invalid', `${name} has an empty value`, name));
    return undefined;
  }
  switch (kind) {
    case 'id': {
      const ids = values.map(unescapeFhirSearchValue);
      const bad = ids.find((id) => !isFhirId(id));
      if (bad !== undefined)
        issues.push(
          searchIssue(
            'invalid',
            `_id values are FHIR ids ([A-Za-z0-9-.]{1,64}), got ${JSON.stringify(bad)}`,
            name,
          ),
        );
      return issues.length > before ? undefined : { kind: 'id', name: '_id', ids };
    }
    case 'lastUpdated':
    case 'date': {
      const dates = values.map((v) => parseDateValue(name, v, issues));
      if (issues.length > before) return undefined;
      const ok = dates as FhirDateValue[];
      return parameter === undefined
        ? { kind: 'lastUpdated', name: '_lastUpdated', values: ok }
        : { kind: 'date', name, paths: parameter.paths, values: ok };
    }
    case 'token': {
      if (values.some((v) => v === '|')) {
        issues.push(searchIssue('invalid', `${name} value "|" names neither a system nor a code`, name));
        return undefined;
      }
      const tokens = values.map((v): FhirTokenValue => {
        const [system, code] = splitFhirToken(v);
        if (system === undefined) return { code };
        return code === '' ? { system } : { system: system === '' ? null : system, code };
      });
      return { kind: 'token', name, paths: (parameter as R4SearchParameter).paths, values: tokens };
    }
    case 'reference': {
      const refs = values.map((v) =>
        parseReferenceValue(name, typeModifier, unescapeFhirSearchValue(v), issues),
      );
      if (issues.length > before) return undefined;
      return {
        kind: 'reference',
        name,
        paths: (parameter as R4SearchParameter).paths,
        values: refs as FhirReferenceValue[],
      };
    }
    case 'string':
      return {
        kind: 'string',
        name,
        paths: (parameter as R4SearchParameter).paths,
        match: stringMatch ?? 'start',
        values: values.map(unescapeFhirSearchValue),
      };
  }
}

function parseDateValue(name: string, value: string, issues: FhirSearchIssue[]): FhirDateValue | undefined {
  const hasPrefix = /^[a-z]{2}/.test(value);
  const prefix = hasPrefix ? value.slice(0, 2) : 'eq';
  if (hasPrefix && !PREFIXES.has(prefix)) {
    issues.push(
      searchIssue(
        prefix === 'ap' ? 'not-supported' : 'invalid',
        `${name} prefix ${JSON.stringify(prefix)} is not supported: eq, ne, lt, gt, le, ge, sa, eb`,
        name,
      ),
    );
    return undefined;
  }
  const range = fhirDateRange(hasPrefix ? value.slice(2) : value);
  if (range === undefined) {
    issues.push(
      searchIssue(
        'invalid',
        `${name} value ${JSON.stringify(value)} is not a date (YYYY, YYYY-MM, YYYY-MM-DD or ` +
          'YYYY-MM-DDThh:mm[:ss[.fff]][Z|±hh:mm], after an optional prefix)',
        name,
      ),
    );
    return undefined;
  }
  return { prefix: prefix as FhirDatePrefix, range };
}

function parseReferenceValue(
  name: string,
  typeModifier: string | undefined,
  value: string,
  issues: FhirSearchIssue[],
): FhirReferenceValue | undefined {
  const slash = value.indexOf('/');
  // A bare id means a Patient for patient/subject; elsewhere (general-practitioner may name a
  // Practitioner, PractitionerRole or Organization) only a type modifier says which type.
  const bareType = typeModifier ?? (name === 'patient' || name === 'subject' ? 'Patient' : undefined);
  const type = slash < 0 ? bareType : value.slice(0, slash);
  const id = slash < 0 ? value : value.slice(slash + 1);
  const wanted = name === 'patient' ? 'Patient' : typeModifier;
  if (
    type === undefined ||
    !Object.hasOwn(R4_RESOURCES, type) ||
    !isFhirId(id) ||
    (wanted !== undefined && type !== wanted)
  ) {
    const forms =
      wanted !== undefined
        ? `${wanted}/id or a bare id`
        : bareType === undefined
          ? `Type/id, or a bare id after a type modifier (${name}:Practitioner=id)`
          : 'Type/id or a bare id';
    issues.push(
      searchIssue('invalid', `${name} is a reference ${forms}, got ${JSON.stringify(value)}`, name),
    );
    return undefined;
  }
  return { type, id };
}
