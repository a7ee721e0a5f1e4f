import { canonicalJson } from '../event/canonicalJson.js';
import { hashCanonical } from '../event/eventHash.js';
import type { Json } from '../event/json.js';
import type { Schema } from './schema.js';

/**
 * The projection format this build writes: part of every fingerprint, so a build that
 * folds or stores differently rebuilds what an older one persisted.
 */
export const PROJECTION_FORMAT = 'chartlog/projection/v2';

/**
 * SHA-256 of what a fold depends on: every resource type with its fields' rule names,
 * every event type with its version and the resources it may write, the custom rules'
 * names and laws, the schema's `revision`, and {@link PROJECTION_FORMAT}. A persisted
 * projection records the fingerprint it was folded with; opening it with a schema of
 * another fingerprint rebuilds it rather than show states folded by other rules.
 * Functions (field checks, custom rule code) cannot be fingerprinted: change
 * `SchemaDefinition.revision` when they change.
 *
 * @example schemaFingerprint(clinicalSchema) // '3f1c…' (64 hex digits)
 */
export function schemaFingerprint(schema: Schema): string {
  // A pure memo keyed by the (immutable) schema: an R4 schema has thousands of fields.
  let fingerprint = fingerprints.get(schema);
  if (fingerprint === undefined) fingerprints.set(schema, (fingerprint = computeFingerprint(schema)));
  return fingerprint;
}

const fingerprints = new WeakMap<Schema, string>();

function computeFingerprint(schema: Schema): string {
  const { definition } = schema;
  const resources: Record<string, Record<string, string>> = {};
  for (const [type, resource] of Object.entries(definition.resources)) {
    const fields: Record<string, string> = {};
    for (const [field, spec] of Object.entries(resource.fields))
      fields[field] = typeof spec === 'string' ? spec : spec.rule;
    resources[type] = fields;
  }
  const events: Record<string, Json> = {};
  for (const [type, spec] of Object.entries(definition.events))
    events[type] = { v: spec.v, resources: spec.resources === '*' ? '*' : [...spec.resources].sort() };
  const rules: Record<string, Json> = {};
  for (const [name, rule] of Object.entries(definition.rules ?? {})) rules[name] = [...rule.laws].sort();
  return hashCanonical(
    canonicalJson({
      format: PROJECTION_FORMAT,
      resources,
      events,
      rules,
      revision: definition.revision ?? null,
    }),
  );
}
