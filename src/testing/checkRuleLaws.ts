import { ChartlogError } from '../error/chartlogError.js';
import fc, { type Arbitrary } from 'fast-check';
import { produce, type Draft } from 'immer';
import { canonicalJson } from '../event/canonicalJson.js';
import type { Json } from '../event/json.js';
import type { FieldState, MergeRule, RuleLaw } from '../merge/mergeRule.js';
import { diffJson } from './diffJson.js';
import {
  describeFieldWrites,
  fieldHistoryArbitrary,
  foldFieldWrites,
  type FieldWrite,
} from './fieldWriteArbitrary.js';
import { propertyRuns, propertySeed, PROPERTY_SEED_ENV } from './propertyParameters.js';

/** What {@link checkRuleLaws} checks: the rule's claimed laws plus determinism and apply/merge consistency. */
export type RuleCheck = RuleLaw | 'deterministic' | 'consistent';

/** Options for {@link checkRuleLaws}. */
export interface CheckRuleLawsOptions {
  /** Values written to the field. @defaultValue `ruleValueArbitrary(rule)` */
  readonly values?: Arbitrary<Json>;
  /** Runs per law. @defaultValue `propertyRuns(100)` (`CHARTLOG_PROPERTY_RUNS`) */
  readonly runs?: number;
  /** fast-check seed. @defaultValue `propertySeed()` (`CHARTLOG_PROPERTY_SEED` or random) */
  readonly seed?: number;
  /** Most writes in a generated history. @defaultValue `6` */
  readonly maxWrites?: number;
  /** Throw {@link RuleLawViolation} when a check fails. @defaultValue `true` */
  readonly throwOnViolation?: boolean;
  /** Where the seed line is printed; `false` for nowhere. @defaultValue `console.log` */
  readonly log?: ((line: string) => void) | false;
}

/** The outcome of one check. */
export interface RuleCheckResult {
  /** Which law or check. */
  readonly check: RuleCheck;
  /** True when it held on every run. */
  readonly ok: boolean;
  /** The shrunk counterexample, readable, when it failed. */
  readonly counterexample?: string;
  /** Why it failed: which equation broke and where the two sides differ. */
  readonly message?: string;
  /** fast-check's shrink path, to replay with `{ seed, path }`. */
  readonly path?: string;
}

/** What {@link checkRuleLaws} found. */
export interface RuleLawReport {
  /** The rule's name. */
  readonly rule: string;
  /** The seed every check ran with. */
  readonly seed: number;
  /** Runs per check. */
  readonly runs: number;
  /** One result per check, in the order run. */
  readonly results: readonly RuleCheckResult[];
  /** True when every check held. */
  readonly ok: boolean;
}

/**
 * Thrown by {@link checkRuleLaws} when a rule breaks a law it claims; `report` has every result.
 *
 * @example
 * ```ts
 * try { checkRuleLaws(rule); } catch (e) { if (e instanceof RuleLawViolation) console.log(e.report.seed); }
 * ```
 */
export class RuleLawViolation extends ChartlogError<'RULE_LAW_VIOLATED'> {
  /** Every check's result, with the seed to replay. */
  readonly report: RuleLawReport;
  constructor(report: RuleLawReport) {
    super('RULE_LAW_VIOLATED', formatRuleLawReport(report));
    this.name = 'RuleLawViolation';
    this.report = report;
  }
}

interface LawCase {
  readonly history: readonly FieldWrite[];
  readonly a: readonly FieldWrite[];
  readonly b: readonly FieldWrite[];
  readonly c: readonly FieldWrite[];
  readonly shuffled: readonly FieldWrite[];
  readonly w: FieldWrite;
}

