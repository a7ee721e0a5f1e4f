import { isPlainObject, type Json } from '../event/json.js';
import type { BuiltinRuleName } from '../merge/builtinRules.js';
import { R4_PRIMITIVES } from './r4/r4Definitions.generated.js';
import type { R4Element } from './r4/r4Types.js';

/** Checks one written value: a message saying what is wrong, or undefined. */
export type FieldCheck = (value: Json) => string | undefined;

const patterns = new Map<string, RegExp>();
function patternOf(type: string, regex: string): RegExp {
  let p = patterns.get(type);
  if (p === undefined) patterns.set(type, (p = new RegExp(`^(?:${regex})$`, 'u')));
  return p;
}

/** The JSON property name of one type of a choice element: `value` + `Quantity` → `valueQuantity`. */
export function choiceKey(base: string, type: string): string {
  return base + type.charAt(0).toUpperCase() + type.slice(1);
}

/**
 * Checks a value of one R4 type, shallowly: a primitive's JSON type and the spec's regex,
 * an object for a complex type, a `resourceType` for a contained resource. The full
 * structure (every nested element, cardinality, value sets) is checked where FHIR comes
 * in (import, REST) by a FHIR validator; this check keeps a peer's event from putting a
 * value of the wrong shape into a record.
 */
export function checkR4Value(type: string, value: unknown): string | undefined {
  const primitive = R4_PRIMITIVES[type];
  if (primitive !== undefined) {
    if (typeof value !== primitive.json) return `a FHIR ${type} must be a JSON ${primitive.json}`;
    if (primitive.regex !== undefined && !patternOf(type, primitive.regex).test(String(value)))
      return `not a valid FHIR ${type}: ${JSON.stringify(value).slice(0, 80)}`;
    if (primitive.json === 'number' && !Number.isFinite(value as number))
      return `a FHIR ${type} must be a finite number`;
    return undefined;
  }
  if (!isPlainObject(value)) return `a FHIR ${type} must be a JSON object`;
  if (type === 'Resource' && typeof value['resourceType'] !== 'string')
    return 'a contained resource needs its resourceType';
  return undefined;
}

/** One occurrence of an element: for a choice element, a one-member object naming its type (`{ "valueQuantity": … }`). */
function occurrenceCheck(name: string, element: R4Element): FieldCheck {
  if (!name.endsWith('[x]')) {
    const [type] = element.types;
    return (value) => checkR4Value(type as string, value);
  }
  const base = name.slice(0, -3);
  const byKey = new Map(element.types.map((t) => [choiceKey(base, t), t]));
  return (value) => {
    if (!isPlainObject(value) || Object.keys(value).length !== 1)
      return `${base}[x] is stored as one member naming its type, e.g. {"${choiceKey(base, element.types[0] as string)}": …}`;
    const [key] = Object.keys(value) as [string];
    const type = byKey.get(key);
    if (type === undefined) return `${key} is not a type of ${base}[x] (${[...byKey.keys()].join(', ')})`;
    return checkR4Value(type, value[key]);
  };
}

/** An array of occurrences: FHIR arrays are never empty and never hold null. */
function listCheck(one: FieldCheck): FieldCheck {
  return (value) => {
    if (!Array.isArray(value) || value.length === 0) return 'must be a non-empty array';
    for (let i = 0; i < value.length; i++) {
      const problem = one(value[i] as Json);
      if (problem !== undefined) return `[${i}]: ${problem}`;
    }
    return undefined;
  };
}

/**
 * The check of what a field holding an R4 element takes, given its rule's write shape:
 * a value or `null` (the element removed) for `lww`, `mv`, `once`, `max` and `min`; the
 * elements of `{ add, remove }` for `set`; the non-empty array of entries a write adds for
 * `log`.
 */
export function fhirFieldCheck(name: string, element: R4Element, rule: BuiltinRuleName): FieldCheck {
  const one = occurrenceCheck(name, element);
  const repeating = element.max === '*';
  if (rule === 'set') {
    return (value) => {
      if (!isPlainObject(value)) return undefined; // the rule's own check says what a set op is
      for (const part of ['add', 'remove'] as const) {
        const list = value[part];
        if (!Array.isArray(list)) continue;
        for (let i = 0; i < list.length; i++) {
          const problem = one(list[i] as Json);
          if (problem !== undefined) return `${part}[${i}]: ${problem}`;
        }
      }
      return undefined;
    };
  }
  if (rule === 'log') return listCheck(one);
  const whole = repeating ? listCheck(one) : one;
  return (value) => (value === null ? undefined : whole(value));
}

/**
 * The check of a primitive element's companion field (`_birthDate`: its id and
 * extensions, FHIR JSON's `_` member): an object, or for a repeating element an array of
 * objects and nulls; for a choice element a one-member object naming the `_` member.
 */
export function fhirCompanionCheck(name: string, element: R4Element): FieldCheck {
  const objectOrNull = (v: unknown): boolean => v === null || isPlainObject(v);
  const part: FieldCheck =
    element.max === '*'
      ? (v) =>
          Array.isArray(v) && v.length > 0 && v.every(objectOrNull)
            ? undefined
            : 'must be an array of objects and nulls'
      : (v) => (isPlainObject(v) ? undefined : 'must be an object (id, extension)');
  if (!name.endsWith('[x]')) return (value) => (value === null ? undefined : part(value));
  const base = name.slice(0, -3);
  const keys = new Set(
    element.types.filter((t) => R4_PRIMITIVES[t] !== undefined).map((t) => `_${choiceKey(base, t)}`),
  );
  return (value) => {
    if (value === null) return undefined;
    if (
      !isPlainObject(value) ||
      Object.keys(value).length !== 1 ||
      !keys.has(Object.keys(value)[0] as string)
    )
      return `must be one member of ${[...keys].join(', ')}`;
    return part(Object.values(value)[0] as Json);
  };
}
