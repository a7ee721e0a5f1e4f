import fc, { type Arbitrary } from 'fast-check';
import { produce, type Draft } from 'immer';
import { canonicalJson } from '../event/canonicalJson.js';
import { formatHlc } from '../event/hlc.js';
import type { EventId, SiteId } from '../event/ids.js';
import type { Json } from '../event/json.js';
import type { FieldState, MergeRule, WriteRef } from '../merge/mergeRule.js';
import { ruleValueArbitrary } from './ruleValueArbitrary.js';

/** One write of one field with the `pred` its author gave it: what a rule's `create`/`apply` take. */
export interface FieldWrite {
  /** The write. */
  readonly write: WriteRef;
  /** Ids of the writes of this field its author saw as current. */
  readonly pred: readonly EventId[];
}

/** Constraints for {@link fieldWriteArbitrary} and {@link fieldHistoryArbitrary}. */
export interface FieldWriteConstraints {
  /** Values written. @defaultValue `ruleValueArbitrary(rule)` */
  readonly values?: Arbitrary<Json>;
  /** Sites writes come from. @defaultValue `['site-a', 'site-b', 'site-c']` */
  readonly sites?: readonly SiteId[];
  /**
   * Wall-clock span of the stamps, in ms. Small, so equal stamps (ties broken by site,
   * seq and id) are common. @defaultValue `20`
   */
  readonly spanMs?: number;
}

/** Constraints for {@link fieldHistoryArbitrary}. */
export interface FieldHistoryConstraints extends FieldWriteConstraints {
  /** Fewest writes. @defaultValue `1` */
  readonly minLength?: number;
  /** Most writes. @defaultValue `6` */
  readonly maxLength?: number;
}

const DEFAULT_SITES = ['site-a', 'site-b', 'site-c'] as SiteId[];
const T0 = Date.UTC(2026, 10, 23, 9, 0, 0, 0);

function writeRefArbitrary(
  rule: MergeRule<FieldState>,
  constraints: FieldWriteConstraints,
): Arbitrary<WriteRef> {
  const sites = constraints.sites ?? DEFAULT_SITES;
  return fc
    .record({
      id: fc.uuid({ version: 7 }),
      site: fc.constantFrom(...sites),
      seq: fc.integer({ min: 1, max: 5 }),
      wall: fc.integer({ min: 0, max: constraints.spanMs ?? 20 }),
      counter: fc.integer({ min: 0, max: 2 }),
      author: fc.constantFrom('dr-a', 'dr-b'),
      value: constraints.values ?? ruleValueArbitrary(rule),
    })
    .map(({ id, site, seq, wall, counter, author, value }) => ({
      id: id as EventId,
      site,
      seq,
      hlc: formatHlc(T0 + wall, counter),
      author,
      value,
    }));
}

/**
 * One write of a field under `rule`, with a `pred` of zero to two unrelated ids (the
 * author saw writes this state never holds). For a history where `pred` names earlier
 * writes, see {@link fieldHistoryArbitrary}.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(fieldWriteArbitrary(mv), ({ write, pred }) => mv.current(mv.create(write, pred)).length === 1));
 * ```
 */
export function fieldWriteArbitrary<S extends FieldState>(
  rule: MergeRule<S>,
  constraints: FieldWriteConstraints = {},
): Arbitrary<FieldWrite> {
  return fc.record({
    write: writeRefArbitrary(rule as unknown as MergeRule, constraints),
    pred: fc.uniqueArray(fc.uuid({ version: 7 }), { maxLength: 2 }) as Arbitrary<EventId[]>,
  });
}

/**
 * A causally plausible history of one field: writes with distinct ids whose `pred` is
 * what `rule.pred` returns for the state of a random subset of the *earlier* writes
 * (what that author had seen). Stamps are arbitrary, so a write may carry an earlier
 * stamp than a write it saw, as with a wrong clock.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(fieldHistoryArbitrary(lww), (writes) => foldFieldWrites(lww, writes) !== undefined));
 * ```
 */
export function fieldHistoryArbitrary<S extends FieldState>(
  rule: MergeRule<S>,
  constraints: FieldHistoryConstraints = {},
): Arbitrary<FieldWrite[]> {
  const item = fc.record({
    write: writeRefArbitrary(rule as unknown as MergeRule, constraints),
    sees: fc.array(fc.nat(), { maxLength: 4 }),
  });
  return fc
    .uniqueArray(item, {
      minLength: constraints.minLength ?? 1,
      maxLength: constraints.maxLength ?? 6,
      selector: (w) => w.write.id,
    })
    .map((items) => {
      const out: FieldWrite[] = [];
      items.forEach(({ write, sees }, i) => {
        const seen =
          i === 0
            ? []
            : [...new Set(sees.map((n) => n % i))].sort((a, b) => a - b).map((j) => out[j] as FieldWrite);
        const state = foldFieldWrites(rule, seen);
        out.push({ write, pred: rule.pred(state, write.value) });
      });
      return out;
    });
}

/**
 * The state of a field after `create` of the first write and `apply` of the rest, in the
 * given order, in one immer draft; `undefined` for no writes. The result is frozen.
 *
 * @example const state = foldFieldWrites(mv, writes);
 */
export function foldFieldWrites<S extends FieldState>(
  rule: MergeRule<S>,
  writes: readonly FieldWrite[],
): S | undefined {
  const [first, ...rest] = writes;
  if (first === undefined) return undefined;
  return produce(rule.create(first.write, first.pred), (draft: Draft<S>) => {
    for (const { write, pred } of rest) rule.apply(draft, write, pred);
  });
}

/**
 * A compact, readable listing of writes for counterexamples: one line each, with ids
 * shortened to `#index` where they refer to a listed write.
 *
 * @example console.log(describeFieldWrites(writes));
 */
export function describeFieldWrites(writes: readonly FieldWrite[]): string {
  const alias = new Map(writes.map((w, i) => [w.write.id as string, `#${i}`]));
  const short = (id: string): string => `…${id.slice(-6)}`;
  return writes
    .map(({ write, pred }, i) => {
      const preds = pred.map((id) => alias.get(id) ?? short(id)).join(',');
      const value = canonicalJson(write.value);
      return `#${i} ${write.site}/${write.seq} ${write.hlc} id=${short(write.id)} value=${value} pred=[${preds}]`;
    })
    .join('\n');
}
