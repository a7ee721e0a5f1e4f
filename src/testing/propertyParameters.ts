import { randomInt } from 'node:crypto';
import type { Parameters } from 'fast-check';
import { ChartlogError } from '../error/chartlogError.js';

/** Environment variable that sets how many runs each property makes (e.g. `2000` for a deep run). */
export const PROPERTY_RUNS_ENV = 'CHARTLOG_PROPERTY_RUNS';
/** Environment variable that fixes the fast-check seed, to replay a failure. */
export const PROPERTY_SEED_ENV = 'CHARTLOG_PROPERTY_SEED';

/**
 * How many runs a property should make: `CHARTLOG_PROPERTY_RUNS` when set, else
 * `defaultRuns`.
 *
 * @param defaultRuns - runs when the variable is unset. @defaultValue `100`
 * @throws ChartlogError `INVALID_OPTION` when the variable is not a positive integer.
 * @example
 * ```ts
 * fc.assert(property, { numRuns: propertyRuns(50) }); // CHARTLOG_PROPERTY_RUNS=2000 for a deep run
 * ```
 */
export function propertyRuns(defaultRuns = 100): number {
  const raw = process.env[PROPERTY_RUNS_ENV];
  if (raw === undefined || raw.trim() === '') return defaultRuns;
  const runs = Number(raw);
  if (!Number.isSafeInteger(runs) || runs < 1)
    throw new ChartlogError(
      'INVALID_OPTION',
      `${PROPERTY_RUNS_ENV} must be a positive integer, got ${JSON.stringify(raw)}`,
    );
  return runs;
}

/**
 * The seed a property should use: `CHARTLOG_PROPERTY_SEED` when set (to replay a
 * failure), else a fresh random one. Print it (see {@link propertyParameters}) so any
 * failure can be replayed.
 *
 * @throws ChartlogError `INVALID_OPTION` when the variable is not a 32-bit integer.
 * @example
 * ```ts
 * const seed = propertySeed(); // CHARTLOG_PROPERTY_SEED=123 npx vitest run replays seed 123
 * ```
 */
export function propertySeed(): number {
  const raw = process.env[PROPERTY_SEED_ENV];
  if (raw === undefined || raw.trim() === '') return randomInt(0, 0x7fffffff);
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed) || seed < -0x80000000 || seed > 0x7fffffff)
    throw new ChartlogError(
      'INVALID_OPTION',
      `${PROPERTY_SEED_ENV} must be a 32-bit integer, got ${JSON.stringify(raw)}`,
    );
  return seed;
}

/** Options for {@link propertyParameters}. */
export interface PropertyParametersOptions {
  /** What is being checked, printed with the seed. @defaultValue `'property'` */
  readonly label?: string;
  /** Runs when `CHARTLOG_PROPERTY_RUNS` is unset. @defaultValue `100` */
  readonly runs?: number;
  /** Where the seed line is written; `false` prints nothing. @defaultValue `console.log` */
  readonly log?: ((line: string) => void) | false;
}

/**
 * fast-check parameters with the run count from {@link propertyRuns} and the seed from
 * {@link propertySeed}, printing one line with the seed so a failure replays.
 * fast-check's own failure message adds the seed, the shrink path and the failing
 * check's message (e.g. a per-field state diff).
 *
 * @example
 * ```ts
 * fc.assert(fc.property(scenarioArbitrary(), (s) => { … }), propertyParameters({ label: 'permutations converge' }));
 * // prints: [chartlog] permutations converge: seed=1234567 runs=100 (replay: CHARTLOG_PROPERTY_SEED=1234567)
 * ```
 */
export function propertyParameters<T = unknown>(
  options: PropertyParametersOptions = {},
): Parameters<T> & { readonly seed: number; readonly numRuns: number } {
  // includeErrorInReport puts the failing check's own message (a state diff) into the
  // report, so it shows in every test runner, not only those that print `cause`.
  const seed = propertySeed();
  const numRuns = propertyRuns(options.runs ?? 100);
  const log = options.log ?? ((line: string) => console.log(line));
  if (log !== false)
    log(
      `[chartlog] ${options.label ?? 'property'}: seed=${seed} runs=${numRuns} (replay: ${PROPERTY_SEED_ENV}=${seed})`,
    );
  return { seed, numRuns, includeErrorInReport: true };
}
