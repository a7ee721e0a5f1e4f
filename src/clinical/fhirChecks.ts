import { isPlainObject, type Json } from '../event/json.js';
import { NHS_NUMBER_SYSTEM, nhsNumberProblem } from './nhsNumber.js';

/**
 * Value checks for the clinical pack's fields: each returns why a value is unacceptable,
 * or undefined. They run in the schema (so the fold never shows a malformed value, on
 * any site) and in the command helpers (so a caller hears about it with the input's
 * name in the issue path). They check shape and FHIR value sets, nothing else.
 */
export type ValueCheck = (value: Json) => string | undefined;

/** Pattern of a FHIR resource id: what follows `Patient/` in a reference. */
export const FHIR_ID_PATTERN = /^[A-Za-z0-9.-]{1,64}$/;
const DATE = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;
const DATE_TIME = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00)))?)?)?$/;
const FULL_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A check that accepts exactly the codes in `values` (a FHIR required value set). */
export function oneOf(values: readonly string[]): ValueCheck {
  return (value) => (typeof value === 'string' && values.includes(value) ? undefined : `must be one of ${values.join(' | ')}`);
}

/** A check for a non-empty string. */
export const nonEmptyString: ValueCheck = (value) => (typeof value === 'string' && value.trim() !== '' ? undefined : 'must be a non-empty string');

/** A check for a FHIR `date` (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`). */
export const fhirDate: ValueCheck = (value) => (typeof value === 'string' && DATE.test(value) ? undefined : 'must be a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)');

/** A check for a FHIR `dateTime` (a date, or a date and time with a zone). */
export const fhirDateTime: ValueCheck = (value) => (typeof value === 'string' && DATE_TIME.test(value) ? undefined : 'must be a FHIR dateTime (e.g. 2026-07-19 or 2026-07-19T09:30:00Z)');

/** A check for a full calendar date `YYYY-MM-DD`: these sort as text in date order, so `max`/`min` can use them. */
export const fullDate: ValueCheck = (value) => (typeof value === 'string' && FULL_DATE.test(value) ? undefined : 'must be a date YYYY-MM-DD');

/**
 * A check for a UTC instant in `Date.toISOString()` form (`2026-07-19T09:30:00.000Z`).
 * `max`/`min` fields take only this form, because mixed zones or precisions do not
 * sort as text in time order.
 */
export const utcInstant: ValueCheck = (value) => (typeof value === 'string' && UTC_INSTANT.test(value) && !Number.isNaN(Date.parse(value)) ? undefined : 'must be a UTC instant like 2026-07-19T09:30:00.000Z');

/** A check for a reference string to one of `types`, e.g. `reference('Patient')` accepts `Patient/p1`. */
export function reference(...types: readonly string[]): ValueCheck {
  return (value) => {
    if (typeof value !== 'string') return `must be a reference string like ${types[0]}/<id>`;
    const slash = value.indexOf('/');
    return types.includes(value.slice(0, slash)) && FHIR_ID_PATTERN.test(value.slice(slash + 1)) ? undefined : `must be a reference to ${types.join(' | ')} (e.g. ${types[0]}/<id>)`;
  };
}

/** `check` or null. */
export function orNull(check: ValueCheck): ValueCheck {
  return (value) => (value === null ? undefined : check(value));
}

/** An array whose every element passes `check`, with at least `min` elements. */
export function arrayOf(check: ValueCheck, min = 0): ValueCheck {
  return (value) => {
    if (!Array.isArray(value)) return 'must be an array';
    if (value.length < min) return `must have at least ${min} element${min === 1 ? '' : 's'}`;
    for (let i = 0; i < value.length; i++) {
      const problem = check(value[i] as Json);
      if (problem) return `[${i}]: ${problem}`;
    }
    return undefined;
  };
}

/** A `set` op whose added elements pass `check` (removes need only name an element). */
export function setOf(check: ValueCheck): ValueCheck {
  return (value) => (isPlainObject(value) && Array.isArray(value['add']) ? arrayOf(check)(value['add'] as Json) : undefined);
}

/** An object with the given optional string properties and no others of the listed ones mistyped. */
function stringProps(value: Record<string, unknown>, names: readonly string[]): string | undefined {
  for (const name of names) if (value[name] !== undefined && typeof value[name] !== 'string') return `"${name}" must be a string`;
  return undefined;
}

/** FHIR `Coding`: `system`, `code`, `display` strings. */
export const coding: ValueCheck = (value) => (isPlainObject(value) ? stringProps(value, ['system', 'code', 'display']) : 'a Coding must be an object');

