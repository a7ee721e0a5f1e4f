import type { JsonObject } from '../../event/json.js';
import { deterministicFhirId } from './deterministicFhirId.js';
import { refusedItem, type FhirInputItem } from './fhirInputItem.js';
import { fhirResourceProblem, type CheckedResource } from './fhirResourceProblem.js';
import type { FhirInputLocation } from './fhirRefusal.js';
import { isFhirId } from '../isFhirId.js';
import { prepareFhirResource } from './prepareFhirResource.js';
import { entryRequestRefusal, parseRequestUrl } from './entryRequest.js';

/** The Bundle types import takes: their entries are resources to hold. */
export const IMPORTED_BUNDLE_TYPES: readonly string[] = ['transaction', 'batch', 'collection', 'searchset'];

/** An entry that passed the entry-level checks: its resource, and the id its entry gives it. */
interface TakenEntry {
  readonly kind: 'take';
  readonly resource: CheckedResource;
  readonly source: FhirInputLocation;
  readonly entryId: string | undefined;
}

/**
 * The items of one Bundle, in entry order: each entry's resource ready to record, or a
 * refusal naming the entry. A Bundle of another type (history, document, message, a
 * response) is one `FHIR_UNSUPPORTED_BUNDLE` refusal. Entries' `fullUrl`s are mapped to
 * `Type/id` first, so a reference to a later entry resolves too.
 *
 * @param where - the Bundle's place in the input (`line` for a Bundle on an NDJSON line).
 */
export function* bundleItems(
  bundle: CheckedResource,
  where: FhirInputLocation,
): Generator<FhirInputItem, void, undefined> {
  const type = bundle['type'];
  if (typeof type !== 'string' || !IMPORTED_BUNDLE_TYPES.includes(type)) {
    const named = typeof type === 'string' ? `a ${type} Bundle` : 'a Bundle with no type';
    yield refusedItem(
      'FHIR_UNSUPPORTED_BUNDLE',
      where,
      `${named} is not imported (only ${IMPORTED_BUNDLE_TYPES.join(', ')} Bundles are): none of its entries was taken`,
      {
        element: 'Bundle.type',
      },
    );
    return;
  }
  const entries = bundle['entry'] ?? [];
  if (!Array.isArray(entries)) {
    yield refusedItem(
      'FHIR_INVALID_RESOURCE',
      where,
      'Bundle.entry is not an array: none of its entries was taken',
      { element: 'Bundle.entry' },
    );
    return;
  }
  const fullUrls = new Map<string, string>();
  const firstWith = new Map<string, number>();
  const plans: (TakenEntry | FhirInputItem)[] = entries.map((entry: unknown, index) => {
    const source: FhirInputLocation = { ...where, entry: index };
    const plan = planEntry(entry, source);
    if (plan.kind !== 'take') return plan;
    const fullUrl = (entry as JsonObject)['fullUrl'];
    if (typeof fullUrl !== 'string') return plan;
    const earlier = firstWith.get(fullUrl);
    if (earlier !== undefined)
      return refusedItem(
        'FHIR_INVALID_ENTRY',
        source,
        `fullUrl ${fullUrl} is also entry ${earlier}'s (a fullUrl names one entry)`,
        { element: 'Bundle.entry.fullUrl' },
      );
    firstWith.set(fullUrl, index);
    // Only ids the entry will be held under: a reference to a refused entry stays unresolved.
    const id = plan.resource['id'] ?? plan.entryId;
    if (isFhirId(id)) fullUrls.set(fullUrl, `${plan.resource.resourceType}/${id}`);
    return plan;
  });
  for (const plan of plans) {
    if (plan.kind !== 'take') yield plan;
    else
      yield prepareFhirResource(plan.resource, {
        source: plan.source,
        fullUrls,
        entryId: plan.entryId,
        checked: true,
      });
  }
}

/** An entry's checks, before any reference is resolved: a refusal, or what to prepare. */
function planEntry(entry: unknown, source: FhirInputLocation): TakenEntry | FhirInputItem {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    return refusedItem('FHIR_INVALID_ENTRY', source, 'the entry is not a JSON object');
  const fields = entry as JsonObject;
  const search = fields['search'];
  // A searchset's outcome entry is the server's message about the search (an OperationOutcome), not part of the record.
  if (
    typeof search === 'object' &&
    search !== null &&
    !Array.isArray(search) &&
    (search as JsonObject)['mode'] === 'outcome'
  ) {
    return refusedItem(
      'FHIR_INVALID_ENTRY',
      source,
      "a searchset entry with search.mode 'outcome' is the server's message about the search, not a record: not imported",
      { element: 'Bundle.entry.search.mode' },
    );
  }
  const refusal = entryRequestRefusal(fields['request'], source);
  if (refusal !== undefined) return refusal;
  const value = fields['resource'];
  if (value === undefined)
    return refusedItem('FHIR_INVALID_ENTRY', source, 'the entry has no resource', {
      element: 'Bundle.entry.resource',
    });
  const problem = fhirResourceProblem(value);
  if (problem !== undefined)
    return refusedItem(problem.code, source, problem.text, { element: problem.element });
  const resource = value as CheckedResource;
  const fullUrl = fields['fullUrl'];
  if (fullUrl !== undefined && typeof fullUrl !== 'string')
    return refusedItem('FHIR_INVALID_ENTRY', source, "the entry's fullUrl is not a string", {
      element: 'Bundle.entry.fullUrl',
    });
  const target = parseRequestUrl(fields['request'], resource.resourceType);
  if (target !== undefined && target.type !== resource.resourceType) {
    return refusedItem(
      'FHIR_INVALID_ENTRY',
      source,
      `the entry's request.url names a ${target.type} but its resource is a ${resource.resourceType}`,
      { element: 'Bundle.entry.request.url' },
    );
  }
  const ownId = resource['id'];
  // Only a PUT names the id the resource is stored under; a POST's server would choose one.
  const putId = (fields['request'] as JsonObject | undefined)?.['method'] === 'PUT' ? target?.id : undefined;
  if (putId !== undefined && ownId !== undefined && ownId !== putId) {
    const name = `${resource.resourceType}/${String(ownId)}`;
    return refusedItem(
      'FHIR_INVALID_ID',
      source,
      `${name} is PUT to ${resource.resourceType}/${putId}: the ids must be the same`,
      { resource: name, element: `${resource.resourceType}.id` },
    );
  }
  const entryId =
    ownId !== undefined ? undefined : (putId ?? idFromFullUrl(fullUrl) ?? deterministicFhirId(resource));
  return { kind: 'take', resource, source, entryId };
}

const FULL_URL_ID = /\/([A-Z][A-Za-z]*)\/([^/]+?)(?:\/_history\/[^/]+)?$/;

/** The id a `fullUrl` gives: `urn:uuid:X` / `urn:oid:X` → X; `…/Type/id` (or `…/Type/id/_history/v`) → id. */
function idFromFullUrl(fullUrl: string | undefined): string | undefined {
  if (fullUrl === undefined) return undefined;
  const urn = /^urn:(?:uuid|oid):(.+)$/.exec(fullUrl);
  if (urn !== null) return urn[1];
  const url = FULL_URL_ID.exec(fullUrl);
  return url !== null && isFhirId(url[2]) ? url[2] : undefined;
}
