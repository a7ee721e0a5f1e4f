import { R4_VERSION } from '../r4/r4Definitions.generated.js';
import { r4ResourceTypes } from '../fhirFields.js';
import { safetyCriticalElements } from './safetyCriticalElements.js';
import type { Schema } from '../../merge/schema.js';

/** A search parameter as the CapabilityStatement lists it. */
export interface CapabilitySearchParam {
  readonly name: string;
  readonly type: 'token' | 'date' | 'reference' | 'string' | 'number' | 'quantity' | 'uri';
  /** The R4 SearchParameter's id when it is not `<Type>-<name>` (e.g. `clinical-patient`). */
  readonly id?: string;
  readonly documentation?: string;
}

/** What {@link capabilityStatement} describes. */
export interface CapabilityOptions {
  /** The API's absolute base URL. */
  readonly base: string;
  /** The site served. */
  readonly site: string;
  /** The search parameters supported for a type (besides `_count`, `_sort` and paging). */
  readonly searchParams: (type: string) => readonly CapabilitySearchParam[];
  /** When the server started (the statement's `date`). */
  readonly date: string;
}

/**
 * The server's R4 CapabilityStatement (`GET [base]/metadata`), saying what it does and no
 * more: JSON only; every R4 resource type the schema holds with read, vread,
 * history-instance, create, update and search-type; versioned updates whose `If-Match`
 * makes a stale write concurrent rather than refused; no delete, patch or conditional
 * interactions; transaction and batch; `Patient/$everything`; bearer tokens from the
 * site's configuration (no OAuth endpoints).
 */
export function capabilityStatement(schema: Schema, options: CapabilityOptions): Record<string, unknown> {
  const resources = r4ResourceTypes()
    .filter((type) => schema.field(type, 'meta') !== undefined)
    .map((type) => {
      const critical = safetyCriticalElements(schema, type);
      return {
        type,
        profile: `http://hl7.org/fhir/StructureDefinition/${type}`,
        ...(critical.length > 0
          ? {
              documentation:
                `An update (PUT) of a ${type} the record holds must carry If-Match: its safety-critical elements ` +
                `(${critical.join(', ')}) keep concurrent changes side by side as a conflict.`,
            }
          : {}),
        interaction: ['read', 'vread', 'update', 'history-instance', 'create', 'search-type'].map((code) => ({
          code,
        })),
        versioning: 'versioned-update',
        readHistory: true,
        updateCreate: true,
        conditionalCreate: false,
        conditionalRead: 'not-supported',
        conditionalUpdate: false,
        conditionalDelete: 'not-supported',
        searchParam: (
          [
            { name: '_id', type: 'token' },
            { name: '_lastUpdated', type: 'date' },
            ...options.searchParams(type).filter((p) => p.name !== '_id' && p.name !== '_lastUpdated'),
          ] as CapabilitySearchParam[]
        ).map((p) => ({
          name: p.name,
          definition: `http://hl7.org/fhir/SearchParameter/${searchParameterIdOf(type, p)}`,
          type: p.type,
          ...(p.documentation !== undefined ? { documentation: p.documentation } : {}),
        })),
        ...(type === 'Patient'
          ? {
              operation: [
                {
                  name: 'everything',
                  definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything',
                },
              ],
            }
          : {}),
      };
    });
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: options.date,
    publisher: 'chartlog',
    kind: 'instance',
    software: { name: 'chartlog' },
    implementation: {
      description: `chartlog replica of site ${options.site}: the whole record, held locally, served while other sites are unreachable`,
      url: options.base,
    },
    fhirVersion: R4_VERSION,
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        documentation:
          'Every site holds the whole record and serves it on its own; writes made at different sites merge ' +
          'when they reconnect. meta.versionId names the event that last wrote a resource (<site>.<seq>). An ' +
          'update with If-Match naming an older version is recorded as concurrent with what was written since: ' +
          'where both changed a safety-critical element the resource shows a conflict (meta.tag ' +
          'merge-state|provisional and a concurrent-values extension) until a clinician resolves it. The ' +
          'record is append-only: no DELETE or PATCH. Search pages link to each other with cursors (_after, ' +
          '_before) naming the last resource shown, so turning pages while the record changes neither repeats ' +
          'nor skips a resource.',
        security: {
          cors: false,
          description:
            'Authorization: Bearer <token>. Tokens and their scopes (read, read-write, or SMART v1 scopes such ' +
            "as patient/*.read for one patient) are configured per client in the site's peers file " +
            "(fhirClients); writes are recorded under the client's author. No OAuth endpoints.",
        },
        resource: resources,
        interaction: [{ code: 'transaction' }, { code: 'batch' }],
      },
    ],
  };
}

/** The id of the R4 SearchParameter a parameter is: `Resource-<name>` for the common `_` ones, else its own. */
function searchParameterIdOf(type: string, p: CapabilitySearchParam): string {
  return p.name.startsWith('_') ? `Resource-${p.name.slice(1)}` : (p.id ?? `${type}-${p.name}`);
}
