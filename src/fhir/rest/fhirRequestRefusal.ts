import {
  ChartlogError,
  isChartlogError,
  type ChartlogErrorCode,
  type IssueCode,
  type ValidationIssue,
} from '../../error/chartlogError.js';

/**
 * A FHIR `IssueType` code (R4 value set `issue-type`) the REST API answers with: every
 * validation issue's own code (already an IssueType), and the request-level ones.
 */
export type FhirIssueCode =
  | IssueCode
  | 'login'
  | 'forbidden'
  | 'not-supported'
  | 'not-found'
  | 'business-rule'
  | 'too-costly'
  | 'processing'
  | 'transient'
  | 'exception'
  | 'informational';

/** One issue of an OperationOutcome. */
export interface FhirOutcomeIssue {
  readonly severity: 'fatal' | 'error' | 'warning' | 'information';
  readonly code: FhirIssueCode;
  /** What went wrong, for a person. */
  readonly diagnostics: string;
  /** FHIRPath of the element concerned (`AllergyIntolerance.criticality`), when one is. */
  readonly expression?: readonly string[];
}

/**
 * A request the FHIR API refuses (code `FHIR_REQUEST_REFUSED`): its HTTP status and the
 * OperationOutcome issues that say why. Thrown inside the handler and answered as an
 * OperationOutcome body.
 */
export class FhirRequestRefusal extends ChartlogError<'FHIR_REQUEST_REFUSED'> {
  /** The HTTP status answered (also `details.status`). */
  readonly status: number;
  /** The OperationOutcome's issues (at least one). */
  readonly outcomeIssues: readonly FhirOutcomeIssue[];
  /** Extra response headers (`Allow`, `WWW-Authenticate`, `Retry-After`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: FhirIssueCode,
    diagnostics: string,
    options: {
      readonly expression?: readonly string[];
      readonly issues?: readonly FhirOutcomeIssue[];
      readonly headers?: Readonly<Record<string, string>>;
    } = {},
  ) {
    super('FHIR_REQUEST_REFUSED', diagnostics, { details: { status } });
    this.name = 'FhirRequestRefusal';
    this.status = status;
    this.outcomeIssues =
      options.issues !== undefined && options.issues.length > 0
        ? options.issues
        : [
            {
              severity: 'error',
              code,
              diagnostics,
              ...(options.expression !== undefined ? { expression: options.expression } : {}),
            },
          ];
    this.headers = options.headers ?? {};
  }
}

/** An R4 OperationOutcome holding `issues`. */
export function operationOutcome(issues: readonly FhirOutcomeIssue[]): Record<string, unknown> {
  return {
    resourceType: 'OperationOutcome',
    issue: issues.map((i) => ({
      ...i,
      ...(i.expression !== undefined ? { expression: [...i.expression] } : {}),
    })),
  };
}

/**
 * The FHIRPath of an issue's path as chartlog reports it (`['AllergyIntolerance/a1',
 * 'reaction', 0, 'severity']` → `AllergyIntolerance.reaction[0].severity`); undefined when
 * it does not start at a resource key.
 */
export function fhirPathOf(path: readonly (string | number)[]): string | undefined {
  const [first, ...rest] = path[0] === 'writes' ? path.slice(1) : path;
  const type = typeof first === 'string' ? /^([A-Z][A-Za-z]+)(\/|$)/.exec(first)?.[1] : undefined;
  if (type === undefined) return undefined;
  return type + rest.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
}

/**
 * OperationOutcome issues for chartlog validation issues: each keeps its severity and issue
 * code, and its path becomes a FHIRPath `expression` where it names an element.
 *
 * @param diagnosticsOf - the text of each issue. @defaultValue the issue's message
 */
export function outcomeIssuesOf(
  issues: readonly ValidationIssue[],
  diagnosticsOf: (issue: ValidationIssue, expression: string | undefined) => string = (i) => i.message,
): FhirOutcomeIssue[] {
  return issues.map((i) => {
    const expression = fhirPathOf(i.path);
    return {
      severity: i.severity,
      code: i.code,
      diagnostics: diagnosticsOf(i, expression),
      ...(expression !== undefined ? { expression: [expression] } : {}),
    };
  });
}

// A store or replica that cannot take a write now: the app should retry, nothing is lost.
const TRANSIENT: ReadonlySet<ChartlogErrorCode> = new Set([
  'STORE_UNAVAILABLE',
  'STORE_LOCKED',
  'STORE_CLOSED',
  'STORE_FULL',
  'STORE_READ_ONLY',
  'REPLICA_RECOVERING',
  'PROJECTION_STALE',
]);

/**
 * What the FHIR API answers for an error thrown while handling a request: a
 * {@link FhirRequestRefusal} as it is; chartlog's `INVALID_COMMAND` (a resource the record cannot
 * hold as given) 400 `invalid` with an issue per element; a store or replica that cannot
 * write now 503 `transient` with `Retry-After`; anything else 500 `exception`, saying no more
 * than that (the details go to the server's log).
 */
export function refusalOf(error: unknown): FhirRequestRefusal {
  if (error instanceof FhirRequestRefusal) return error;
  if (isChartlogError(error)) {
    const conflicted = error.issues.filter((i) => i.code === 'conflict');
    if (error.code === 'INVALID_COMMAND' && conflicted.length > 0) {
      const issues = outcomeIssuesOf(
        conflicted,
        (_, expression) =>
          `${expression ?? 'an element'} holds concurrent values from different sites (listed in its ` +
          'concurrent-values extension): it cannot be changed until a clinician resolves the conflict',
      );
      return new FhirRequestRefusal(409, 'conflict', issues[0]?.diagnostics ?? error.message, { issues });
    }
    if (error.code === 'INVALID_COMMAND' || error.code === 'MALFORMED_EVENT' || error.code === 'OVERSIZE') {
      return new FhirRequestRefusal(400, 'invalid', error.message, {
        issues: error.issues.length > 0 ? outcomeIssuesOf(error.issues) : [],
      });
    }
    if (TRANSIENT.has(error.code))
      return new FhirRequestRefusal(503, 'transient', `${error.code}: ${error.message}`, {
        headers: { 'retry-after': '30' },
      });
  }
  return new FhirRequestRefusal(
    500,
    'exception',
    'the server failed while handling this request (the failure is in its log)',
  );
}
