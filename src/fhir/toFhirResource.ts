import { parseEventKey, type EventKey } from '../chart/eventKey.js';
import type { ResourceState } from '../chart/streamState.js';
import { canonicalJson } from '../event/canonicalJson.js';
import { isPlainObject, type Json } from '../event/json.js';
import type { WriteRef } from '../merge/mergeRule.js';
import type { Schema } from '../merge/schema.js';
import { fhirFieldsOf, type FhirField } from './fhirFields.js';
import { extensionFieldsOf } from './fhirExtensionFields.js';
import { choiceKey } from './fhirFieldCheck.js';
import { fieldMembers, shownFhirValue } from './shownFhirValue.js';
import { CHARTLOG_TAG_SYSTEM, CONCURRENT_VALUES_EXTENSION, type FhirResource } from './fhirResource.js';

/** The `meta.tag` on a resource with an element in conflict: its values shown are provisional. */
export const PROVISIONAL_TAG = Object.freeze({
  system: CHARTLOG_TAG_SYSTEM,
  code: 'provisional',
  display: 'Unresolved concurrent changes: the values shown are provisional',
});

/**
 * A resource's `meta.versionId` from the key of the latest event that wrote it: that
 * event's `<site>.<seq>`, which names one event (a FHIR id; a site id longer than a
 * version id may be is cut, never expected in practice: site ids name practices).
 */
export function versionIdOf(version: EventKey): string {
  const { site, seq } = parseEventKey(version);
  const suffix = `.${seq}`;
  return site.slice(0, 64 - suffix.length) + suffix;
}

/** The FHIR `instant` of an event stamp: its wall-clock part. */
export function instantOfStamp(hlc: string): string {
  return hlc.slice(0, 24);
}

/**
 * A resource of a chart as FHIR R4 JSON: `resourceType`, `id`, `meta` (`versionId` and
 * `lastUpdated` from `version`, the latest event that wrote it: `ChartView.lastWrite`),
 * then every element the record holds, in definition order. An element in conflict shows
 * its provisional value, and the resource says so in FHIR terms: the {@link PROVISIONAL_TAG}
 * in `meta.tag` and, per element, a `concurrent-values` extension listing every
 * competing value with its site, author, time and event, so a reader that knows nothing of
 * chartlog never takes a provisional value for a settled one.
 *
 * A type R4 does not define is read through its fields as they are (a chart may hold
 * other packs' resources too).
 *
 * @example
 * ```ts
 * const allergy = toFhirResource(
 *   chart.schema,
 *   chart.resource(stream, 'AllergyIntolerance/a1')!,
 *   chart.lastWrite(stream, 'AllergyIntolerance/a1'),
 * );
 * ```
 */
export function toFhirResource(
  schema: Schema,
  state: ResourceState,
  version: EventKey | undefined,
): FhirResource {
  const fields = fhirFieldsOf(state.type);
  const out: Record<string, unknown> = { resourceType: state.type, id: state.id };
  const conflicts: Record<string, unknown>[] = [];
  const order =
    fields?.list ??
    Object.keys(state.fields)
      .sort()
      .map((field): FhirField => ({
        field,
        element: field,
        definition: { types: [], max: 1, min: 0 },
        companion: false,
        choice: false,
      }));
  let meta: Record<string, unknown> = {};
  for (const f of order) {
    const held = state.fields[f.field];
    if (held === undefined) continue;
    const rule = schema.field(state.type, f.field)?.rule;
    const value = shownFhirValue(rule?.name, held);
    if (f.field === 'meta') {
      if (isPlainObject(value)) meta = { ...value };
      continue;
    }
    if (value !== undefined) Object.assign(out, fieldMembers(f, value));
    const competing = rule?.conflict(held);
    if (competing !== undefined)
      conflicts.push(concurrentValues(`${state.type}.${f.element}`, competing, (v) => fieldMembers(f, v)));
  }
  // A pack's extension fields: an `extension` entry per value, after the resource's own.
  const packEntries: Record<string, unknown>[] = [];
  for (const x of extensionFieldsOf(schema, state.type)) {
    const held = state.fields[x.field];
    if (held === undefined) continue;
    const rule = schema.field(state.type, x.field)?.rule;
    const value = shownFhirValue(rule?.name, held);
    const entry = (v: Json): Record<string, unknown> => ({
      url: x.url,
      [choiceKey('value', x.valueType)]: v,
    });
    if (value !== undefined)
      for (const v of x.rule === 'set' || x.rule === 'log' ? (value as Json[]) : [value])
        packEntries.push(entry(v));
    const competing = rule?.conflict(held);
    if (competing !== undefined)
      conflicts.push(concurrentValues(`${state.type}.extension('${x.url}')`, competing, entry));
  }
  const tags = Array.isArray(meta['tag']) ? [...(meta['tag'] as unknown[])] : [];
  if (conflicts.length > 0) tags.push({ ...PROVISIONAL_TAG });
  const fullMeta: Record<string, unknown> = {
    ...(version === undefined
      ? {}
      : { versionId: versionIdOf(version), lastUpdated: instantOfStamp(parseEventKey(version).hlc) }),
    ...meta,
    ...(tags.length > 0 ? { tag: tags } : {}),
  };
  const extension = [
    ...(Array.isArray(out['extension']) ? (out['extension'] as unknown[]) : []),
    ...packEntries,
    ...conflicts,
  ];
  if (extension.length > 0) out['extension'] = extension;
  // meta goes right after id, as FHIR lists it.
  const { resourceType, id, ...rest } = out;
  return {
    resourceType,
    id,
    ...(Object.keys(fullMeta).length > 0 ? { meta: fullMeta } : {}),
    ...rest,
  } as FhirResource;
}

/**
 * The `concurrent-values` extension of one element (named as a FHIRPath): every competing write, its value as
 * the JSON the element would be.
 */
function concurrentValues(
  element: string,
  competing: readonly WriteRef[],
  asJson: (value: Json) => Record<string, unknown>,
): Record<string, unknown> {
  return {
    url: CONCURRENT_VALUES_EXTENSION,
    extension: [
      { url: 'element', valueString: element },
      ...competing.map((w) => ({
        url: 'candidate',
        extension: [
          { url: 'value', valueString: canonicalJson(w.value === null ? {} : (asJson(w.value) as Json)) },
          { url: 'site', valueString: w.site },
          { url: 'author', valueString: w.author },
          { url: 'recorded', valueInstant: instantOfStamp(w.hlc) },
          { url: 'event', valueString: w.id },
        ],
      })),
    ],
  };
}
