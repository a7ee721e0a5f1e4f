import { ChartlogError, type ValidationIssueInput } from '../error/chartlogError.js';
import type { BuiltinRuleName } from '../merge/builtinRules.js';
import {
  defineSchema,
  type EventTypeDefinition,
  type FieldDefinition,
  type ResourceDefinition,
  type Schema,
  type SchemaDefinition,
} from '../merge/schema.js';
import {
  extensionFieldDefinition,
  isExtensionValueType,
  type FhirExtensionDefinition,
} from './fhirExtensionFields.js';
import { fhirCompanionCheck, fhirFieldCheck } from './fhirFieldCheck.js';
import { fhirFieldsOf, r4ResourceTypes } from './fhirFields.js';
import { fhirRuleOf } from './fhirRuleOf.js';
import { R4_RESOURCES, R4_VERSION } from './r4/r4Definitions.generated.js';
import type { R4Resource } from './r4/r4Types.js';

/** The event types FHIR writes are recorded as. */
export const FHIR_EVENTS = {
  /** A resource the record did not hold. */
  created: 'fhir.created',
  /** A change to a resource the record holds. */
  updated: 'fhir.updated',
} as const;

/** The event type definitions of every FHIR schema: `fhir.created` and `fhir.updated`. */
export type FhirEventDefinitions = {
  // A type literal, not an interface: it must fit `SchemaDefinition`'s index signature.
  /** A resource the record did not hold (import, REST create). */
  readonly 'fhir.created': EventTypeDefinition & { readonly resources: '*' };
  /** A change to a resource the record holds (import, REST update). */
  readonly 'fhir.updated': EventTypeDefinition & { readonly resources: '*' };
};

/** The definition type of a schema {@link createFhirSchema} makes with a pack's event types `E`. */
export interface FhirSchemaDefinition<
  E extends Readonly<Record<string, EventTypeDefinition>> = Record<never, never>,
> extends SchemaDefinition {
  /** Every R4 resource type. */
  readonly resources: Readonly<Record<string, ResourceDefinition>>;
  /** `fhir.created`, `fhir.updated` and the pack's own event types, by their literal names. */
  readonly events: FhirEventDefinitions & E;
}

/** Options for {@link createFhirSchema}; `E` is the pack's event types, their literal names kept. */
export interface FhirSchemaOptions<
  E extends Readonly<Record<string, EventTypeDefinition>> = Record<never, never>,
> {
  /**
   * Explicit merge rules by resource type and element (a choice element without `[x]`),
   * overriding the rules derived from the R4 definitions: a pack's choices, e.g. the
   * clinical pack's `clinicalFhirRules` (what `clinicalSchema` uses).
   * @defaultValue none: every rule as {@link fhirRuleOf} derives it
   */
  readonly rules?: Readonly<Record<string, Readonly<Record<string, BuiltinRuleName>>>>;
  /**
   * Fields a pack keeps as FHIR extensions, by resource type and field name (a name R4
   * does not use for that type): what R4 has no element for, with a rule of its own (the
   * holder of an appointment slot as `mv`, a last-review date as `max`). Each reads back
   * as an `extension` entry, and an entry with its URL is written to it.
   * @defaultValue none
   */
  readonly extensions?: Readonly<Record<string, Readonly<Record<string, FhirExtensionDefinition>>>>;
  /** Event types of a pack, besides `fhir.created` and `fhir.updated`. @defaultValue none */
  readonly events?: E;
  /** Names the pack's code (checks, commands) in the schema fingerprint: change it when they change. @defaultValue none */
  readonly revision?: string;
}

/**
 * The schema of FHIR R4 records: every R4 resource type (147), a field per top-level
 * element with the rule {@link fhirRuleOf} derives from the R4 definitions (or the one
 * `rules` names: `clinicalSchema` is this schema with the clinical pack's rules and event
 * types), each field checked for its R4 type; `_` companion fields for primitives'
 * extensions; and the event types `fhir.created` and `fhir.updated`.
 *
 * @throws ChartlogError `INVALID_SCHEMA` when `rules` names a type or element R4 does not have.
 * @example
 * ```ts
 * const chart = createChart({ schema: createFhirSchema() });
 * ```
 */
