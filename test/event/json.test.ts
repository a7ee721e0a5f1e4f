import { describe, expect, it } from 'vitest';
import { checkJson } from '../../src/event/json.js';

describe('checkJson', () => {
  it('refuses a __proto__ key wherever it is, naming its path, with or without the NFC requirement', () => {
    for (const requireNfc of [true, false]) {
      expect(
        checkJson(JSON.parse('{"text":"Penicillin","__proto__":{"x":1}}'), ['code'], { requireNfc }),
      ).toMatchObject([{ path: ['code', '__proto__'], message: expect.stringContaining('__proto__') }]);
      expect(checkJson(JSON.parse('{"a":[{"__proto__":"x"}]}'), [], { requireNfc })).toMatchObject([
        { path: ['a', 0, '__proto__'], message: expect.any(String) },
      ]);
    }
  });

  it('refuses two keys equal after NFC when it does not require NFC (a writer normalises them into one)', () => {
    expect(checkJson({ 'caf\u00e9': 'a', 'cafe\u0301': 'b' }, ['code'], { requireNfc: false })).toMatchObject(
      [{ path: ['code', 'cafe\u0301'], message: expect.stringContaining('NFC') }],
    );
    // With NFC required, the non-NFC key alone is the problem.
    expect(checkJson({ 'caf\u00e9': 'a', 'cafe\u0301': 'b' }, ['code'])).toMatchObject([
      { path: ['code', 'cafe\u0301'], message: 'key is not well-formed Unicode NFC' },
    ]);
    expect(checkJson({ 'cafe\u0301': 'b', cafe: 1 }, [], { requireNfc: false })).toEqual([]);
  });
});