/** FHIR `CodeableConcept` with a coded `code` or a non-empty `text`. */
export const codeableConcept: ValueCheck = (value) => {
  if (!isPlainObject(value)) return 'a CodeableConcept must be an object { coding?, text? }';
  if (value['text'] !== undefined && typeof value['text'] !== 'string') return '"text" must be a string';
  if (value['coding'] !== undefined) {
    const problem = arrayOf(coding)(value['coding'] as Json);
    if (problem) return `coding${problem}`;
  }
  const coded = Array.isArray(value['coding']) && value['coding'].some((c) => isPlainObject(c) && typeof c['code'] === 'string' && c['code'] !== '');
  return coded || (typeof value['text'] === 'string' && value['text'].trim() !== '') ? undefined : 'a CodeableConcept needs a coding with a code, or text';
};

/** FHIR `Quantity` with a finite numeric `value`. */
export const quantity: ValueCheck = (value) => {
  if (!isPlainObject(value)) return 'a Quantity must be an object { value, unit?, system?, code? }';
  if (typeof value['value'] !== 'number' || !Number.isFinite(value['value'])) return 'a Quantity needs a numeric "value"';
  if (value['comparator'] !== undefined && !['<', '<=', '>=', '>'].includes(value['comparator'] as string)) return '"comparator" must be one of < | <= | >= | >';
  return stringProps(value, ['unit', 'system', 'code']);
};

/** FHIR `Annotation` as stored in `log` fields: `{ text }`. */
export const annotation: ValueCheck = (value) => (isPlainObject(value) && typeof value['text'] === 'string' && value['text'].trim() !== '' ? undefined : 'a note must be { text: <non-empty string> }');

/** FHIR `Dosage` with a readable `text`. */
export const dosage: ValueCheck = (value) => {
  if (!isPlainObject(value)) return 'a Dosage must be an object';
  if (typeof value['text'] !== 'string' || value['text'].trim() === '') return 'a Dosage needs its instruction as "text"';
  if (value['asNeededBoolean'] !== undefined && typeof value['asNeededBoolean'] !== 'boolean') return '"asNeededBoolean" must be a boolean';
  const rates = value['doseAndRate'];
  if (rates !== undefined) {
    if (!Array.isArray(rates)) return '"doseAndRate" must be an array';
    for (const rate of rates) {
      if (!isPlainObject(rate)) return '"doseAndRate" entries must be objects';
      if (rate['doseQuantity'] !== undefined) {
        const problem = quantity(rate['doseQuantity'] as Json);
        if (problem) return `doseQuantity: ${problem}`;
      }
    }
  }
  return undefined;
};

/** FHIR `Identifier`; an identifier in the NHS number system must pass the modulus-11 check. */
export const identifier: ValueCheck = (value) => {
  if (!isPlainObject(value) || typeof value['value'] !== 'string' || value['value'] === '') return 'an Identifier must be { system?, value }';
  if (value['system'] === NHS_NUMBER_SYSTEM) {
    const problem = nhsNumberProblem(value['value']);
    if (problem) return problem;
    if (value['value'].includes(' ')) return 'store the NHS number without spaces';
  }
  return stringProps(value, ['system', 'use']);
};

/** FHIR `HumanName` with at least a family name, a given name or text. */
export const humanName: ValueCheck = (value) => {
  if (!isPlainObject(value)) return 'a HumanName must be an object';
  const problem = stringProps(value, ['use', 'text', 'family']);
  if (problem) return problem;
  for (const part of ['given', 'prefix', 'suffix']) {
    const list = value[part];
    if (list !== undefined && (!Array.isArray(list) || !list.every((s) => typeof s === 'string'))) return `"${part}" must be an array of strings`;
  }
  const given = value['given'];
  return typeof value['family'] === 'string' || typeof value['text'] === 'string' || (Array.isArray(given) && given.length > 0) ? undefined : 'a HumanName needs a family name, a given name or text';
};

/** FHIR `ContactPoint` with a known `system`. */
export const contactPoint: ValueCheck = (value) => {
  if (!isPlainObject(value)) return 'a ContactPoint must be an object { system, value, use? }';
  if (!['phone', 'fax', 'email', 'pager', 'url', 'sms', 'other'].includes(value['system'] as string)) return '"system" must be one of phone | fax | email | pager | url | sms | other';
  if (typeof value['value'] !== 'string' || value['value'] === '') return 'a ContactPoint needs a "value"';
  return value['use'] === undefined || ['home', 'work', 'temp', 'old', 'mobile'].includes(value['use'] as string) ? undefined : '"use" must be one of home | work | temp | old | mobile';
};

/** FHIR `Address`: string parts and `line` as an array of strings. */
export const address: ValueCheck = (value) => {
  if (!isPlainObject(value)) return 'an Address must be an object';
  const line = value['line'];
  if (line !== undefined && (!Array.isArray(line) || !line.every((s) => typeof s === 'string'))) return '"line" must be an array of strings';
  return stringProps(value, ['use', 'text', 'city', 'district', 'postalCode', 'country']);
};
