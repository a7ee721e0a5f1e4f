import { isPlainObject } from '../../event/json.js';
import type { FhirResource } from '../fhirResource.js';
import { fhirDateRange } from './fhirDateRange.js';
import type { FhirReferenceValue, FhirSearch, FhirSearchClause, FhirTokenValue } from './fhirSearch.js';
import { fhirValuesAt } from './fhirValuesAt.js';
import { fhirDateRangesOf, matchesFhirDate } from './matchesFhirDate.js';
import { fhirStringsOf, matchesFhirString } from './matchesFhirString.js';

const RELATIVE_REFERENCE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

/**
 * Whether `resource` is a match of `search`: of its type, and every clause holds (some
 * value of the clause matches some value the resource has on the parameter's paths).
 * `_lastUpdated` reads `meta.lastUpdated`. A token matches a coding's `system`/`code`, an
 * Identifier's `system`/`value`, or a bare code; a string as {@link matchesFhirString} says
 * (a HumanName by any of its parts). References match only in their relative form
 * `Type/id` (what an import resolves them to): an absolute URL may name another server's
 * patient.
 *
 * @example matchesFhirSearch(observation, parsed.value) // true when it matches
 */
export function matchesFhirSearch(resource: FhirResource, search: FhirSearch): boolean {
  return resource.resourceType === search.type && search.clauses.every((c) => clauseHolds(resource, c));
}

function clauseHolds(resource: FhirResource, clause: FhirSearchClause): boolean {
  switch (clause.kind) {
    case 'id':
      return typeof resource.id === 'string' && clause.ids.includes(resource.id);
    case 'lastUpdated': {
      const range =
        typeof resource.meta?.lastUpdated === 'string' ? fhirDateRange(resource.meta.lastUpdated) : undefined;
      return range !== undefined && matchesFhirDate([range], clause.values);
    }
    case 'date':
      return matchesFhirDate(
        clause.paths.flatMap((p) =>
          fhirValuesAt(resource, p.path).flatMap((v) => fhirDateRangesOf(v, p.type)),
        ),
        clause.values,
      );
    case 'token':
      return clause.paths.some((p) =>
        fhirValuesAt(resource, p.path).some((v) => tokenMatches(v, p.type, clause.values)),
      );
    case 'reference':
      return clause.paths.some((p) =>
        fhirValuesAt(resource, p.path).some((v) =>
          referenceMatches(v, clause.values, p.patientOnly === true),
        ),
      );
    case 'string':
      return matchesFhirString(
        clause.paths.flatMap((p) => fhirValuesAt(resource, p.path).flatMap((v) => fhirStringsOf(v, p.type))),
        clause.match,
        clause.values,
      );
  }
}

function tokenMatches(value: unknown, type: string, wanted: readonly FhirTokenValue[]): boolean {
  if (typeof value === 'string') {
    // A bare `code` element carries no system of its own: it matches `code` and `|code`.
    return wanted.some((w) => w.code === value && (w.system === undefined || w.system === null));
  }
  if (!isPlainObject(value)) return false;
  // An Identifier is a token whose `value` plays the code (R4 §3.1.1.4.6: `system|value`).
  if (type === 'Identifier')
    return wanted.some((w) => systemAndCodeMatch(value['system'], value['value'], w));
  const codings =
    type === 'CodeableConcept' ? (Array.isArray(value['coding']) ? value['coding'] : []) : [value];
  return codings.some(
    (c) => isPlainObject(c) && wanted.some((w) => systemAndCodeMatch(c['system'], c['code'], w)),
  );
}

function systemAndCodeMatch(systemValue: unknown, code: unknown, w: FhirTokenValue): boolean {
  const system = typeof systemValue === 'string' ? systemValue : undefined;
  if (w.code !== undefined && code !== w.code) return false;
  if (w.system === null) return system === undefined;
  return w.system === undefined || system === w.system;
}

function referenceMatches(
  value: unknown,
  wanted: readonly FhirReferenceValue[],
  patientOnly: boolean,
): boolean {
  if (!isPlainObject(value) || typeof value['reference'] !== 'string') return false;
  const m = RELATIVE_REFERENCE.exec(value['reference']);
  if (!m) return false;
  const [, type, id] = m;
  if (patientOnly && type !== 'Patient') return false;
  return wanted.some((w) => w.type === type && w.id === id);
}
