import { isPlainObject } from '../../event/json.js';

/**
 * Every value at a dotted JSON path of a resource (`reaction.substance`), arrays flattened
 * at each step, as FHIRPath navigates.
 *
 * @example fhirValuesAt({ reaction: [{ substance: a }, { substance: b }] }, 'reaction.substance') // [a, b]
 */
export function fhirValuesAt(resource: unknown, path: string): unknown[] {
  let values: unknown[] = [resource];
  for (const step of path.split('.')) {
    const next: unknown[] = [];
    for (const v of values) {
      if (!isPlainObject(v) || !Object.hasOwn(v, step)) continue;
      const child = v[step];
      if (Array.isArray(child)) next.push(...child);
      else if (child !== undefined && child !== null) next.push(child);
    }
    values = next;
  }
  return values;
}
