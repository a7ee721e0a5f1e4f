import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Json } from '../../src/index.js';
import { canonicalJson } from '../../src/event/canonicalJson.js';
import { propertyRuns } from '../../src/testing/index.js';

/**
 * canonicalJson hands a value whose objects are already in key order to the native
 * JSON.stringify and sorts the rest itself. Whichever path a value takes, its text must
 * be the one a plain sorting encoder writes: these bytes are hashed into every replica's
 * state hash.
 */

/** The obvious encoder: sort every object's keys, skip undefined properties. */
function sortingEncoder(value: Json): string {
  if (Array.isArray(value)) return `[${value.map((v) => sortingEncoder(v as Json)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const obj = value as { readonly [key: string]: Json | undefined };
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${sortingEncoder(obj[k] as Json)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Keys that stress the order: integer-like ones (V8 lists those first, numerically), case, non-ASCII, astral. */
const key = fc.oneof(
  fc.string({ maxLength: 4 }),
  fc.constantFrom(
    '0',
    '1',
    '2',
    '9',
    '10',
    '01',
    'a',
    'B',
    'b',
    'é',
    'z',
    '\u{1F600}',
    '\uFFFD',
    '__proto__',
  ),
);

/** JSON whose objects are built in a random key order: some come out sorted, most not. */
const json: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<Json>(null, true, false, 0, -0, 1.5, -1e21, 1e-7, 'x', 'é', '"\\\n'),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.uniqueArray(fc.tuple(key, tie('value')), { maxLength: 5, selector: ([k]) => k }).map((entries) => {
      const obj: Record<string, Json> = {};
      // defineProperty, so "__proto__" is an own key as JSON.parse makes it.
      for (const [k, v] of entries)
        Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
      return obj as Json;
    }),
  ),
})).value;

describe('canonicalJson, native and sorting paths', () => {
  it('writes exactly what a sorting encoder writes, for values in any key order', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(canonicalJson(value)).toBe(sortingEncoder(value));
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('writes the same text for a value parsed back from its canonical text (keys already in order)', () => {
    fc.assert(
      fc.property(json, (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text) as Json)).toBe(text);
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('skips an undefined property and sorts an object whose integer-like keys V8 lists first', () => {
    expect(canonicalJson({ a: 1, b: undefined as unknown as Json, c: { d: 2 } })).toBe('{"a":1,"c":{"d":2}}');
    // V8 lists "2" before "10"; code units put "10" first.
    expect(canonicalJson({ '10': 'x', '2': 'y', a: [{ '9': 1, '10': 2 }] })).toBe(
      '{"10":"x","2":"y","a":[{"10":2,"9":1}]}',
    );
  });

  it('refuses an undefined array element, as it always did, rather than write null', () => {
    expect(() => canonicalJson([1, undefined as unknown as Json])).toThrow();
  });
});
