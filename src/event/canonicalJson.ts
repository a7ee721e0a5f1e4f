import type { Json } from './json.js';

/**
 * Deterministic JSON (as RFC 8785 JCS for the values chartlog allows): object keys
 * sorted by UTF-16 code units, no whitespace, numbers in ECMAScript shortest form,
 * strings escaped by `JSON.stringify`. Equal values give equal text on every replica.
 * The input must already pass {@link checkJson} (strings NFC, numbers finite).
 *
 * A value whose objects already list their keys in that order (anything parsed from
 * canonical JSON, and the states chartlog builds in that order) is handed whole to the
 * native `JSON.stringify`, which writes exactly those bytes several times faster; only
 * the objects out of order are sorted here.
 *
 * @example canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: Json): string {
  return inCanonicalOrder(value) ? JSON.stringify(value) : encodeSorting(value);
}

/**
 * True when `JSON.stringify(value)` is already canonical: every object is plain, lists
 * its keys strictly ascending by UTF-16 code units, and every array holds no `undefined`
 * (which the native encoder would write as `null` where {@link encodeSorting} throws).
 * An object's own keys are checked before its values, so an unsorted object fails
 * without walking what is below it.
 */
function inCanonicalOrder(value: Json): boolean {
  if (typeof value !== 'object' || value === null) return value !== undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!inCanonicalOrder(value[i] as Json)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const obj = value as { readonly [key: string]: Json };
  const keys = Object.keys(obj);
  for (let i = 1; i < keys.length; i++) if (!((keys[i - 1] as string) < (keys[i] as string))) return false;
  for (let i = 0; i < keys.length; i++) {
    const v = obj[keys[i] as string];
    // The native encoder skips an undefined property, as encodeSorting does.
    if (v !== undefined && !inCanonicalOrder(v)) return false;
  }
  return true;
}

/** The canonical text of a value with at least one object out of key order. */
function encodeSorting(value: Json): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      // JSON.stringify(-0) is "0", as JCS wants.
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default: {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i] as Json);
        return out + ']';
      }
      const obj = value as { readonly [key: string]: Json };
      // Default sort compares UTF-16 code units, which is exactly JCS's key order.
      const keys = Object.keys(obj).sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const v = obj[key];
        if (v === undefined) continue;
        out += (first ? '' : ',') + JSON.stringify(key) + ':' + canonicalJson(v);
        first = false;
      }
      return out + '}';
    }
  }
}
