import { ChartlogError, type ValidationIssueInput } from '../error/chartlogError.js';
import { isEventId } from '../event/ids.js';
import { isPlainObject, type Json } from '../event/json.js';
import { EVENT_TYPE_PATTERN } from '../event/validateEvent.js';
import { builtinRules, type BuiltinRuleName } from './builtinRules.js';
import type { MergeRule } from './mergeRule.js';

/** A field's declaration: its merge rule and an optional value check. */
export interface FieldDefinition {
  /** A built-in rule name, or the name of a custom rule given in `rules`. */
  readonly rule: BuiltinRuleName | (string & {});
  /** Why a value is unacceptable, or undefined. Must be pure. */
  readonly check?: (value: Json) => string | undefined;
  /** What the field means, for generated docs. */
  readonly doc?: string;
  /**
   * The field is a FHIR extension of its resource (not one of its R4 elements): read back
   * as an `extension` entry with this `url` and a `value[x]` of `valueType`. Not folded:
   * only `chartlog/fhir` reads it (see `createFhirSchema`'s `extensions`).
   */
  readonly extension?: { readonly url: string; readonly valueType: string };
}

/** A resource type: its fields and their rules. */
export interface ResourceDefinition {
  /** Field name → rule name or full definition. */
  readonly fields: Readonly<Record<string, BuiltinRuleName | (string & {}) | FieldDefinition>>;
  /** What the resource is. */
  readonly doc?: string;
}

/** An event type: the newest version this code understands and which resource types it may write. */
export interface EventTypeDefinition {
  /** Newest schema version understood; events with a higher `v` are kept and relayed but not folded. */
  readonly v: number;
  /** Resource types it may write, or `'*'` for any. */
  readonly resources: readonly string[] | '*';
  /** What the event means clinically. */
  readonly doc?: string;
}

/** Everything {@link defineSchema} takes. */
export interface SchemaDefinition {
  /** Resource type name (FHIR style, e.g. `AllergyIntolerance`) → definition. */
  readonly resources: Readonly<Record<string, ResourceDefinition>>;
  /** Event type (e.g. `allergy.recorded`) → definition. */
  readonly events: Readonly<Record<string, EventTypeDefinition>>;
  /** Custom rules by name, usable in field definitions. @defaultValue `{}` */
  readonly rules?: Readonly<Record<string, AnyMergeRule>>;
  /**
   * A label for what the schema's code does, beyond what its names say: change it when a
   * field `check` or a custom rule changes which events fold or how, so persisted
   * projections folded with the old code are rebuilt (see `schemaFingerprint`). Names,
   * rules and event versions are fingerprinted without it. @defaultValue none
   */
  readonly revision?: string;
}

/**
 * A merge rule of any state type. Each rule is only ever handed states it created
 * itself, so the schema need not (and, as TypeScript checks rule methods, cannot)
 * relate different rules' state types.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- `unknown` would make every rule's methods contravariant misfits.
export type AnyMergeRule = MergeRule<any>;

/** A field as the fold sees it. */
export interface ResolvedField {
  /** The field's merge rule. */
  readonly rule: MergeRule;
  /** Value check, if any. */
  readonly check: ((value: Json) => string | undefined) | undefined;
}

/**
 * A validated schema: what the fold and the command helpers consult. `D` is the
 * definition's type as written (literal names kept by {@link defineSchema}), so a pack
 * can derive its event types, resource types and views from it ({@link EventTypeOf},
 * {@link ResourceTypeOf}, {@link EventResourcesOf}) instead of restating them.
 */
export interface Schema<D extends SchemaDefinition = SchemaDefinition> {
  /** The definition it was built from (with the core event types added). */
  readonly definition: D;
  /** The rule and check of `resourceType.field`, or undefined when not declared. */
  field(resourceType: string, field: string): ResolvedField | undefined;
  /** The event type when this schema understands `type` at version `v`, else undefined. */
  eventType(type: string, v: number): EventTypeDefinition | undefined;
  /** Every problem with an event's `data` and `pred` for its type; `[]` when fine. */
  validateData(event: {
    readonly type: string;
    readonly v: number;
    readonly data: unknown;
    readonly pred: unknown;
  }): ValidationIssueInput[];
  /** A new schema with more resources, events or rules (same names replace); `revision` carries over unless `more` gives one. */
  extend(more: Partial<SchemaDefinition>): Schema;
}

/** The event types a schema's definition names (the core `chart.*` types aside), as literal types. */
export type EventTypeOf<S extends Schema<SchemaDefinition>> = keyof S['definition']['events'] & string;

