import type { BuiltinRuleName } from '../merge/builtinRules.js';
import type { R4Element, R4Resource } from './r4/r4Types.js';

/** Elements chartlog keeps whole, whatever their cardinality: a part of them means nothing alone. */
const WHOLE_ELEMENTS = new Set(['meta', 'text', 'contained']);

/**
 * The merge rule an R4 element gets by default (docs/architecture.md, "Records are FHIR R4"), before a pack's explicit
 * choices (`clinicalFhirRules`) override it:
 *
 * 1. the element that puts the resource in its patient's compartment (the first one the
 *    compartment definition names, when it is not repeating: `AllergyIntolerance.patient`,
 *    `Observation.subject`) is `once`: a record never silently moves to another patient;
 * 2. `meta`, `text` and `contained` are `lww`, kept whole;
 * 3. a repeating element is `log` when it holds `Annotation`s (notes are only ever added)
 *    and `set` otherwise: concurrent additions are all kept, in the order first added;
 * 4. a modifier element (`status`, `clinicalStatus`, `verificationStatus`, `intent` …)
 *    is `mv`: a concurrent value is never silently lost, it is a conflict;
 * 5. anything else is `lww`, the concurrent loser kept in the field's history.
 *
 * @example fhirRuleOf(R4_RESOURCES.Observation, 'status') // 'mv'
 */
export function fhirRuleOf(
  resource: R4Resource,
  name: string,
  element: R4Element = elementOf(resource, name),
): BuiltinRuleName {
  if (resource.compartment[0] === name && element.max !== '*') return 'once';
  if (WHOLE_ELEMENTS.has(name)) return 'lww';
  if (element.max === '*') return element.types.includes('Annotation') ? 'log' : 'set';
  if (element.modifier === true) return 'mv';
  return 'lww';
}

function elementOf(resource: R4Resource, name: string): R4Element {
  const element = resource.elements[name] ?? resource.elements[`${name}[x]`];
  if (element === undefined) throw new RangeError(`no element ${name}`);
  return element;
}
