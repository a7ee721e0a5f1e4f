/**
 * Every failure chartlog reports is a {@link ChartlogError} with a string `code`, so a
 * caller can branch on `err.code` without `instanceof` (two copies of the package may
 * be loaded side by side) and show `err.issues` next to the offending fields.
 */

/** Every error code chartlog can raise. Stable: callers may switch on it. */
export type ChartlogErrorCode =
  | 'MALFORMED_EVENT'
  | 'OVERSIZE'
  | 'INVALID_SCHEMA'
  | 'UNKNOWN_RULE'
  | 'INVALID_COMMAND'
  | 'INVALID_OPTION'
  | 'BAD_SIGNATURE'
  | 'CHAIN_BROKEN'
  | 'SEQ_GAP'
  | 'FORK'
  | 'NOT_FOUND'
  | 'STORE_CLOSED'
  | 'STORE_CORRUPT'
  | 'STORE_INCOMPATIBLE'
  | 'STORE_LOCKED'
  | 'STORE_READ_ONLY'
  | 'STORE_FULL'
  | 'STORE_UNAVAILABLE'
  | 'STORE_FAILED'
  | 'PROJECTION_STALE'
  | 'REPLICA_RECOVERING'
  | 'CLOCK_OUT_OF_RANGE'
  | 'MALFORMED_MESSAGE'
  | 'SYNC_NOT_QUIET'
  | 'SYNC_UNAUTHORIZED'
  | 'SYNC_TOO_LARGE'
  | 'SYNC_BUSY'
  | 'SYNC_TIMEOUT'
  | 'SYNC_HTTP_FAILED'
  | 'SYNC_TLS_FAILED'
  | 'SYNC_METHOD_NOT_ALLOWED'
  | 'SYNC_UNSUPPORTED_MEDIA_TYPE'
  | 'SYNC_SERVER_ERROR'
  | 'ABORTED'
  | 'FHIR_INPUT_UNREADABLE'
  | 'FHIR_MALFORMED_JSON'
  | 'FHIR_TOO_LARGE'
  | 'FHIR_NOT_A_RESOURCE'
  | 'FHIR_UNSUPPORTED_BUNDLE'
  | 'FHIR_INVALID_ENTRY'
  | 'FHIR_UNSUPPORTED_METHOD'
  | 'FHIR_CONDITIONAL_REQUEST'
  | 'FHIR_UNRESOLVED_REFERENCE'
  | 'FHIR_INVALID_ID'
  | 'FHIR_INVALID_RESOURCE'
  | 'FHIR_VALIDATOR_UNAVAILABLE';

/** One problem in an input, located by `path` (e.g. `['data', 'AllergyIntolerance/a1', 'code']`). */
export interface ValidationIssue {
  /** Where the problem is, from the root of the checked value. */
  readonly path: readonly (string | number)[];
  /** What is wrong, in words a developer can act on. */
  readonly message: string;
}

const BRAND = Symbol.for('chartlog.error');

/** Options accepted by {@link ChartlogError}. */
export interface ChartlogErrorOptions {
  /** Field-level problems, each with a path. @defaultValue `[]` */
  readonly issues?: readonly ValidationIssue[];
  /** Underlying error (a driver's, the file system's). */
  readonly cause?: unknown;
  /** Structured facts for programs (site, seq, path on disk, …). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * The one base error of chartlog.
 *
 * @example
 * ```ts
 * try { writer.append(draft); }
 * catch (e) { if (isChartlogError(e) && e.code === 'MALFORMED_EVENT') console.log(e.issues); }
 * ```
 */
export class ChartlogError extends Error {
  /** What kind of failure this is. */
  readonly code: ChartlogErrorCode;
  /** Field-level problems, each naming the offending field by path. */
  readonly issues: readonly ValidationIssue[];
  /** Structured facts for programs. */
  readonly details: Readonly<Record<string, unknown>>;
  declare readonly [BRAND]: true;

  constructor(code: ChartlogErrorCode, message: string, options: ChartlogErrorOptions = {}) {
    super(
      withIssues(message, options.issues),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'ChartlogError';
    this.code = code;
    this.issues = options.issues ?? [];
    this.details = options.details ?? {};
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** True for any chartlog error, from this or another loaded copy of the package. */
export function isChartlogError(value: unknown): value is ChartlogError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** Formats a path as `data["AllergyIntolerance/a1"].code`-style text for messages. */
export function formatPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((p, i) =>
      typeof p === 'number'
        ? `[${p}]`
        : /^[A-Za-z_$][\w$]*$/.test(p)
          ? i === 0
            ? p
            : `.${p}`
          : `[${JSON.stringify(p)}]`,
    )
    .join('');
}

function withIssues(message: string, issues: readonly ValidationIssue[] | undefined): string {
  if (!issues || issues.length === 0) return message;
  const shown = issues.slice(0, 5).map((i) => `${formatPath(i.path)}: ${i.message}`);
  const more = issues.length > 5 ? `; and ${issues.length - 5} more` : '';
  return `${message}: ${shown.join('; ')}${more}`;
}
