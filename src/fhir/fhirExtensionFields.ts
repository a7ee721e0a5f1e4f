import type { BuiltinRuleName } from '../merge/builtinRules.js';
import type { FieldDefinition, Schema } from '../merge/schema.js';
import { fhirFieldCheck } from './fhirFieldCheck.js';
import { R4_PRIMITIVES } from './r4/r4Definitions.generated.js';

/** A field a pack keeps as a FHIR extension of a resource, for what R4 has no element for. */
export interface FhirExtensionDefinition {
  /** The extension's canonical URL (absolute). */
  readonly url: string;
  /** The type of its `value[x]`: an R4 primitive or datatype (`date`, `Reference`, `Annotation` …). */
  readonly valueType: string;
  /** Its merge rule; a `set` or `log` field reads back as one extension entry per value. @defaultValue `'lww'` */
  readonly rule?: BuiltinRuleName;
  /** What it means. */
  readonly doc?: string;
}

/** One extension field of a resource type in a schema. */
export interface FhirExtensionField {
  readonly field: string;
  readonly url: string;
  readonly valueType: string;
  readonly rule: string;
}

/** The datatypes R4 allows as an extension's `value[x]` besides the primitives (R4 §2.24.0.1, "open type"). */
const COMPLEX_VALUE_TYPES = new Set([
  'Address',
  'Age',
  'Annotation',
  'Attachment',
  'CodeableConcept',
  'Coding',
  'ContactPoint',
  'Count',
  'Distance',
  'Duration',
  'HumanName',
  'Identifier',
  'Money',
  'Period',
  'Quantity',
  'Range',
  'Ratio',
  'Reference',
  'SampledData',
  'Signature',
  'Timing',
  'ContactDetail',
  'Contributor',
  'DataRequirement',
  'Expression',
  'ParameterDefinition',
  'RelatedArtifact',
  'TriggerDefinition',
  'UsageContext',
  'Dosage',
  'Meta',
]);

/** True when `type` may be an extension's value type. */
export function isExtensionValueType(type: string): boolean {
  return COMPLEX_VALUE_TYPES.has(type) || (Object.hasOwn(R4_PRIMITIVES, type) && type !== 'xhtml');
}

/**
 * The schema field an extension definition becomes: its rule, a check of its values' type, and the
 * `extension` marker `chartlog/fhir` reads.
 */
export function extensionFieldDefinition(definition: FhirExtensionDefinition): FieldDefinition {
  const rule = definition.rule ?? 'lww';
  const element = {
    types: [definition.valueType],
    max: rule === 'set' || rule === 'log' ? ('*' as const) : 1,
    min: 0,
  };
  return {
    rule,
    check: fhirFieldCheck('value', element, rule),
    doc: definition.doc ?? `extension ${definition.url}`,
    extension: { url: definition.url, valueType: definition.valueType },
  };
}

// Per schema, per type: read for every resource read back, and a schema never changes.
const extensionFieldsMemo = new WeakMap<Schema, Map<string, readonly FhirExtensionField[]>>();

/** The extension fields a schema gives a resource type, in field order (memoized per schema and type). */
export function extensionFieldsOf(schema: Schema, type: string): readonly FhirExtensionField[] {
  let byType = extensionFieldsMemo.get(schema);
  if (byType === undefined) extensionFieldsMemo.set(schema, (byType = new Map()));
  let fields = byType.get(type);
  if (fields === undefined) byType.set(type, (fields = Object.freeze(readExtensionFields(schema, type))));
  return fields;
}

function readExtensionFields(schema: Schema, type: string): FhirExtensionField[] {
  const resource = Object.hasOwn(schema.definition.resources, type)
    ? schema.definition.resources[type]
    : undefined;
  const out: FhirExtensionField[] = [];
  for (const [field, spec] of Object.entries(resource?.fields ?? {})) {
    if (typeof spec === 'string' || spec.extension === undefined) continue;
    out.push({ field, url: spec.extension.url, valueType: spec.extension.valueType, rule: spec.rule });
  }
  return out;
}
