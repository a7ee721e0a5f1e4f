/**
 * Every failure chartlog reports is a {@link ChartlogError} with a string `code`, so a
 * caller can branch on `err.code` without `instanceof` (two copies of the package may
 * be loaded side by side), read the code's typed `details`, and show `err.issues` next to
 * the offending fields.
 */
import type { ChartlogErrorCode, ChartlogErrorDetails } from './chartlogErrorDetails.js';
import {
  formatPath,
  toValidationIssue,
  type ValidationIssue,
  type ValidationIssueInput,
} from './validationIssue.js';

export type {
  ChartlogErrorCode,
  ChartlogErrorDetails,
  ChartlogErrorDetailsByCode,
} from './chartlogErrorDetails.js';
export {
  formatPath,
  toValidationIssue,
  type IssueCode,
  type IssueSeverity,
  type ValidationIssue,
  type ValidationIssueInput,
} from './validationIssue.js';

const BRAND = Symbol.for('chartlog.error');

/** Options accepted by {@link ChartlogError}; `details` is required for a code whose details have required facts. */
export interface ChartlogErrorOptions<C extends ChartlogErrorCode = ChartlogErrorCode> {
  /** Field-level problems, each with a path (severity `error` and code `invalid` unless given). @defaultValue `[]` */
  readonly issues?: readonly ValidationIssueInput[];
  /** Underlying error (a driver's, the file system's). */
  readonly cause?: unknown;
  /** Structured facts for programs, typed per code (see {@link ChartlogErrorDetailsByCode}). @defaultValue `{}` */
  readonly details?: ChartlogErrorDetails<C>;
}

/** The constructor's options argument: optional when every fact of the code's details is. */
export type ChartlogErrorOptionsArg<C extends ChartlogErrorCode> =
  Record<never, never> extends ChartlogErrorDetails<C>
    ? [options?: ChartlogErrorOptions<C>]
    : [options: ChartlogErrorOptions<C> & { readonly details: ChartlogErrorDetails<C> }];

/**
 * The one base error of chartlog. `details` is typed by `code`: `new ChartlogError('STORE_LOCKED',
 * message, { details })` checks the details against the code, and {@link isChartlogError}
 * narrows them.
 *
 * @example
 * ```ts
 * try { writer.append(draft); }
 * catch (e) { if (isChartlogError(e, 'MALFORMED_EVENT')) console.log(e.issues, e.details.index); }
 * ```
 */
export class ChartlogError<C extends ChartlogErrorCode = ChartlogErrorCode> extends Error {
  /** What kind of failure this is. */
  readonly code: C;
  /** Field-level problems, each naming the offending field by path, with a severity and an issue code. */
  readonly issues: readonly ValidationIssue[];
  /** Structured facts for programs, typed per code. */
  readonly details: ChartlogErrorDetails<C>;
  declare readonly [BRAND]: true;

  constructor(code: C, message: string, ...[options]: ChartlogErrorOptionsArg<C>) {
    const issues = (options?.issues ?? []).map(toValidationIssue);
    super(withIssues(message, issues), options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ChartlogError';
    this.code = code;
    this.issues = issues;
    this.details = options?.details ?? ({} as ChartlogErrorDetails<C>);
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** Any chartlog error, as a union over its code: checking `e.code` narrows `e.details`. */
export type AnyChartlogError = { [C in ChartlogErrorCode]: ChartlogError<C> }[ChartlogErrorCode];

/**
 * True for any chartlog error (of `code`, when given), from this or another loaded copy of
 * the package: the check is a brand, not `instanceof`.
 *
 * @example
 * ```ts
 * if (isChartlogError(e, 'STORE_LOCKED')) console.error(`${e.details.path} has another writer`);
 * ```
 */
export function isChartlogError(value: unknown): value is AnyChartlogError;
export function isChartlogError<C extends ChartlogErrorCode>(
  value: unknown,
  code: C,
): value is ChartlogError<C>;
export function isChartlogError(value: unknown, code?: ChartlogErrorCode): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true &&
    (code === undefined || (value as { code?: unknown }).code === code)
  );
}

function withIssues(message: string, issues: readonly ValidationIssue[]): string {
  if (issues.length === 0) return message;
  const shown = issues.slice(0, 5).map((i) => `${formatPath(i.path)}: ${i.message}`);
  const more = issues.length > 5 ? `; and ${issues.length - 5} more` : '';
  return `${message}: ${shown.join('; ')}${more}`;
}
