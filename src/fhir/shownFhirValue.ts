import { isPlainObject, type Json } from '../event/json.js';
import type { FieldState, WriteRef } from '../merge/mergeRule.js';
import type { FhirField } from './fhirFields.js';

/**
 * What a field shows as FHIR JSON, by its rule: the value (`lww`, `mv`, `once`, `max`,
 * `min`), the elements present (`set`), every entry's elements in order (`log`);
 * undefined when the element is absent (null, an empty list or object).
 */
export function shownFhirValue(rule: string | undefined, held: FieldState): Json | undefined {
  const value = held.value as Json | undefined;
  if (rule === 'log') {
    // Each entry is the list of elements one write added.
    const entries = (value as unknown as readonly WriteRef[]).flatMap((w) =>
      Array.isArray(w.value) ? w.value : [w.value],
    );
    return entries.length > 0 ? entries : undefined;
  }
  if (value === null || value === undefined) return undefined;
  // FHIR JSON has no empty arrays or objects: an element holding one is absent.
  if (Array.isArray(value) && value.length === 0) return undefined;
  if (isPlainObject(value) && Object.keys(value).length === 0) return undefined;
  return value;
}

/** The JSON members a field's value is: `{ code: … }`, a choice's own member (`{ valueQuantity: … }`), a companion's `_` member. */
export function fieldMembers(f: FhirField, value: Json): Record<string, unknown> {
  if (f.choice && isPlainObject(value)) return { ...value };
  return { [f.field]: value };
}
