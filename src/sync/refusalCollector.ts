import type { IngestRefusal, RefusalCode, RefusalSummary } from './ingestReport.js';

/** The default number of example refusals a report keeps: 20. */
export const DEFAULT_MAX_REFUSAL_EXAMPLES = 20;

/** Counts refusals as they are found and keeps the first few as examples (see {@link RefusalSummary}). */
export interface RefusalCollector<R extends IngestRefusal = IngestRefusal> {
  /** Counts one refusal; kept as an example while it is among the `maxExamples` lowest input positions seen. */
  add(refusal: R): void;
  /** Counts one refusal of `code` at `index`, building it with `make` only if it is kept as an example (for refusals by the million). */
  addLazily(index: number, code: RefusalCode, make: () => R): void;
  /** How many refusals so far. */
  readonly count: number;
  /** The summary so far: counts, and the examples in input order. */
  summary(): RefusalSummary<R>;
}

/**
 * A {@link RefusalCollector} holding at most `maxExamples` refusal objects however many
 * are added: memory stays bounded whatever a peer sends. Examples are the refusals with
 * the lowest `index`, whatever order they were found in (ingest checks site runs, not
 * input order).
 *
 * @param maxExamples - examples kept. @defaultValue `20`
 * @example
 * ```ts
 * const refusals = createRefusalCollector();
 * refusals.add({ index: 7, reason: { code: 'malformed', message: 'not an object' } });
 * refusals.summary(); // { count: 1, byCode: { malformed: 1 }, examples: [{ index: 7, … }] }
 * ```
 */
export function createRefusalCollector<R extends IngestRefusal = IngestRefusal>(
  maxExamples: number = DEFAULT_MAX_REFUSAL_EXAMPLES,
): RefusalCollector<R> {
  const byCode: Partial<Record<RefusalCode, number>> = {};
  const examples: R[] = []; // sorted by index, stable
  let count = 0;
  const kept = (index: number): boolean => {
    const last = examples[examples.length - 1];
    return examples.length < maxExamples || (last !== undefined && last.index > index);
  };
  const keep = (refusal: R): void => {
    let at = examples.length;
    while (at > 0 && (examples[at - 1] as R).index > refusal.index) at--;
    examples.splice(at, 0, refusal);
    if (examples.length > maxExamples) examples.pop();
  };
  const addLazily = (index: number, code: RefusalCode, make: () => R): void => {
    count++;
    byCode[code] = (byCode[code] ?? 0) + 1;
    if (kept(index)) keep(make());
  };
  return {
    add: (refusal) => addLazily(refusal.index, refusal.reason.code, () => refusal),
    addLazily,
    get count() {
      return count;
    },
    summary: () => ({ count, byCode: { ...byCode }, examples: [...examples] }),
  };
}

/**
 * Adds two summaries (of successive messages, say): counts add up, and the examples are
 * `a`'s then `b`'s, at most `maxExamples` in all.
 *
 * @param maxExamples - examples kept. @defaultValue `20`
 * @example
 * ```ts
 * total = addRefusals(total, report.refused);
 * ```
 */
export function addRefusals<R extends IngestRefusal>(
  a: RefusalSummary<R>,
  b: RefusalSummary<R>,
  maxExamples: number = DEFAULT_MAX_REFUSAL_EXAMPLES,
): RefusalSummary<R> {
  if (b.count === 0) return a;
  if (a.count === 0 && b.examples.length <= maxExamples) return b;
  const byCode: Partial<Record<RefusalCode, number>> = { ...a.byCode };
  for (const [code, n] of Object.entries(b.byCode) as [RefusalCode, number][])
    byCode[code] = (byCode[code] ?? 0) + n;
  const room = Math.max(0, maxExamples - a.examples.length);
  const examples =
    room === 0 ? a.examples.slice(0, maxExamples) : [...a.examples, ...b.examples.slice(0, room)];
  return { count: a.count + b.count, byCode, examples };
}

/**
 * The same summary with every example changed by `f` (e.g. to name the side that refused).
 *
 * @example
 * ```ts
 * const named = mapRefusals(report.refused, (r) => ({ ...r, receiver: 'hospital' }));
 * ```
 */
export function mapRefusals<R extends IngestRefusal, S extends IngestRefusal>(
  summary: RefusalSummary<R>,
  f: (refusal: R) => S,
): RefusalSummary<S> {
  return { count: summary.count, byCode: summary.byCode, examples: summary.examples.map(f) };
}

/**
 * The per-code counts in words, most frequent first, for a log line.
 *
 * @example
 * ```ts
 * formatRefusalCounts({ malformed: 3, fork: 1 }); // 'malformed 3, fork 1'
 * ```
 */
export function formatRefusalCounts(byCode: RefusalSummary['byCode']): string {
  return (Object.entries(byCode) as [RefusalCode, number][])
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
}