export function createFhirSchema<
  const E extends Readonly<Record<string, EventTypeDefinition>> = Record<never, never>,
>(options: FhirSchemaOptions<E> = {}): Schema<FhirSchemaDefinition<E>> {
  const overrides = options.rules ?? {};
  const issues: ValidationIssueInput[] = [];
  for (const [type, elements] of Object.entries(overrides)) {
    const fields = fhirFieldsOf(type);
    if (fields === undefined)
      issues.push({ path: ['rules', type], message: `${type} is not an R4 resource type` });
    else
      for (const name of Object.keys(elements))
        if (fields.byField.get(name)?.companion !== false)
          issues.push({ path: ['rules', type, name], message: `${type} has no element ${name}` });
  }
  for (const [type, fields] of Object.entries(options.extensions ?? {})) {
    const r4 = fhirFieldsOf(type);
    for (const [name, ext] of Object.entries(fields)) {
      const path = ['extensions', type, name];
      if (r4 === undefined) issues.push({ path, message: `${type} is not an R4 resource type` });
      else if (r4.byField.has(name) || r4.byField.has(`_${name}`) || name === 'id')
        issues.push({
          path,
          message: `${type} has an R4 element ${name}: name the extension field otherwise`,
        });
      if (typeof ext.url !== 'string' || !/^[a-z][a-z0-9+.-]*:\S+$/.test(ext.url))
        issues.push({ path: [...path, 'url'], message: 'must be an absolute URL' });
      if (!isExtensionValueType(ext.valueType))
        issues.push({
          path: [...path, 'valueType'],
          message: `${ext.valueType} cannot be an extension's value type`,
        });
    }
  }
  if (issues.length > 0)
    throw new ChartlogError('INVALID_SCHEMA', 'FHIR rules or extensions name what R4 does not allow', {
      issues,
    });
  const resources: Record<string, ResourceDefinition> = {};
  for (const type of r4ResourceTypes()) {
    const resource = R4_RESOURCES[type];
    const fields: Record<string, FieldDefinition> = {};
    for (const f of fhirFieldsOf(type)?.list ?? []) {
      if (f.companion) {
        fields[f.field] = {
          rule: 'lww',
          check: fhirCompanionCheck(f.element, f.definition),
          doc: `the id and extensions of ${f.element}`,
        };
        continue;
      }
      const rule = overrides[type]?.[f.field] ?? fhirRuleOf(resource as R4Resource, f.element, f.definition);
      fields[f.field] = {
        rule,
        check: fhirFieldCheck(f.element, f.definition, rule),
        doc: `${type}.${f.element}`,
      };
    }
    for (const [name, ext] of Object.entries(options.extensions?.[type] ?? {}))
      fields[name] = extensionFieldDefinition(ext);
    resources[type] = { fields, doc: `FHIR R4 ${type}` };
  }
  const fhirEvents: FhirEventDefinitions = {
    [FHIR_EVENTS.created]: {
      v: 1,
      resources: '*',
      doc: 'A FHIR resource the record did not hold (import, REST create).',
    },
    [FHIR_EVENTS.updated]: {
      v: 1,
      resources: '*',
      doc: 'A change to a FHIR resource the record holds (import, REST update).',
    },
  };
  return defineSchema<FhirSchemaDefinition<E>>({
    resources,
    events: { ...fhirEvents, ...(options.events as E) },
    // Checks are functions, which a fingerprint cannot see (it sees every rule): this names the definitions and check code.
    revision: `chartlog/fhir/r${R4_VERSION}/checks-1${options.revision === undefined ? '' : ` ${options.revision}`}`,
  });
}
