import type { Json, JsonObject } from '../../event/json.js';

/** What {@link resolveReferences} found. */
export interface ResolvedReferences {
  /** The resource with every in-Bundle reference rewritten (the input itself when none was). */
  readonly resource: JsonObject;
  /** FHIR paths of `urn:uuid:` / `urn:oid:` references the Bundle does not hold, e.g. `Observation.subject.reference`. */
  readonly unresolved: readonly string[];
}

const LOCAL_URN = /^urn:(uuid|oid):/;

/**
 * Rewrites every `reference` string in `resource` (at any depth: `subject`, a
 * `valueReference` in an extension, a contained resource's own references) that names a
 * Bundle entry's `fullUrl` to that entry's `Type/id`, and lists the `urn:uuid:` and
 * `urn:oid:` references that name no entry: those can only point inside a Bundle, so
 * outside it they lead nowhere. Relative (`Patient/p1`), contained (`#c1`) and absolute
 * references outside the Bundle are kept as they are.
 *
 * The resource must already be checked for nesting depth (the walk recurses).
 *
 * @example
 * ```ts
 * resolveReferences({ resourceType: 'Observation', subject: { reference: 'urn:uuid:1' } }, new Map([['urn:uuid:1', 'Patient/1']]))
 * // { resource: { resourceType: 'Observation', subject: { reference: 'Patient/1' } }, unresolved: [] }
 * ```
 */
export function resolveReferences(
  resource: JsonObject,
  fullUrls: ReadonlyMap<string, string>,
): ResolvedReferences {
  const unresolved: string[] = [];
  const type = typeof resource['resourceType'] === 'string' ? resource['resourceType'] : 'Resource';
  const walk = (value: Json, path: string): Json => {
    if (typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) {
      let out: Json[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item = value[i] as Json;
        const next = walk(item, `${path}[${i}]`);
        if (next !== item) (out ??= value.slice())[i] = next;
      }
      return out ?? value;
    }
    let out: Record<string, Json> | undefined;
    for (const [key, item] of Object.entries(value as JsonObject)) {
      let next: Json = item;
      if (key === 'reference' && typeof item === 'string') {
        const target = fullUrls.get(item);
        if (target !== undefined) next = target;
        else if (LOCAL_URN.test(item)) unresolved.push(`${path}.reference`);
      } else next = walk(item, `${path}.${key}`);
      if (next !== item) (out ??= { ...(value as JsonObject) })[key] = next;
    }
    return out ?? value;
  };
  return { resource: walk(resource, type) as JsonObject, unresolved };
}