/** The resource types a schema's definition names, as literal types. */
export type ResourceTypeOf<S extends Schema<SchemaDefinition>> = keyof S['definition']['resources'] & string;

/**
 * The resource types the event types `E` of a schema may write (from each event type's
 * `resources`; `string` for one that may write any).
 * @example EventResourcesOf<typeof clinicalSchema, 'allergy.recorded'> // 'AllergyIntolerance'
 */
export type EventResourcesOf<
  S extends Schema<SchemaDefinition>,
  E extends EventTypeOf<S>,
> = S['definition']['events'][E]['resources'] extends infer R
  ? R extends readonly (infer T extends string)[]
    ? T
    : string
  : never;

/** Event type of a retraction: `data = { retracts: [eventId…], reason }`, in the retracted events' stream. */
export const RETRACTION_EVENT = 'chart.retracted';
/** Event type of a write that resolves a conflict (any resource type). */
export const CONFLICT_RESOLUTION_EVENT = 'chart.conflict-resolved';

/** Pattern of a resource key in `data`: `<ResourceType>/<id>` with a FHIR id. */
export const RESOURCE_KEY_PATTERN = /^([A-Z][A-Za-z0-9]{0,63})\/([A-Za-z0-9.-]{1,64})$/;

const CORE_EVENTS: Readonly<Record<string, EventTypeDefinition>> = {
  [RETRACTION_EVENT]: {
    v: 1,
    resources: [],
    doc: 'Removes the named events’ effects from the fold; both stay in the log.',
  },
  [CONFLICT_RESOLUTION_EVENT]: {
    v: 1,
    resources: '*',
    doc: 'A clinician’s choice that supersedes every competing write it names.',
  },
};

/**
 * Validates a schema definition and returns a {@link Schema}. The definition's literal
 * names are kept in the schema's type (`D`), so event types and resource types can be
 * derived from it ({@link EventTypeOf}).
 *
 * @throws ChartlogError `UNKNOWN_RULE` for a field naming a rule that does not exist,
 *   `INVALID_SCHEMA` for anything else malformed; `issues` point at the offending entry.
 * @example
 * ```ts
 * const schema = defineSchema({
 *   resources: { Flag: { fields: { code: 'mv', note: 'log' } } },
 *   events: { 'flag.raised': { v: 1, resources: ['Flag'] } },
 * });
 * ```
 */
export function defineSchema<const D extends SchemaDefinition>(definition: D): Schema<D> {
  const rules: Record<string, MergeRule> = { ...builtinRules, ...(definition.rules ?? {}) };
  const issues: ValidationIssueInput[] = [];
  let unknownRule = false;
  const fields = new Map<string, Map<string, ResolvedField>>();
  for (const [name, rule] of Object.entries(definition.rules ?? {})) {
    if (
      !rule ||
      typeof rule.apply !== 'function' ||
      typeof rule.create !== 'function' ||
      typeof rule.merge !== 'function'
    )
      issues.push({
        path: ['rules', name],
        message: 'not a MergeRule (needs create, apply, merge, check, conflict, current, pred)',
      });
  }
  for (const [type, resource] of Object.entries(definition.resources ?? {})) {
    if (!/^[A-Z][A-Za-z0-9]{0,63}$/.test(type))
      issues.push({
        path: ['resources', type],
        message: 'resource type must be PascalCase letters and digits',
      });
    if (!isPlainObject(resource) || !isPlainObject(resource.fields)) {
      issues.push({ path: ['resources', type, 'fields'], message: 'must be an object of field definitions' });
      continue;
    }
    const resolved = new Map<string, ResolvedField>();
    for (const [field, spec] of Object.entries(resource.fields)) {
      const def: FieldDefinition = typeof spec === 'string' ? { rule: spec } : spec;
      // A leading underscore is FHIR JSON's name for a primitive element's id and extensions (`_birthDate`).
      if (!/^_?[a-z][A-Za-z0-9]{0,63}$/.test(field))
        issues.push({
          path: ['resources', type, 'fields', field],
          message: 'field name must be camelCase letters and digits (with an optional leading _)',
        });
      const rule = rules[def.rule];
      if (!rule) {
        unknownRule = true;
        issues.push({
          path: ['resources', type, 'fields', field],
          message: `unknown rule "${def.rule}" (known: ${Object.keys(rules).join(', ')})`,
        });
        continue;
      }
      resolved.set(field, { rule, check: def.check });
    }
    fields.set(type, resolved);
  }
  const events: Record<string, EventTypeDefinition> = { ...CORE_EVENTS, ...(definition.events ?? {}) };
  for (const [type, spec] of Object.entries(definition.events ?? {})) {
    if (!EVENT_TYPE_PATTERN.test(type))
      issues.push({ path: ['events', type], message: `event type must match ${EVENT_TYPE_PATTERN}` });
    if (!isPlainObject(spec) || !Number.isSafeInteger(spec.v) || spec.v < 1)
      issues.push({ path: ['events', type, 'v'], message: 'must be an integer >= 1' });
    else if (spec.resources !== '*') {
      if (!Array.isArray(spec.resources))
        issues.push({
          path: ['events', type, 'resources'],
          message: "must be an array of resource types or '*'",
        });
      else
        for (const r of spec.resources)
          if (!fields.has(r))
            issues.push({ path: ['events', type, 'resources'], message: `unknown resource type "${r}"` });
    }
  }
  if (issues.length > 0)
    throw new ChartlogError(unknownRule ? 'UNKNOWN_RULE' : 'INVALID_SCHEMA', 'invalid schema', { issues });

  const full = { ...definition, events };
  const schema: Schema<D> = {
    definition: full,
    field: (resourceType, field) => fields.get(resourceType)?.get(field),
    eventType: (type, v) => {
      const spec = events[type];
      return spec !== undefined && v <= spec.v ? spec : undefined;
    },
    validateData: (event) => validateData(schema, event),
    extend: (more) =>
      defineSchema({
        resources: { ...definition.resources, ...(more.resources ?? {}) },
        events: { ...(definition.events ?? {}), ...(more.events ?? {}) },
        rules: { ...(definition.rules ?? {}), ...(more.rules ?? {}) },
        // The revision carries over (or is replaced): dropping it would reuse projections folded by other code.
        ...(revisionOf(more, definition) === undefined
          ? {}
          : { revision: revisionOf(more, definition) as string }),
      }),
  };
  return schema;
}

