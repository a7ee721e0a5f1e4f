import type { ResourceState } from '../chart/streamState.js';
import type { ValidationIssueInput } from '../error/chartlogError.js';
import { canonicalJson } from '../event/canonicalJson.js';
import { isPlainObject, type Json } from '../event/json.js';
import type { Schema } from '../merge/schema.js';
import { extensionFieldsOf, type FhirExtensionField } from './fhirExtensionFields.js';
import { choiceKey, fhirCompanionCheck, fhirFieldCheck } from './fhirFieldCheck.js';
import { fhirFieldsOf, type FhirField } from './fhirFields.js';
import { CHARTLOG_TAG_SYSTEM, CONCURRENT_VALUES_EXTENSION, type FhirResource } from './fhirResource.js';
import { shownFhirValue } from './shownFhirValue.js';

/** What {@link fhirWritesOf} found: the field writes that make the record hold the resource, or what stops it. */
export interface FhirWrites {
  /** Field → value (or `{ add, remove }` for `set`, the entries to add for `log`); empty when the record already holds the resource. */
  readonly writes: Readonly<Record<string, Json>>;
  /**
   * Members the resource cannot be held by (not an element of its R4 type, two types of one choice element);
   * nothing is written when any.
   */
  readonly issues: readonly ValidationIssueInput[];
}

/**
 * The field writes that take a record's resource (`current`, or none) to what `resource`
 * says, for `prepareWrite`: only the elements that differ, so writing a resource the
 * record already holds writes nothing (an import run twice adds no event).
 *
 * Per rule: a value (`lww`, `mv`, `once`, `max`, `min`; `null` removes an element, except
 * that a `once` element is never unwritten); for `set`, the elements to add and those to
 * remove; for `log` (notes), the entries not yet held (a note is never taken back by
 * leaving it out). `meta.versionId`, `meta.lastUpdated` and chartlog's own provisional
 * tag and `concurrent-values` extensions are the record's, not the writer's: they are
 * left out, so a resource read from a chart can be written back.
 *
 * @example
 * ```ts
 * const { writes, issues } = fhirWritesOf(schema, allergy, chart.resource(stream, 'AllergyIntolerance/a1'));
 * ```
 */
export function fhirWritesOf(
  schema: Schema,
  resource: FhirResource,
  current: ResourceState | undefined,
): FhirWrites {
  const type = resource.resourceType;
  const fields = fhirFieldsOf(type);
  if (fields === undefined)
    return {
      writes: {},
      issues: [{ path: ['resourceType'], message: `${String(type)} is not an R4 resource type` }],
    };
  const issues: ValidationIssueInput[] = [];
  const given = new Map<string, Json>();
  const packFields = extensionFieldsOf(schema, type);
  for (const [member, given0] of Object.entries(resource as unknown as Record<string, Json>)) {
    let value = given0;
    if (member === 'resourceType' || member === 'id') continue;
    if (member === 'extension' && Array.isArray(value) && packFields.length > 0) {
      value = takePackExtensions(value, packFields, given, issues);
      if ((value as Json[]).length === 0) continue;
    }
    const f = fields.byMember.get(member);
    if (f === undefined) {
      issues.push({ path: [member], message: `${type} has no element ${member} in FHIR R4` });
      continue;
    }
    const problem = (
      f.companion
        ? fhirCompanionCheck(f.element, f.definition)
        : fhirFieldCheck(f.element, f.definition, 'lww')
    )(f.choice ? { [member]: value } : value);
    if (problem !== undefined || value === null) {
      issues.push({ path: [member], message: problem ?? 'null is not a FHIR value (leave the element out)' });
      continue;
    }
    const held = own(f, member, value);
    if (held === undefined) continue;
    if (f.choice) {
      if (given.has(f.field))
        issues.push({
          path: [member],
          message: `${type}.${f.element} holds one type at a time; ${member} is a second`,
        });
      given.set(f.field, { [member]: held });
    } else given.set(f.field, held);
  }
  if (issues.length > 0) return { writes: {}, issues };

  const writes: Record<string, Json> = {};
  for (const field of [...fields.list.map((f) => f.field), ...packFields.map((x) => x.field)]) {
    const next = given.get(field);
    const heldState = current?.fields[field];
    const rule = schema.field(type, field)?.rule.name;
    if (rule === undefined) continue;
    const now = heldState === undefined ? undefined : shownFhirValue(rule, heldState);
    const write = writeFor(rule, now, next);
    if (write !== undefined) writes[field] = write;
  }
  // A new resource with nothing but its id still exists: an empty meta records it (and reads back as nothing).
  if (current === undefined && Object.keys(writes).length === 0) writes['meta'] = {};
  return { writes, issues };
}

