import { isFhirId } from '../isFhirId.js';
import { FhirRequestRefusal } from './fhirRequestRefusal.js';

/** What a request to the FHIR API asks for, from its method and path (below the base path). */
export type FhirRoute =
  | { readonly kind: 'metadata' }
  | { readonly kind: 'bundle' }
  | { readonly kind: 'search'; readonly type: string; readonly viaPost: boolean }
  | { readonly kind: 'create'; readonly type: string }
  | { readonly kind: 'read'; readonly type: string; readonly id: string }
  | { readonly kind: 'update'; readonly type: string; readonly id: string }
  | { readonly kind: 'history'; readonly type: string; readonly id: string }
  | { readonly kind: 'vread'; readonly type: string; readonly id: string; readonly versionId: string }
  | { readonly kind: 'everything'; readonly id: string; readonly viaPost: boolean };

const TYPE = /^[A-Z][A-Za-z]{1,63}$/;

/**
 * The route of `method` on `path` (the part after the base path, e.g. `/Patient/p1/_history`),
 * checking the type against `isType` and ids against FHIR's id rule.
 *
 * @throws FhirRequestRefusal 404 `not-found` for a path the API does not have or a type it does not
 *   hold; 405 `not-supported` (with `Allow`) for a method the path does not take, among them
 *   DELETE and PATCH (a clinical record is append-only: a mistake is corrected or entered in
 *   error, never erased); 400 `invalid` for an id or version id that is not a FHIR id.
 */
export function fhirRouteOf(method: string, path: string, isType: (type: string) => boolean): FhirRoute {
  const parts = path.split('/').filter((p) => p !== '');
  const decoded = parts.map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      throw new FhirRequestRefusal(
        400,
        'invalid',
        `the path segment ${JSON.stringify(p)} is not valid percent-encoding`,
      );
    }
  });
  const allow = (methods: string, route: () => FhirRoute): FhirRoute => {
    if (methods.split(', ').includes(method)) return route();
    const not =
      method === 'DELETE'
        ? ': the record is append-only (correct a resource with PUT, or set its status to entered-in-error)'
        : method === 'PATCH'
          ? ': send the whole resource with PUT'
          : '';
    throw new FhirRequestRefusal(
      405,
      'not-supported',
      `${method} is not supported on ${path || '/'}${not}; allowed: ${methods}`,
      { headers: { allow: methods } },
    );
  };
  const [first, second, third, fourth, ...rest] = decoded;
  if (first === undefined) return allow('POST', () => ({ kind: 'bundle' }));
  if (first === 'metadata' && second === undefined) return allow('GET', () => ({ kind: 'metadata' }));
  if (!TYPE.test(first) || !isType(first))
    throw new FhirRequestRefusal(
      404,
      'not-found',
      `${first} is not a resource type this server holds (GET metadata lists them)`,
    );
  const type = first;
  if (second === undefined)
    return allow('GET, POST', () =>
      method === 'GET' ? { kind: 'search', type, viaPost: false } : { kind: 'create', type },
    );
  if (second === '_search' && third === undefined)
    return allow('POST', () => ({ kind: 'search', type, viaPost: true }));
  const id = checkId(second, `${type} id`);
  if (third === undefined)
    return allow('GET, PUT', () =>
      method === 'GET' ? { kind: 'read', type, id } : { kind: 'update', type, id },
    );
  if (third === '$everything' && type === 'Patient' && fourth === undefined)
    return allow('GET, POST', () => ({ kind: 'everything', id, viaPost: method === 'POST' }));
  if (third === '_history' && rest.length === 0) {
    if (fourth === undefined) return allow('GET', () => ({ kind: 'history', type, id }));
    const versionId = checkId(fourth, 'version id');
    return allow('GET', () => ({ kind: 'vread', type, id, versionId }));
  }
  throw new FhirRequestRefusal(
    404,
    'not-found',
    `this server has no endpoint ${path} (GET metadata lists what it supports)`,
  );
}

function checkId(value: string, what: string): string {
  if (!isFhirId(value))
    throw new FhirRequestRefusal(
      400,
      'invalid',
      `${JSON.stringify(value)} is not a valid ${what} (FHIR ids are 1-64 of A-Z a-z 0-9 - .)`,
    );
  return value;
}
