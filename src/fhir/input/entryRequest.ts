import type { Json, JsonObject } from '../../event/json.js';
import { refusedItem, type FhirInputItem } from './fhirInputItem.js';
import type { FhirInputLocation } from './fhirRefusal.js';

/** `request` elements that make a request conditional on what the server already holds. */
const CONDITIONAL_ELEMENTS = ['ifNoneExist', 'ifMatch', 'ifNoneMatch', 'ifModifiedSince'] as const;

/**
 * Why a Bundle entry's `request` keeps it out of the import, or undefined when it may be
 * taken: POST and PUT (or no `request`, as in collection and searchset Bundles) are taken.
 * DELETE and PATCH are refused, since chartlog never deletes or edits part of a record
 * blindly; GET and HEAD carry nothing to record; conditional requests are refused with
 * their own code, since whether they apply depends on a server's state this input does
 * not have.
 */
export function entryRequestRefusal(
  request: Json | undefined,
  source: FhirInputLocation,
): FhirInputItem | undefined {
  if (request === undefined) return undefined;
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return refusedItem('FHIR_INVALID_ENTRY', source, "the entry's request is not a JSON object", {
      element: 'Bundle.entry.request',
    });
  }
  const fields = request as JsonObject;
  const method = fields['method'];
  const url = fields['url'];
  const target = typeof url === 'string' ? url : '(no url)';
  const named = parseRequestUrl(request);
  const resource = named?.id === undefined ? undefined : `${named.type}/${named.id}`;
  const facts = { element: 'Bundle.entry.request.method', resource };
  switch (method) {
    case 'POST':
    case 'PUT':
      break;
    case 'DELETE':
      return refusedItem(
        'FHIR_UNSUPPORTED_METHOD',
        source,
        `DELETE ${target} is refused: chartlog never deletes; a resource leaves the record through its ` +
          'status (e.g. entered-in-error) or a retraction, and its history stays',
        facts,
      );
    case 'PATCH':
      return refusedItem(
        'FHIR_UNSUPPORTED_METHOD',
        source,
        `PATCH ${target} is refused: chartlog never deletes and never edits part of a resource it does not ` +
          'see; send the whole resource (PUT), or retire it through its status or a retraction',
        facts,
      );
    case 'GET':
    case 'HEAD':
      return refusedItem(
        'FHIR_UNSUPPORTED_METHOD',
        source,
        `${method} ${target} is a read: it carries nothing to import`,
        facts,
      );
    default:
      return refusedItem(
        'FHIR_INVALID_ENTRY',
        source,
        `request.method ${JSON.stringify(method ?? null)} is not a FHIR HTTP verb`,
        facts,
      );
  }
  const condition = CONDITIONAL_ELEMENTS.find((name) => fields[name] !== undefined);
  if (condition !== undefined || target.includes('?')) {
    const what = condition !== undefined ? `request.${condition}` : `the search in request.url ${target}`;
    return refusedItem(
      'FHIR_CONDITIONAL_REQUEST',
      source,
      `${method} ${target} is conditional (${what}): whether it creates, updates or does nothing depends ` +
        `on a server's state, which an import does not have; send the resource with its id instead`,
      {
        element: condition !== undefined ? `Bundle.entry.request.${condition}` : 'Bundle.entry.request.url',
        resource,
      },
    );
  }
  return undefined;
}

/** What a request URL names: `Patient` (a type) or `Patient/123` (a resource). */
export interface RequestTarget {
  readonly type: string;
  readonly id: string | undefined;
}

const TYPE = /^[A-Z][A-Za-z]*$/;
const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * The resource type and id an entry's `request.url` names, read against the type of the
 * entry's resource (`Patient`, `Patient/123`, `https://ehr.example/fhir/Patient/123`).
 * Undefined when it has no url or one import cannot read (a search, an operation, an
 * absolute URL whose path does not end in the resource's type or `Type/id`).
 *
 * @param resourceType - the entry's resource's type; without it, only `Type/id` endings are read.
 */
export function parseRequestUrl(request: Json | undefined, resourceType?: string): RequestTarget | undefined {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) return undefined;
  const url = (request as JsonObject)['url'];
  if (typeof url !== 'string' || url.includes('?')) return undefined;
  const steps = url
    .replace(ABSOLUTE, '')
    .split('/')
    .filter((step) => step !== '');
  const last = steps.at(-1);
  const before = steps.at(-2);
  if (last === undefined) return undefined;
  if (resourceType !== undefined && last === resourceType) return { type: resourceType, id: undefined };
  if (before !== undefined && before === (resourceType ?? before) && TYPE.test(before))
    return { type: before, id: last };
  // Only a relative URL is surely all type and id; an absolute one may end in a base path.
  if (ABSOLUTE.test(url) || steps.length > 2 || !TYPE.test(steps[0] as string)) return undefined;
  return { type: steps[0] as string, id: steps[1] };
}
