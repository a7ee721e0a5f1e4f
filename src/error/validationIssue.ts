/** How bad an issue is, as FHIR's OperationOutcome `issue.severity` says it (`fatal` aside: chartlog stops at `error`). */
export type IssueSeverity = 'error' | 'warning' | 'information';

/**
 * What kind of problem an issue is: the FHIR R4 `IssueType` codes validation uses, so an
 * issue maps onto an OperationOutcome issue as it is.
 * - `structure`: not the shape expected (not an object, not JSON, nested too deep, a lone surrogate);
 * - `required`: something that must be there is missing;
 * - `value`: present, of the right shape, but a value that is not allowed;
 * - `invariant`: a rule across values is broken (an id that is not its content's hash);
 * - `too-long`: over a size limit;
 * - `code-invalid`: a code or name not in its list (an unknown rule, an unknown field);
 * - `conflict`: the field holds concurrent values a person must resolve first;
 * - `security`: a signature or an author the reader may not trust;
 * - `invalid`: anything else wrong with the content.
 */
export type IssueCode =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'value'
  | 'invariant'
  | 'too-long'
  | 'code-invalid'
  | 'conflict'
  | 'security';

/**
 * One problem in an input, located by `path` (e.g. `['data', 'AllergyIntolerance/a1', 'code']`),
 * with a severity and a code as Medplum's (and FHIR's) OperationOutcome issues have.
 *
 * `path` stays a list of steps (names and indexes) rather than text, so a program can walk
 * it without parsing; {@link formatPath} gives the JSON-path text, and the FHIR API's
 * `outcomeIssuesOf` the FHIRPath `expression`.
 */
export interface ValidationIssue {
  /** How bad it is. */
  readonly severity: IssueSeverity;
  /** What kind of problem it is. */
  readonly code: IssueCode;
  /** Where the problem is, from the root of the checked value. */
  readonly path: readonly (string | number)[];
  /** What is wrong, in words a developer can act on. */
  readonly message: string;
}

/**
 * An issue as a check reports it: `severity` defaults to `'error'` and `code` to `'invalid'`
 * ({@link toValidationIssue}). Field checks a schema author writes return these.
 */
export interface ValidationIssueInput {
  /** @defaultValue `'error'` */
  readonly severity?: IssueSeverity;
  /** @defaultValue `'invalid'` */
  readonly code?: IssueCode;
  /** Where the problem is, from the root of the checked value. */
  readonly path: readonly (string | number)[];
  /** What is wrong, in words a developer can act on. */
  readonly message: string;
}

/**
 * The complete issue: `severity` `'error'` and `code` `'invalid'` unless the input says otherwise.
 *
 * @example
 * ```ts
 * toValidationIssue({ path: ['writes', 'x'], message: 'must be a number' });
 * // { severity: 'error', code: 'invalid', path: ['writes', 'x'], message: 'must be a number' }
 * ```
 */
export function toValidationIssue(input: ValidationIssueInput): ValidationIssue {
  return {
    severity: input.severity ?? 'error',
    code: input.code ?? 'invalid',
    path: input.path,
    message: input.message,
  };
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
