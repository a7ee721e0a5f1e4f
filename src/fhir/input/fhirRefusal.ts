import type { ChartlogErrorCode } from '../../error/chartlogError.js';

/** The refusal codes of FHIR import: every {@link ChartlogErrorCode} that starts `FHIR_`. */
export type FhirRefusalCode = Extract<ChartlogErrorCode, `FHIR_${string}`>;

/**
 * Where in the input something was found. `entry` is the 0-based index in `Bundle.entry`;
 * `line` the 1-based NDJSON line. A whole pretty-printed file has neither.
 */
export interface FhirInputLocation {
  /** The input's {@link FhirInputSource.name}. */
  readonly input: string;
  /** Index in `Bundle.entry`, for a resource or refusal from a Bundle. */
  readonly entry?: number;
  /** 1-based line, for NDJSON (a Bundle on one line has both `line` and `entry`). */
  readonly line?: number;
}

/**
 * Something in the input that import will not hold, and why. Import never drops anything
 * silently: every part of the input is either yielded as a resource or named by a refusal.
 *
 * @example
 * ```ts
 * { code: 'FHIR_UNRESOLVED_REFERENCE', resource: 'Observation/o1', element: 'Observation.subject.reference',
 *   source: { input: 'a.json', entry: 3 }, message: 'a.json entry 3: Observation/o1 refers to urn:uuid:… …' }
 * ```
 */
export interface FhirRefusal {
  /** Why, as a stable code to branch on. */
  readonly code: FhirRefusalCode;
  /** What is wrong, naming the input, the resource and the element, in words a person can act on. */
  readonly message: string;
  /** Where in the input. */
  readonly source: FhirInputLocation;
  /** The resource as `Type/id`, when known. */
  readonly resource?: string;
  /** The offending element as a FHIR path, e.g. `Observation.subject.reference`, when there is one. */
  readonly element?: string;
}

/** `a.json entry 3`, `b.ndjson line 7`, `c.ndjson line 2 entry 0`: a location in messages. */
export function describeLocation(location: FhirInputLocation): string {
  const line = location.line === undefined ? '' : ` line ${location.line}`;
  const entry = location.entry === undefined ? '' : ` entry ${location.entry}`;
  return `${location.input}${line}${entry}`;
}
