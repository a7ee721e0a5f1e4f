import type { ImportedFhirResource } from './fhirResource.js';
import { describeLocation, type FhirInputLocation, type FhirRefusal } from './fhirRefusal.js';

/**
 * What {@link readFhirInput} yields, in input order: a resource ready to record, or a
 * refusal of part of the input.
 */
export type FhirInputItem =
  | {
      readonly kind: 'resource';
      /** The resource, with its id and its in-Bundle references resolved. */
      readonly resource: ImportedFhirResource;
      /** Where it came from. */
      readonly source: FhirInputLocation;
    }
  | {
      readonly kind: 'refused';
      /** What was refused and why. */
      readonly refusal: FhirRefusal;
    };

/** Facts a refusal may name beside its code and location. */
export interface RefusalFacts {
  /** The resource as `Type/id`. */
  readonly resource?: string | undefined;
  /** The offending element as a FHIR path. */
  readonly element?: string | undefined;
}

/** A refusal item whose message starts with where it is (`a.json entry 3: …`). */
export function refusedItem(
  code: FhirRefusal['code'],
  source: FhirInputLocation,
  text: string,
  facts: RefusalFacts = {},
): FhirInputItem {
  const refusal: FhirRefusal = {
    code,
    message: `${describeLocation(source)}: ${text}`,
    source,
    ...(facts.resource === undefined ? {} : { resource: facts.resource }),
    ...(facts.element === undefined ? {} : { element: facts.element }),
  };
  return { kind: 'refused', refusal };
}
