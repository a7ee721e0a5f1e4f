import type { FhirValidator } from './createFhirValidator.js';
import { refusedItem, type FhirInputItem } from './fhirInputItem.js';

/**
 * `item` when it is not a resource or `validator` finds no error in it (warnings are
 * fine); otherwise a `FHIR_INVALID_RESOURCE` refusal naming the resource and the first
 * offending element, listing up to five errors.
 */
export function validatedItem(item: FhirInputItem, validator: FhirValidator | undefined): FhirInputItem {
  if (item.kind !== 'resource' || validator === undefined) return item;
  const errors = validator
    .validate(item.resource)
    .filter((issue) => issue.severity === 'error' || issue.severity === 'fatal');
  const [first] = errors;
  if (first === undefined) return item;
  const name = `${item.resource.resourceType}/${item.resource.id}`;
  const listed = errors
    .slice(0, 5)
    .map((issue) => (issue.element === undefined ? issue.message : `${issue.element}: ${issue.message}`))
    .join('; ');
  const more = errors.length > 5 ? `; and ${errors.length - 5} more` : '';
  return refusedItem('FHIR_INVALID_RESOURCE', item.source, `${name} is not valid FHIR R4: ${listed}${more}`, {
    resource: name,
    element: first.element,
  });
}
