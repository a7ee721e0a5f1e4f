import { choiceKey } from './fhirFieldCheck.js';
import { R4_PRIMITIVES, R4_RESOURCES } from './r4/r4Definitions.generated.js';
import type { R4Element } from './r4/r4Types.js';

/** Elements of a resource that are not fields: `id` is the resource key's second half. */
const NOT_FIELDS = new Set(['id']);

/** One field of a FHIR resource type in a chart: a top-level element, or a primitive element's `_` companion. */
export interface FhirField {
  /** The field name: the element's name without `[x]`, with a leading `_` for a companion (`value`, `_birthDate`). */
  readonly field: string;
  /** The element's name in the definitions (`value[x]`, `birthDate`). */
  readonly element: string;
  /** The element's definition. */
  readonly definition: R4Element;
  /** True for the `_` companion holding a primitive's id and extensions. */
  readonly companion: boolean;
  /** True for a choice element, stored as one member naming its type (`{ "valueQuantity": … }`). */
  readonly choice: boolean;
}

/** The fields of one FHIR resource type, and how FHIR JSON members map to them. */
export interface FhirFields {
  /** Every field, in definition order (a companion right after its element). */
  readonly list: readonly FhirField[];
  /** Field by field name. */
  readonly byField: ReadonlyMap<string, FhirField>;
  /** Field by FHIR JSON member name (`valueQuantity` → `value`, `_birthDate` → `_birthDate`). */
  readonly byMember: ReadonlyMap<string, FhirField>;
}

const cache = new Map<string, FhirFields>();

/**
 * The fields of an R4 resource type (undefined for a type R4 does not define). Every
 * top-level element but `id` is a field; a primitive element (or a choice with a
 * primitive type) also has a `_` companion field, as FHIR JSON has a `_` member.
 *
 * @example fhirFieldsOf('Observation')?.byMember.get('valueQuantity')?.field // 'value'
 */
export function fhirFieldsOf(type: string): FhirFields | undefined {
  const hit = cache.get(type);
  if (hit !== undefined) return hit;
  const resource = Object.hasOwn(R4_RESOURCES, type) ? R4_RESOURCES[type] : undefined;
  if (resource === undefined) return undefined;
  const list: FhirField[] = [];
  const byMember = new Map<string, FhirField>();
  for (const [element, definition] of Object.entries(resource.elements)) {
    if (NOT_FIELDS.has(element)) continue;
    const choice = element.endsWith('[x]');
    const base = choice ? element.slice(0, -3) : element;
    const field: FhirField = { field: base, element, definition, companion: false, choice };
    list.push(field);
    const primitives = definition.types.filter((t) => Object.hasOwn(R4_PRIMITIVES, t));
    const companion: FhirField | undefined =
      primitives.length > 0 ? { field: `_${base}`, element, definition, companion: true, choice } : undefined;
    if (companion !== undefined) list.push(companion);
    if (!choice) {
      byMember.set(base, field);
      if (companion !== undefined) byMember.set(`_${base}`, companion);
      continue;
    }
    for (const t of definition.types) byMember.set(choiceKey(base, t), field);
    if (companion !== undefined)
      for (const t of primitives) byMember.set(`_${choiceKey(base, t)}`, companion);
  }
  const fields: FhirFields = { list, byField: new Map(list.map((f) => [f.field, f])), byMember };
  cache.set(type, fields);
  return fields;
}

/** Every R4 resource type, sorted. */
export function r4ResourceTypes(): string[] {
  return Object.keys(R4_RESOURCES).sort();
}
