import fc, { type Arbitrary } from 'fast-check';
import type { Json } from '../event/json.js';
import type { MergeRule } from '../merge/mergeRule.js';

/** Constraints for {@link ruleValueArbitrary}. */
export interface RuleValueConstraints {
  /**
   * The few strings values are drawn from. Few on purpose: equal values written by two
   * sites (a `once` field agreeing, a `set` element added twice) must happen often.
   * @defaultValue `['alpha', 'beta', 'gamma']`
   */
  readonly words?: readonly string[];
}

/**
 * Values a field under `rule` accepts, shaped so that merges meet interesting cases:
 * - `lww`, `mv`, `once`, `log`: a few words, small integers and small objects;
 * - `max`, `min`: small integers and ISO dates (numbers sort below strings);
 * - `set`: `{ add }`, `{ remove }` or both, over the same few words;
 * - any other rule: words and small integers its `check` accepts.
 *
 * @param rule - a rule or a built-in rule's name.
 * @example
 * ```ts
 * fc.sample(ruleValueArbitrary('set'), 3); // e.g. [{ add: ['beta'] }, { remove: ['alpha'] }, …]
 * ```
 */
export function ruleValueArbitrary(
  rule: MergeRule | string,
  constraints: RuleValueConstraints = {},
): Arbitrary<Json> {
  const words = constraints.words ?? ['alpha', 'beta', 'gamma'];
  const word = fc.constantFrom(...words);
  const name = typeof rule === 'string' ? rule : rule.name;
  switch (name) {
    case 'lww':
    case 'mv':
    case 'once':
    case 'log':
      return fc.oneof(
        { weight: 4, arbitrary: word },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 }) },
        { weight: 1, arbitrary: fc.record({ code: word }) },
      );
    case 'max':
    case 'min':
      return fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: -3, max: 3 }) },
        { weight: 1, arbitrary: fc.constantFrom('2026-01-01', '2026-06-30', '2027-01-01') },
      );
    case 'set':
      return fc.oneof(
        { weight: 3, arbitrary: fc.record({ add: fc.uniqueArray(word, { minLength: 1, maxLength: 2 }) }) },
        { weight: 2, arbitrary: fc.record({ remove: fc.uniqueArray(word, { minLength: 1, maxLength: 2 }) }) },
        {
          weight: 1,
          arbitrary: fc.record({
            add: fc.uniqueArray(word, { minLength: 1, maxLength: 1 }),
            remove: fc.uniqueArray(word, { minLength: 1, maxLength: 1 }),
          }),
        },
      ) as Arbitrary<Json>;
    default: {
      const custom = fc.oneof(word, fc.integer({ min: -3, max: 3 })) as Arbitrary<Json>;
      return typeof rule === 'string' ? custom : custom.filter((v) => rule.check(v) === undefined);
    }
  }
}
