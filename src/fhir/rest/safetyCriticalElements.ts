import type { Schema } from '../../merge/schema.js';
import { fhirFieldsOf } from '../fhirFields.js';

/**
 * The elements of `type` whose concurrent changes the schema keeps side by side as a
 * conflict for a clinician (rule `mv`: R4's modifier elements such as `clinicalStatus`
 * and `verificationStatus`, and whatever a pack makes `mv`, e.g. the clinical pack's
 * allergen, criticality and dosage). An update of such a resource must say which version
 * it was based on (`If-Match`), or a change could be made over one its author never saw.
 *
 * @example safetyCriticalElements(clinicalSchema, 'AllergyIntolerance') // ['clinicalStatus', 'code', 'criticality', …]
 */
export function safetyCriticalElements(schema: Schema, type: string): string[] {
  const fields = fhirFieldsOf(type);
  if (fields === undefined) return [];
  return fields.list
    .filter((f) => !f.companion && schema.field(type, f.field)?.rule.name === 'mv')
    .map((f) => f.element);
}
