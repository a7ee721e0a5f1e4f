import { isPlainObject, type Json } from '../event/json.js';
import { NHS_NUMBER_SYSTEM, nhsNumberProblem } from './nhsNumber.js';

/**
 * Checks of the clinical commands' inputs, beyond what R4 itself says: each returns why a
 * value is unacceptable, or undefined. The schema checks every stored value for its R4
 * type (`chartlog/fhir`); these say what the pack asks of a clinician's input (a code
 * from a value set, a dose with readable text, an NHS number with the right check
 * digit), with the input's name in the issue path. They run in the commands only: a
 * record imported from another system is held as R4 allows it.
 */
export type ValueCheck = (value: Json) => string | undefined;

/** Pattern of a FHIR resource id: what follows `Patient/` in a reference. */
export const FHIR_ID_PATTERN = /^[A-Za-z0-9.-]{1,64}$/;

/** A check for a FHIR id, as commands take the ids of what they link to. */
export const fhirId: ValueCheck = (value) =>
  typeof value === 'string' && FHIR_ID_PATTERN.test(value)
    ? undefined
    : `must be a FHIR id (${FHIR_ID_PATTERN})`;

const FULL_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A check that accepts exactly the codes in `values` (a FHIR required value set). */
export function oneOf(values: readonly string[]): ValueCheck {
  return (value) =>
    typeof value === 'string' && values.includes(value) ? undefined : `must be one of ${values.join(' | ')}`;
}

/** A check for a non-empty string. */
export const nonEmptyString: ValueCheck = (value) =>
  typeof value === 'string' && value.trim() !== '' ? undefined : 'must be a non-empty string';

/** A check for a full calendar date `YYYY-MM-DD`: these sort as text in date order, so a `max` field can keep the latest. */
export const fullDate: ValueCheck = (value) =>
  typeof value === 'string' && FULL_DATE.test(value) ? undefined : 'must be a date YYYY-MM-DD';

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

/** An object with the given optional string properties and no others of the listed ones mistyped. */
function stringProps(value: Record<string, unknown>, names: readonly string[]): string | undefined {
  for (const name of names)
    if (value[name] !== undefined && typeof value[name] !== 'string') return `"${name}" must be a string`;
  return undefined;
}

/** FHIR `Coding`: `system`, `code`, `display` strings. */
const coding: ValueCheck = (value) =>
  isPlainObject(value) ? stringProps(value, ['system', 'code', 'display']) : 'a Coding must be an object';

/** A `CodeableConcept` a clinician can act on: a coding with a code, or a non-empty `text`. */
export const codeableConcept: ValueCheck = (value) => {
  if (!isPlainObject(value)) return 'a CodeableConcept must be an object { coding?, text? }';
  if (value['text'] !== undefined && typeof value['text'] !== 'string') return '"text" must be a string';
  if (value['coding'] !== undefined) {
    const problem = arrayOf(coding)(value['coding'] as Json);
    if (problem) return `coding${problem}`;
  }
  const coded =
    Array.isArray(value['coding']) &&
    value['coding'].some((c) => isPlainObject(c) && typeof c['code'] === 'string' && c['code'] !== '');
  return coded || (typeof value['text'] === 'string' && value['text'].trim() !== '')
    ? undefined
    : 'a CodeableConcept needs a coding with a code, or text';
};

/** A `Quantity` with a finite numeric `value`. */
export const quantity: ValueCheck = (value) => {
  if (!isPlainObject(value)) return 'a Quantity must be an object { value, unit?, system?, code? }';
  if (typeof value['value'] !== 'number' || !Number.isFinite(value['value']))
    return 'a Quantity needs a numeric "value"';
  if (value['comparator'] !== undefined && !['<', '<=', '>=', '>'].includes(value['comparator'] as string))
    return '"comparator" must be one of < | <= | >= | >';
  return stringProps(value, ['unit', 'system', 'code']);
};

/** A `Dosage` with its instruction as readable `text`. */
export const dosage: ValueCheck = (value) => {
  if (!isPlainObject(value)) return 'a Dosage must be an object';
  if (typeof value['text'] !== 'string' || value['text'].trim() === '')
    return 'a Dosage needs its instruction as "text"';
  if (value['asNeededBoolean'] !== undefined && typeof value['asNeededBoolean'] !== 'boolean')
    return '"asNeededBoolean" must be a boolean';
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

/** An `Identifier` with a value; one in the NHS number system must pass the modulus-11 check. */
export const identifier: ValueCheck = (value) => {
  if (!isPlainObject(value) || typeof value['value'] !== 'string' || value['value'] === '')
    return 'an Identifier must be { system?, value }';
  if (value['system'] === NHS_NUMBER_SYSTEM) {
    const problem = nhsNumberProblem(value['value']);
    if (problem) return problem;
    if (value['value'].includes(' ')) return 'store the NHS number without spaces';
  }
  return stringProps(value, ['system', 'use']);
};

/** A `HumanName` with at least a family name, a given name or text. */
export const humanName: ValueCheck = (value) => {
  if (!isPlainObject(value)) return 'a HumanName must be an object';
  const problem = stringProps(value, ['use', 'text', 'family']);
  if (problem) return problem;
  for (const part of ['given', 'prefix', 'suffix']) {
    const list = value[part];
    if (list !== undefined && (!Array.isArray(list) || !list.every((s) => typeof s === 'string')))
      return `"${part}" must be an array of strings`;
  }
  const given = value['given'];
  return typeof value['family'] === 'string' ||
    typeof value['text'] === 'string' ||
    (Array.isArray(given) && given.length > 0)
    ? undefined
    : 'a HumanName needs a family name, a given name or text';
};

/** A `ContactPoint` with a known `system` and a value. */
export const contactPoint: ValueCheck = (value) => {
  if (!isPlainObject(value)) return 'a ContactPoint must be an object { system, value, use? }';
  if (!['phone', 'fax', 'email', 'pager', 'url', 'sms', 'other'].includes(value['system'] as string))
    return '"system" must be one of phone | fax | email | pager | url | sms | other';
  if (typeof value['value'] !== 'string' || value['value'] === '') return 'a ContactPoint needs a "value"';
  return value['use'] === undefined ||
    ['home', 'work', 'temp', 'old', 'mobile'].includes(value['use'] as string)
    ? undefined
    : '"use" must be one of home | work | temp | old | mobile';
};

/** An `Address`: string parts and `line` as an array of strings. */
export const address: ValueCheck = (value) => {
  if (!isPlainObject(value)) return 'an Address must be an object';
  const line = value['line'];
  if (line !== undefined && (!Array.isArray(line) || !line.every((s) => typeof s === 'string')))
    return '"line" must be an array of strings';
  return stringProps(value, ['use', 'text', 'city', 'district', 'postalCode', 'country']);
};

/** A reference string to one of `types`, as the commands take them: `reference('Organization')` accepts `Organization/B82005`. */
export function referenceString(...types: readonly string[]): ValueCheck {
  return (value) => {
    if (typeof value !== 'string') return `must be a reference string like ${types[0]}/<id>`;
    const slash = value.indexOf('/');
    return types.includes(value.slice(0, slash)) && FHIR_ID_PATTERN.test(value.slice(slash + 1))
      ? undefined
      : `must be a reference to ${types.join(' | ')} (e.g. ${types[0]}/<id>)`;
  };
}