/**
 * Moves the `extension` entries a pack keeps as fields (by URL) into `given`, returning
 * the rest: a single-valued field takes one entry's `value[x]`, a `set` or `log` field the
 * list of them. An entry with another value type, nested extensions, or a second entry for
 * a single-valued field is an issue.
 */
function takePackExtensions(
  entries: readonly Json[],
  packFields: readonly FhirExtensionField[],
  given: Map<string, Json>,
  issues: ValidationIssueInput[],
): Json {
  const rest: Json[] = [];
  entries.forEach((entry, i) => {
    const url = isPlainObject(entry) ? entry['url'] : undefined;
    const x = packFields.find((p) => p.url === url);
    if (x === undefined || !isPlainObject(entry)) {
      rest.push(entry);
      return;
    }
    const valueKey = choiceKey('value', x.valueType);
    const others = Object.keys(entry).filter((k) => k !== 'url' && k !== valueKey);
    if (!Object.hasOwn(entry, valueKey) || others.length > 0) {
      issues.push({
        path: ['extension', i],
        message: `the extension ${x.url} holds ${valueKey} and nothing else`,
      });
      return;
    }
    const value = entry[valueKey] as Json;
    if (x.rule === 'set' || x.rule === 'log')
      given.set(x.field, [...((given.get(x.field) as Json[] | undefined) ?? []), value]);
    else if (given.has(x.field))
      issues.push({
        path: ['extension', i],
        message: `the extension ${x.url} holds one value: this is a second`,
      });
    else given.set(x.field, value);
  });
  return rest;
}

/** What the writer says of a member, without what only the record says (meta's version, chartlog's own markers). */
function own(f: FhirField, member: string, value: Json): Json | undefined {
  if (member === 'meta' && isPlainObject(value)) {
    const { versionId: _v, lastUpdated: _l, ...rest } = value;
    const tags = Array.isArray(rest['tag'])
      ? rest['tag'].filter((t) => !(isPlainObject(t) && t['system'] === CHARTLOG_TAG_SYSTEM))
      : undefined;
    const meta: Record<string, Json> = { ...rest };
    if (tags !== undefined) {
      if (tags.length > 0) meta['tag'] = tags;
      else delete meta['tag'];
    }
    return Object.keys(meta).length > 0 ? meta : undefined;
  }
  if (f.field === 'extension' && Array.isArray(value)) {
    const kept = value.filter((x) => !(isPlainObject(x) && x['url'] === CONCURRENT_VALUES_EXTENSION));
    return kept.length > 0 ? kept : undefined;
  }
  return value;
}

/** The write that takes a field from `now` to `next` (undefined: absent), or undefined when there is nothing to write. */
function writeFor(rule: string, now: Json | undefined, next: Json | undefined): Json | undefined {
  if (rule === 'set') return setWrite(Array.isArray(now) ? now : [], Array.isArray(next) ? next : []);
  if (rule === 'log') {
    const held = new Set((Array.isArray(now) ? now : []).map((e) => canonicalJson(e)));
    const added = (Array.isArray(next) ? next : []).filter((e) => !held.has(canonicalJson(e)));
    return added.length > 0 ? added : undefined;
  }
  if (next === undefined && (now === undefined || rule === 'once')) return undefined;
  if (next !== undefined && now !== undefined && canonicalJson(next) === canonicalJson(now)) return undefined;
  return next ?? null;
}

/**
 * The `set` op from one list to another, as multisets: an element held n times is its
 * first n keys (`setElementKeys`). An element whose count changes is added as many times
 * as it is now held (re-adding a held copy only tags it again), and when it is held fewer
 * times its old copies are removed too, so the keys the rule derives line up.
 */
function setWrite(before: readonly Json[], after: readonly Json[]): Json | undefined {
  const count = (list: readonly Json[]): Map<string, { element: Json; n: number }> => {
    const out = new Map<string, { element: Json; n: number }>();
    for (const element of list) {
      const key = canonicalJson(element);
      const held = out.get(key);
      if (held) held.n++;
      else out.set(key, { element, n: 1 });
    }
    return out;
  };
  const was = count(before);
  const is = count(after);
  const add: Json[] = [];
  const remove: Json[] = [];
  // Adds in the order of the new list, so new elements stand in the order given.
  for (const element of after) {
    const key = canonicalJson(element);
    if ((was.get(key)?.n ?? 0) !== (is.get(key) as { n: number }).n) add.push(element);
  }
  // Fewer copies than before: every old copy goes (its re-added copies above stay: an op adds before it removes).
  for (const [key, { element, n }] of was) {
    if ((is.get(key)?.n ?? 0) < n) for (let i = 0; i < n; i++) remove.push(element);
  }
  if (add.length === 0 && remove.length === 0) return undefined;
  return { ...(add.length > 0 ? { add } : {}), ...(remove.length > 0 ? { remove } : {}) };
}
