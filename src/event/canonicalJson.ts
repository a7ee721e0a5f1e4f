import type { Json } from './json.js';

/**
 * Deterministic JSON (as RFC 8785 JCS for the values chartlog allows): object keys
 * sorted by UTF-16 code units, no whitespace, numbers in ECMAScript shortest form,
 * strings escaped by `JSON.stringify`. Equal values give equal text on every replica.
 * The input must already pass {@link checkJson} (strings NFC, numbers finite).
 *
 * @example canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: Json): string {
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
