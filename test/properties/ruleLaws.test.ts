import { describe, expect, it } from 'vitest';
import { lww, type MergeRule, type RegisterState } from '../../src/index.js';
import { builtinRules } from '../../src/merge/builtinRules.js';
import { checkRuleLaws, RuleLawViolation } from '../../src/testing/index.js';

describe('property 4: every built-in rule keeps the laws it claims', () => {
  it.each(Object.entries(builtinRules))(
    '%s is deterministic, consistent, commutative, associative and idempotent',
    (_name, rule) => {
      const report = checkRuleLaws(rule);
      expect(report.results.map((r) => r.check)).toEqual([
        'deterministic',
        'consistent',
        'commutative',
        'associative',
        'idempotent',
      ]);
      expect(report.ok).toBe(true);
    },
  );
});

describe('checkRuleLaws catches a rule that breaks a law it claims', () => {
  // Claims commutativity, but merge keeps its first argument.
  const keepFirst: MergeRule<RegisterState> = { ...lww, name: 'keep-first', merge: () => undefined };
  // Claims commutativity, but the last write applied wins, whatever its pred or stamp.
  const lastApplied: MergeRule<RegisterState> = {
    ...lww,
    name: 'last-applied',
    apply: (state, write) => {
      (state as { live: unknown[] }).live = [write];
      (state as { value: unknown }).value = write.value;
    },
  };

  it('a merge that keeps its first argument fails "commutative", with the seed and a counterexample', () => {
    const report = checkRuleLaws(keepFirst, { throwOnViolation: false, log: false, seed: 7 });
    const commutative = report.results.find((r) => r.check === 'commutative');
    expect(commutative?.ok).toBe(false);
    expect(commutative?.message).toMatch(/merge\(a, b\) ≡ merge\(b, a\) does not hold/);
    expect(commutative?.counterexample).toMatch(/#0 site-/);
    expect(() => checkRuleLaws(keepFirst, { log: false, seed: 7 })).toThrow(RuleLawViolation);
    expect(() => checkRuleLaws(keepFirst, { log: false, seed: 7 })).toThrow(
      /seed 7.*CHARTLOG_PROPERTY_SEED=7[\s\S]*✗ commutative/,
    );
  });

  it('an apply where the last write applied wins fails "commutative" on apply order', () => {
    const report = checkRuleLaws(lastApplied, { throwOnViolation: false, log: false });
    expect(report.results.find((r) => r.check === 'commutative')?.message).toMatch(
      /fold\(writes\) ≡ fold\(shuffled writes\)|merge\(a, b\)/,
    );
    expect(report.ok).toBe(false);
  });

  it('a rule that claims no laws is only held to determinism', () => {
    const report = checkRuleLaws({ ...keepFirst, laws: [] }, { log: false });
    expect(report.results.map((r) => r.check)).toEqual(['deterministic']);
    expect(report.ok).toBe(true);
  });

  it('a non-deterministic rule fails "deterministic"', () => {
    let calls = 0;
    const flaky: MergeRule<RegisterState> = {
      ...lww,
      name: 'flaky',
      laws: [],
      create: (w, p) => ({ ...lww.create(w, p), value: calls++ }),
    };
    const report = checkRuleLaws(flaky, { throwOnViolation: false, log: false });
    expect(report.results.find((r) => r.check === 'deterministic')?.ok).toBe(false);
  });
});
