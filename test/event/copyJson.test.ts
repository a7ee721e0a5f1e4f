import { describe, expect, it } from 'vitest';
import type { ValidationIssue } from '../../src/index.js';
import { copyCanonicalJson } from '../../src/event/copyJson.js';

function copied(value: unknown): { copy: unknown; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  return { copy: copyCanonicalJson(value, ['data'], issues), issues };
}

describe("copyCanonicalJson (the writer's copy of a caller's payload)", () => {
  it('refuses a __proto__ key, object- or string-valued, naming its path, and never sets a prototype', () => {
    for (const text of [
      '{"text":"Penicillin","__proto__":{"x":1}}',
      '{"text":"Penicillin","__proto__":"x"}',
      '{"a":[{"__proto__":null}]}',
    ]) {
      const { copy, issues } = copied(JSON.parse(text));
      expect(issues, text).toHaveLength(1);
      expect(issues[0]?.path.at(-1), text).toBe('__proto__');
      expect(issues[0]?.path[0], text).toBe('data');
      expect(Object.getPrototypeOf(copy), text).toBe(Object.prototype);
      expect((copy as { x?: unknown }).x, text).toBeUndefined();
    }
  });

  it('refuses two keys of one object that are the same key after NFC, naming the second', () => {
    const { issues } = copied({ code: { 'caf\u00e9': 'a', 'cafe\u0301': 'b' } });
    expect(issues).toMatchObject([
      { path: ['data', 'code', 'cafe\u0301'], message: expect.stringContaining('NFC') },
    ]);
  });

  it('still normalises a lone non-NFC key, and keeps keys that differ after NFC', () => {
    const { copy, issues } = copied({ 'cafe\u0301': 1, cafe: 2 });
    expect(issues).toEqual([]);
    expect(copy).toEqual({ 'caf\u00e9': 1, cafe: 2 });
  });

  it('keeps keys that only look special (constructor, prototype, toString) as plain data', () => {
    const { copy, issues } = copied(JSON.parse('{"constructor":1,"prototype":{"a":2},"toString":"x"}'));
    expect(issues).toEqual([]);
    expect(JSON.stringify(copy)).toBe('{"constructor":1,"prototype":{"a":2},"toString":"x"}');
  });
});
