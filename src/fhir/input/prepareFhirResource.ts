import { deterministicFhirId } from './deterministicFhirId.js';
import { fhirResourceProblem, type CheckedResource } from './fhirResourceProblem.js';
import { refusedItem, type FhirInputItem } from './fhirInputItem.js';
import type { FhirInputLocation } from './fhirRefusal.js';
import type { ImportedFhirResource } from './fhirResource.js';
import { isFhirId } from '../isFhirId.js';
import { resolveReferences } from './resolveReferences.js';

/** Where a resource sits and what its Bundle knows, for {@link prepareFhirResource}. */
export interface ResourceContext {
  /** Where it came from. */
  readonly source: FhirInputLocation;
  /** Its Bundle's `fullUrl` → `Type/id`; empty outside a Bundle. */
  readonly fullUrls: ReadonlyMap<string, string>;
  /** The id its entry gives it (from `request.url` or `fullUrl`), used when it has no `id`. */
  readonly entryId?: string | undefined;
  /** Its shape was already checked by {@link fhirResourceProblem}. @defaultValue `false` */
  readonly checked?: boolean;
}

/**
 * Turns one parsed value into a resource ready to record, or the refusal saying why not:
 * its shape checked, its id settled (its own `id`, else the entry's, else a
 * {@link deterministicFhirId}), and its references resolved against its Bundle. Pure.
 *
 * @example
 * ```ts
 * prepareFhirResource(JSON.parse(line), { source: { input: 'a.ndjson', line: 3 }, fullUrls: new Map() });
 * ```
 */
export function prepareFhirResource(value: unknown, context: ResourceContext): FhirInputItem {
  const { source } = context;
  if (context.checked !== true) {
    const problem = fhirResourceProblem(value);
    if (problem !== undefined)
      return refusedItem(problem.code, source, problem.text, { element: problem.element });
  }
  const input = value as CheckedResource;
  const type = input.resourceType;
  const own = input['id'];
  if (own !== undefined && !isFhirId(own)) {
    return refusedItem(
      'FHIR_INVALID_ID',
      source,
      `${type}.id ${JSON.stringify(own)} is not a FHIR id (1 to 64 of A-Z a-z 0-9 - .)`,
      { element: `${type}.id` },
    );
  }
  const id = own ?? context.entryId ?? deterministicFhirId(input);
  if (!isFhirId(id)) {
    return refusedItem(
      'FHIR_INVALID_ID',
      source,
      `the ${type}'s entry gives it the id ${JSON.stringify(id)}, which is not a FHIR id (1 to 64 of A-Z a-z 0-9 - .)`,
      {
        element: `${type}.id`,
      },
    );
  }
  const name = `${type}/${id}`;
  const { resource: resolved, unresolved } = resolveReferences(input, context.fullUrls);
  if (unresolved.length > 0) {
    const listed =
      unresolved.slice(0, 5).join(', ') + (unresolved.length > 5 ? ` and ${unresolved.length - 5} more` : '');
    const what = unresolved.length === 1 ? 'a resource' : 'resources';
    return refusedItem(
      'FHIR_UNRESOLVED_REFERENCE',
      source,
      `${name} refers to ${what} not in this input (urn: references resolve only within their Bundle): ${listed}`,
      {
        resource: name,
        element: unresolved[0],
      },
    );
  }
  // resourceType and id first, as FHIR servers write them; the rest in input order.
  const { resourceType: _type, id: _id, ...rest } = resolved;
  const resource: ImportedFhirResource = { resourceType: type, id, ...rest };
  return { kind: 'resource', resource, source };
}
