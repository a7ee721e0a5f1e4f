import { checkJson, type JsonObject } from '../../event/json.js';
import type { FhirRefusalCode } from './fhirRefusal.js';

/** Why a value cannot be taken as a FHIR resource at all, from {@link fhirResourceProblem}. */
export interface FhirResourceProblem {
  readonly code: Extract<FhirRefusalCode, 'FHIR_NOT_A_RESOURCE' | 'FHIR_INVALID_RESOURCE'>;
  /** What is wrong. */
  readonly text: string;
  /** The offending element as a FHIR path, when there is one. */
  readonly element?: string;
}

const RESOURCE_TYPE = /^[A-Z][A-Za-z]{0,63}$/;

/**
 * Checks that `value` has the shape of a resource before anything walks it: a JSON
 * object whose `resourceType` is a type name, that every recursive walk can visit (nested
 * less than 64 levels deep, as event payloads are) and that an event can hold (no `__proto__` key,
 * no lone surrogate). Whether it is valid R4 is the validator's call, later.
 *
 * @returns undefined when it is fine.
 * @example fhirResourceProblem([1]) // { code: 'FHIR_NOT_A_RESOURCE', text: 'a JSON array is not a FHIR resource' }
 */
export function fhirResourceProblem(value: unknown): FhirResourceProblem | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      code: 'FHIR_NOT_A_RESOURCE',
      text: `${value === null ? 'null' : Array.isArray(value) ? 'a JSON array' : `a JSON ${typeof value}`} is not a FHIR resource`,
    };
  }
  const type: unknown = (value as Record<string, unknown>)['resourceType'];
  if (typeof type !== 'string' || !RESOURCE_TYPE.test(type)) {
    return {
      code: 'FHIR_NOT_A_RESOURCE',
      text: `a JSON object with ${type === undefined ? 'no resourceType' : `resourceType ${JSON.stringify(type)}`} is not a FHIR resource`,
    };
  }
  const [issue] = checkJson(value, [], { requireNfc: false, maxIssues: 1 });
  if (issue === undefined) return undefined;
  const element = fhirPath(type, issue.path);
  return {
    code: 'FHIR_INVALID_RESOURCE',
    text: `${type} cannot be held: ${element} ${issue.message}`,
    element,
  };
}

/** `Observation.component[0].code` from a resource type and a JSON path. */
export function fhirPath(type: string, path: readonly (string | number)[]): string {
  return type + path.map((step) => (typeof step === 'number' ? `[${step}]` : `.${step}`)).join('');
}

/** Narrows a value {@link fhirResourceProblem} found no problem with. */
export type CheckedResource = JsonObject & { readonly resourceType: string };
