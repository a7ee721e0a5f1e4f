import { isPlainObject } from '../../event/json.js';
import type { FhirStringMatch } from './fhirSearch.js';

const HUMAN_NAME_PARTS = ['family', 'given', 'prefix', 'suffix', 'text'] as const;

/**
 * A string as FHIR string search compares it when case and accents do not count: lower
 * case, decomposed (NFD), combining marks dropped. `Zoë`, `ZOE` and `zoe` all become `zoe`.
 * Letters that are not a base letter plus marks (`ø`, `ß`, `ł`) stay as they are.
 *
 * @example foldFhirString('Zoë') // 'zoe'
 */
export function foldFhirString(text: string): string {
  return text.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
}

/**
 * The strings a value of FHIR type `type` offers a string search: a `string` or `markdown`
 * itself; a `HumanName`'s family, given, prefix, suffix and text (R4: `name` "may match any
 * of the string fields in the HumanName"); nothing for anything else.
 *
 * @example fhirStringsOf({ family: 'Smith', given: ['Zoë', 'Ann'] }, 'HumanName') // ['Smith', 'Zoë', 'Ann']
 */
export function fhirStringsOf(value: unknown, type: string): string[] {
  if (typeof value === 'string') return type === 'HumanName' ? [] : [value];
  if (type !== 'HumanName' || !isPlainObject(value)) return [];
  return HUMAN_NAME_PARTS.flatMap((part) => {
    const v = value[part];
    return (Array.isArray(v) ? v : [v]).filter((s): s is string => typeof s === 'string');
  });
}

/**
 * Whether any of `strings` matches any of the search `values` the way `match` says (see
 * {@link FhirStringMatch}). Both sides are compared in NFC, so a value sent decomposed still
 * matches exactly what the record holds composed.
 *
 * @example matchesFhirString(['Zoë'], 'start', ['zo']) // true
 */
export function matchesFhirString(
  strings: readonly string[],
  match: FhirStringMatch,
  values: readonly string[],
): boolean {
  if (match === 'exact') {
    const wanted = new Set(values.map((v) => v.normalize('NFC')));
    return strings.some((s) => wanted.has(s.normalize('NFC')));
  }
  const folded = values.map(foldFhirString);
  return strings.some((s) => {
    const f = foldFhirString(s);
    return folded.some((v) => (match === 'start' ? f.startsWith(v) : f.includes(v)));
  });
}
