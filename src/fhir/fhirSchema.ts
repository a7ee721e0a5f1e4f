import { ChartlogError, type ValidationIssue } from '../error/chartlogError.js';
import type { BuiltinRuleName } from '../merge/builtinRules.js';
import { defineSchema, type FieldDefinition, type ResourceDefinition, type Schema } from '../merge/schema.js';
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

/** Options for {@link createFhirSchema}. */
export interface FhirSchemaOptions {
  /**
   * Explicit merge rules by resource type and element (a choice element without `[x]`),
   * overriding the rules derived from the R4 definitions: a pack's choices, e.g. the
   * clinical pack's `clinicalFhirRules` (what `clinicalSchema` uses).
   * @defaultValue none: every rule as {@link fhirRuleOf} derives it
   */
  readonly rules?: Readonly<Record<string, Readonly<Record<string, BuiltinRuleName>>>>;
}

/**
 * The schema of FHIR R4 records: every R4 resource type (147), a field per top-level
 * element with the rule {@link fhirRuleOf} derives from the R4 definitions (or the one
 * `rules` names: `clinicalSchema` is this schema with the clinical pack's rules and event types), each field checked for its R4 type; `_` companion fields for
 * primitives' extensions; and the event types `fhir.created` and `fhir.updated`.
 *
 * @throws ChartlogError `INVALID_SCHEMA` when `rules` names a type or element R4 does not have.
 * @example
 * ```ts
 * const chart = createChart({ schema: createFhirSchema() });
 * ```
 */
export function createFhirSchema(options: FhirSchemaOptions = {}): Schema {
  const overrides = options.rules ?? {};
  const issues: ValidationIssue[] = [];
  for (const [type, elements] of Object.entries(overrides)) {
    const fields = fhirFieldsOf(type);
    if (fields === undefined) issues.push({ path: ['rules', type], message: `${type} is not an R4 resource type` });
    else for (const name of Object.keys(elements)) if (fields.byField.get(name)?.companion !== false) issues.push({ path: ['rules', type, name], message: `${type} has no element ${name}` });
  }
  if (issues.length > 0) throw new ChartlogError('INVALID_SCHEMA', 'FHIR rule overrides name what R4 does not define', { issues });
  const resources: Record<string, ResourceDefinition> = {};
  for (const type of r4ResourceTypes()) {
    const resource = R4_RESOURCES[type];
    const fields: Record<string, FieldDefinition> = {};
    for (const f of fhirFieldsOf(type)?.list ?? []) {
      if (f.companion) {
        fields[f.field] = { rule: 'lww', check: fhirCompanionCheck(f.element, f.definition), doc: `the id and extensions of ${f.element}` };
        continue;
      }
      const rule = overrides[type]?.[f.field] ?? fhirRuleOf(resource as R4Resource, f.element, f.definition);
      fields[f.field] = { rule, check: fhirFieldCheck(f.element, f.definition, rule), doc: `${type}.${f.element}` };
    }
    resources[type] = { fields, doc: `FHIR R4 ${type}` };
  }
  return defineSchema({
    resources,
    events: {
      [FHIR_EVENTS.created]: { v: 1, resources: '*', doc: 'A FHIR resource the record did not hold (import, REST create).' },
      [FHIR_EVENTS.updated]: { v: 1, resources: '*', doc: 'A change to a FHIR resource the record holds (import, REST update).' },
    },
    // Checks are functions, which a fingerprint cannot see (it sees every rule): this names the definitions and check code.
    revision: `chartlog/fhir/r${R4_VERSION}/checks-1`,
  });
}