/**
 * Property-checks that a {@link MergeRule} keeps the algebraic laws it claims in
 * `rule.laws`, with fast-check over causally plausible histories
 * ({@link fieldHistoryArbitrary}). States are compared by canonical JSON.
 *
 * Always checked:
 * - deterministic: the same writes give the same state, `current` and `conflict`;
 * - consistent (when any law is claimed): `apply(s, w) ≡ merge(s, create(w))`.
 *
 * Checked when claimed:
 * - commutative: `merge(a, b) ≡ merge(b, a)`, and applying writes in any order gives the same state;
 * - associative: `merge(merge(a, b), c) ≡ merge(a, merge(b, c))`;
 * - idempotent: `merge(a, a) ≡ a`, and applying a write twice ≡ once.
 *
 * Prints the seed; on failure throws {@link RuleLawViolation} naming each broken law
 * with its shrunk counterexample, the two sides and the seed to replay.
 *
 * @example
 * ```ts
 * it('my rule keeps its laws', () => { checkRuleLaws(myRule, { values: fc.integer() }); });
 * ```
 */
export function checkRuleLaws<S extends FieldState>(
  rule: MergeRule<S>,
  options: CheckRuleLawsOptions = {},
): RuleLawReport {
  const seed = options.seed ?? propertySeed();
  const runs = options.runs ?? propertyRuns(100);
  const log = options.log ?? ((line: string) => console.log(line));
  if (log !== false)
    log(
      `[chartlog] checkRuleLaws(${rule.name}) laws=[${rule.laws.join(',')}]: seed=${seed} runs=${runs} ` +
        `(replay: ${PROPERTY_SEED_ENV}=${seed})`,
    );

  const history = fieldHistoryArbitrary(rule, {
    minLength: 1,
    maxLength: options.maxWrites ?? 6,
    ...(options.values ? { values: options.values } : {}),
  });
  const picks = fc.array(fc.nat(), { minLength: 1, maxLength: 6 });
  const cases: Arbitrary<LawCase> = fc
    .record({
      history,
      a: picks,
      b: picks,
      c: picks,
      keys: fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
      w: fc.nat(),
    })
    .map(({ history, a, b, c, keys, w }) => {
      const pick = (ns: readonly number[]): FieldWrite[] =>
        [...new Set(ns.map((n) => n % history.length))]
          .sort((x, y) => x - y)
          .map((i) => history[i] as FieldWrite);
      const shuffled = history
        .map((fw, i) => ({ fw, key: keys[i % keys.length] ?? 0, i }))
        .sort((x, y) => x.key - y.key || y.i - x.i)
        .map((x) => x.fw);
      const lawCase: LawCase = {
        history,
        a: pick(a),
        b: pick(b),
        c: pick(c),
        shuffled,
        w: history[w % history.length] as FieldWrite,
      };
      return Object.assign(lawCase, { [fc.toStringMethod]: () => describeLawCase(lawCase) });
    });

  const fold = (writes: readonly FieldWrite[]): S => foldFieldWrites(rule, writes) as S;
  const merge = (state: S, other: S): S => produce(state, (draft: Draft<S>) => void rule.merge(draft, other));
  const apply = (state: S, { write, pred }: FieldWrite): S =>
    produce(state, (draft: Draft<S>) => void rule.apply(draft, write, pred));
  const create = ({ write, pred }: FieldWrite): S => produce(rule.create(write, pred), () => undefined);

  const checks: [RuleCheck, (c: LawCase) => void][] = [
    [
      'deterministic',
      (c) => {
        const x = fold(c.a);
        const y = fold(c.a);
        same('fold(a) ≡ fold(a)', x, y);
        same(
          'current(fold(a)) ≡ current(fold(a))',
          rule.current(x) as unknown as Json,
          rule.current(y) as unknown as Json,
        );
        same(
          'conflict(fold(a)) ≡ conflict(fold(a))',
          (rule.conflict(x) ?? null) as unknown as Json,
          (rule.conflict(y) ?? null) as unknown as Json,
        );
      },
    ],
  ];
  if (rule.laws.length > 0)
    checks.push([
      'consistent',
      (c) => same('apply(a, w) ≡ merge(a, create(w))', apply(fold(c.a), c.w), merge(fold(c.a), create(c.w))),
    ]);
  if (rule.laws.includes('commutative'))
    checks.push([
      'commutative',
      (c) => {
        same('merge(a, b) ≡ merge(b, a)', merge(fold(c.a), fold(c.b)), merge(fold(c.b), fold(c.a)));
        same('fold(writes) ≡ fold(shuffled writes)', fold(c.history), fold(c.shuffled));
      },
    ]);
  if (rule.laws.includes('associative'))
    checks.push([
      'associative',
      (c) =>
        same(
          'merge(merge(a, b), c) ≡ merge(a, merge(b, c))',
          merge(merge(fold(c.a), fold(c.b)), fold(c.c)),
          merge(fold(c.a), merge(fold(c.b), fold(c.c))),
        ),
    ]);
  if (rule.laws.includes('idempotent'))
    checks.push([
      'idempotent',
      (c) => {
        const a = fold(c.a);
        same('merge(a, a) ≡ a', merge(a, a), a);
        same('apply(apply(a, w), w) ≡ apply(a, w)', apply(apply(a, c.w), c.w), apply(a, c.w));
      },
    ]);

  const results: RuleCheckResult[] = checks.map(([check, body]) => {
    const details = fc.check(fc.property(cases, body), { seed, numRuns: runs });
    if (!details.failed) return { check, ok: true };
    const error = details.errorInstance;
    return {
      check,
      ok: false,
      ...(details.counterexample ? { counterexample: describeLawCase(details.counterexample[0]) } : {}),
      message: error instanceof Error ? error.message : String(error ?? 'gave up: too many skipped runs'),
      ...(details.counterexamplePath !== null ? { path: details.counterexamplePath } : {}),
    };
  });
  const report: RuleLawReport = { rule: rule.name, seed, runs, results, ok: results.every((r) => r.ok) };
  if (!report.ok && options.throwOnViolation !== false) throw new RuleLawViolation(report);
  return report;
}