function validateData(
  schema: Schema,
  event: { readonly type: string; readonly v: number; readonly data: unknown; readonly pred: unknown },
): ValidationIssueInput[] {
  const issues: ValidationIssueInput[] = [];
  const spec = schema.eventType(event.type, event.v);
  if (!spec)
    return [{ path: ['type'], message: `event type "${event.type}" v${event.v} is not in this schema` }];
  const data = event.data;
  if (!isPlainObject(data)) return [{ path: ['data'], message: 'must be a plain object' }];
  if (event.type === RETRACTION_EVENT) {
    const retracts = data['retracts'];
    if (!Array.isArray(retracts) || retracts.length === 0 || !retracts.every(isEventId))
      issues.push({ path: ['data', 'retracts'], message: 'must be a non-empty array of event ids' });
    if (typeof data['reason'] !== 'string' || data['reason'].trim() === '')
      issues.push({ path: ['data', 'reason'], message: 'a retraction must give its reason' });
    for (const key of Object.keys(data))
      if (key !== 'retracts' && key !== 'reason')
        issues.push({ path: ['data', key], message: 'unknown field' });
    return issues;
  }
  const pred = isPlainObject(event.pred) ? event.pred : {};
  for (const [key, fields] of Object.entries(data)) {
    const m = RESOURCE_KEY_PATTERN.exec(key);
    if (!m) {
      issues.push({ path: ['data', key], message: 'must be a resource key like "AllergyIntolerance/<id>"' });
      continue;
    }
    const type = m[1] as string;
    if (spec.resources !== '*' && !spec.resources.includes(type))
      issues.push({ path: ['data', key], message: `event type "${event.type}" does not write ${type}` });
    if (!isPlainObject(fields)) {
      issues.push({ path: ['data', key], message: 'must map field names to values' });
      continue;
    }
    for (const [field, value] of Object.entries(fields)) {
      const resolved = schema.field(type, field);
      if (!resolved) {
        issues.push({ path: ['data', key, field], message: `${type} has no field "${field}"` });
        continue;
      }
      const problem = resolved.rule.check(value as Json) ?? resolved.check?.(value as Json);
      if (problem) issues.push({ path: ['data', key, field], message: problem });
    }
  }
  for (const [key, fields] of Object.entries(pred)) {
    for (const field of Object.keys(isPlainObject(fields) ? fields : {})) {
      const written = data[key];
      if (!isPlainObject(written) || !Object.hasOwn(written, field))
        issues.push({ path: ['pred', key, field], message: 'pred names a field this event does not write' });
    }
  }
  return issues;
}

/** The revision an extended schema keeps: the one given, else the base schema's. */
function revisionOf(more: Partial<SchemaDefinition>, base: SchemaDefinition): string | undefined {
  return more.revision ?? base.revision;
}
