import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkJson } from '../../src/event/json.js';
import { MAX_JSON_DEPTH } from '../../src/event/json.js';
import { eventNestingIssue, nestingIssue } from '../../src/event/nestingDepth.js';
import { propertyRuns } from '../../src/testing/index.js';

/** `depth` arrays around 0, built without recursion. */
function nested(depth: number, wrap: (v: unknown) => unknown = (v) => [v]): unknown {
  let v: unknown = 0;
  for (let i = 0; i < depth; i++) v = wrap(v);
  return v;
}

describe('the nesting limit is checked without recursion', () => {
  it('refuses values nested 10k and 500k levels deep, with a path cut at the limit, without throwing', () => {
    for (const depth of [10_000, 500_000]) {
      for (const wrap of [(v: unknown) => [v], (v: unknown) => ({ k: v })]) {
        const issue = nestingIssue(nested(depth, wrap), MAX_JSON_DEPTH, ['data']);
        expect(issue?.message).toBe(`nested deeper than ${MAX_JSON_DEPTH} levels`);
        expect(issue?.path).toHaveLength(1 + MAX_JSON_DEPTH);
      }
    }
  });

  it('agrees with checkJson on where the limit is, and on the path it names', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 * MAX_JSON_DEPTH }), fc.boolean(), (depth, objects) => {
        const value = {
          wide: [1, 'x', { a: null }],
          deep: nested(depth, objects ? (v) => ({ k: v }) : (v) => [v]),
        };
        const fromCheck = checkJson(value, ['data']).find((i) => i.message.startsWith('nested'));
        expect(nestingIssue(value, MAX_JSON_DEPTH, ['data'])).toEqual(fromCheck);
      }),
      { numRuns: propertyRuns(50) },
    );
  });

  it('holds each member of an event to the limit checkJson holds data to, naming the member', () => {
    const fine = nested(MAX_JSON_DEPTH);
    expect(checkJson(fine)).toEqual([]);
    expect(eventNestingIssue({ data: fine, pred: fine, author: fine, id: 'x' })).toBeUndefined();
    const deep = nested(MAX_JSON_DEPTH + 1);
    expect(checkJson(deep)).not.toEqual([]);
    for (const member of ['data', 'pred', 'author', 'extra']) {
      expect(eventNestingIssue({ id: 'x', [member]: deep })).toMatchObject({
        path: [member, ...Array(MAX_JSON_DEPTH).fill(0)],
        message: `nested deeper than ${MAX_JSON_DEPTH} levels`,
      });
    }
  });

  it('names a cycle where it closes, as checkJson does', () => {
    const loop: unknown[] = [];
    loop.push(loop);
    const value = { x: { y: loop } };
    expect(nestingIssue(value)).toMatchObject({
      path: ['x', 'y', 0],
      message: 'cycle: the value contains itself',
    });
    expect(checkJson(value)).toMatchObject([
      { path: ['x', 'y', 0], message: 'cycle: the value contains itself' },
    ]);
  });
});