/**
 * Renders a {@link RuleLawReport} as the text {@link RuleLawViolation} carries: a
 * headline with the seed, then ✓/✗ per check with the failing equation, the two sides,
 * where they differ and the shrunk counterexample.
 *
 * @example console.log(formatRuleLawReport(checkRuleLaws(rule, { throwOnViolation: false })));
 */
export function formatRuleLawReport(report: RuleLawReport): string {
  const failed = report.results.filter((r) => !r.ok);
  const verdict =
    failed.length === 0
      ? 'every check held'
      : `${failed.length} of ${report.results.length} checks failed (${failed.map((r) => r.check).join(', ')})`;
  const replay = `seed ${report.seed}, ${report.runs} runs (replay: ${PROPERTY_SEED_ENV}=${report.seed})`;
  const head = `rule "${report.rule}": ${verdict} — ${replay}`;
  const lines = [head];
  for (const r of report.results) {
    lines.push(`${r.ok ? '✓' : '✗'} ${r.check}`);
    if (r.ok) continue;
    if (r.path !== undefined) lines.push(`  fast-check path: ${JSON.stringify(r.path)}`);
    if (r.message !== undefined) lines.push(...r.message.split('\n').map((l) => `  ${l}`));
    if (r.counterexample !== undefined)
      lines.push('  counterexample:', ...r.counterexample.split('\n').map((l) => `    ${l}`));
  }
  return lines.join('\n');
}

function same(equation: string, left: unknown, right: unknown): void {
  const l = canonicalJson(left as Json);
  const r = canonicalJson(right as Json);
  if (l === r) return;
  const diff = diffJson(left as Json, right as Json, { max: 5 });
  throw new Error(
    `${equation} does not hold\nleft:  ${l}\nright: ${r}\ndifferences (left → right):\n${diff.map((d) => `  ${d}`).join('\n')}`,
  );
}

function describeLawCase(c: LawCase): string {
  const index = new Map(c.history.map((fw, i) => [fw, i]));
  const refs = (ws: readonly FieldWrite[]): string => ws.map((fw) => `#${index.get(fw)}`).join(',');
  const names = (ws: readonly FieldWrite[]): string => `{${refs(ws)}}`;
  const sets = `a = ${names(c.a)}, b = ${names(c.b)}, c = ${names(c.c)}, w = #${index.get(c.w)}`;
  return `writes:\n${describeFieldWrites(c.history)}\n${sets}, shuffled order = [${refs(c.shuffled)}]`;
}
