import { randomUUID } from 'node:crypto';
import type { ResourceState } from '../../chart/streamState.js';
import type { Author } from '../../event/chartEvent.js';
import type { EventDraft } from '../../event/eventWriter.js';
import type { StreamId } from '../../event/ids.js';
import { isPlainObject } from '../../event/json.js';
import type { FhirResource } from '../fhirResource.js';
import { fhirStreamOf } from '../fhirStreamOf.js';
import { prepareFhirWrite } from '../prepareFhirWrite.js';
import { readFhirResource } from '../readFhirResource.js';
import { versionIdOf } from '../toFhirResource.js';
import { FhirRequestRefusal } from './fhirRequestRefusal.js';
import type { FhirRestContext } from './fhirRestContext.js';
import { readVersions } from './fhirResourceReads.js';
import { locateResource } from './locateResource.js';
import { safetyCriticalElements } from './safetyCriticalElements.js';

/** A create or update, checked and turned into its event (or none, when it changes nothing). */
export interface PreparedRestWrite {
  readonly type: string;
  readonly id: string;
  readonly stream: StreamId;
  /** The event to record; undefined when the record already holds the resource as given. */
  readonly draft: EventDraft | undefined;
  /** True when the record did not hold the resource (201 Created). */
  readonly created: boolean;
}

/** What a write did, as the response reports it. */
export interface RestWriteResult {
  readonly created: boolean;
  /** The record it is on. */
  readonly stream: StreamId;
  /** The resource as the record holds it after the write. */
  readonly resource: FhirResource;
  readonly versionId: string;
  readonly lastUpdated: string;
}

/**
 * Checks a request body is a resource of `type` (and, for an update, has the URL's id).
 * @throws FhirRequestRefusal 400 `invalid` naming what is wrong.
 */
export function checkResourceBody(body: unknown, type: string, id: string | undefined): FhirResource {
  if (!isPlainObject(body))
    throw new FhirRequestRefusal(400, 'structure', 'the body must be a FHIR resource (a JSON object)');
  if (body['resourceType'] !== type)
    throw new FhirRequestRefusal(
      400,
      'invalid',
      `the body is ${JSON.stringify(body['resourceType'])}, not a ${type} as the URL says`,
      { expression: ['resourceType'] },
    );
  if (id !== undefined && body['id'] !== id)
    throw new FhirRequestRefusal(
      400,
      'invalid',
      `the body's id ${JSON.stringify(body['id'])} is not the URL's id ${id} (an update must carry the id it updates)`,
      { expression: [`${type}.id`] },
    );
  return body as unknown as FhirResource;
}

/** The id of a resource created by POST: `ctx.newId()` when the handler was given one, else a random UUID. */
export function newResourceId(ctx: FhirRestContext): string {
  return (ctx.newId ?? randomUUID)();
}

/**
 * Prepares `POST [base]/<type>`: the resource under a new id (`ctx.newId`, else a random UUID:
 * an id in the body is ignored, as FHIR says), on the record its compartment names.
 */
export function prepareCreate(
  ctx: FhirRestContext,
  given: FhirResource,
  author: Author,
  id: string = newResourceId(ctx),
): PreparedRestWrite {
  const resource = { ...given, id } as FhirResource;
  const stream = fhirStreamOf(resource);
  const draft = prepareFhirWrite(ctx.replica.chart, resource, { author, stream });
  return { type: resource.resourceType, id, stream, draft, created: true };
}

/**
 * Prepares `PUT [base]/<type>/<id>` (update, or create under the client's id). With
 * `ifMatch` (the `versionId` of `If-Match: W/"…"`), the writes are what the body changes
 * from that version, superseding what that version held: a version older than the current
 * one makes the change concurrent with everything written since (a conflict where both
 * changed a modifier element), never an overwrite of what the app did not see.
 *
 * @throws FhirRequestRefusal 412 `business-rule` for an update without `If-Match` of a resource
 *   with safety-critical elements ({@link safetyCriticalElements}); 412 `conflict` for an
 *   `If-Match` naming no version of the resource; ChartlogError `INVALID_COMMAND` for a
 *   body the record cannot hold (see `prepareFhirWrite`).
 */
export async function prepareUpdate(
  ctx: FhirRestContext,
  given: FhirResource,
  author: Author,
  ifMatch: string | undefined,
): Promise<PreparedRestWrite> {
  const view = ctx.replica.chart;
  const type = given.resourceType;
  const id = given.id as string;
  const key = `${type}/${id}`;
  const stream = locateResource(view, type, id) ?? fhirStreamOf(given);
  const current = view.resource(stream, key);
  let seen: ResourceState | undefined;
  if (current === undefined) {
    if (ifMatch !== undefined)
      throw new FhirRequestRefusal(
        412,
        'conflict',
        `If-Match names version ${ifMatch} of ${key}, but this site's record holds no ${key}`,
        { expression: [type] },
      );
  } else if (ifMatch === undefined) {
    const critical = safetyCriticalElements(view.schema, type);
    if (critical.length > 0) {
      throw new FhirRequestRefusal(
        412,
        'business-rule',
        `an update of ${type} must say which version it was based on: send If-Match: W/"<meta.versionId of ` +
          `the version you read>" (${type} has safety-critical elements: ${critical.join(', ')})`,
        { expression: critical.map((e) => `${type}.${e}`) },
      );
    }
  } else {
    const now = view.lastWrite(stream, key);
    if (now === undefined || versionIdOf(now) !== ifMatch) {
      const versions = await readVersions(ctx, stream, type, id);
      const version = versions.find((v) => v.versionId === ifMatch);
      if (version === undefined)
        throw new FhirRequestRefusal(
          412,
          'conflict',
          `If-Match names version ${ifMatch}, which is not a version of ${key} on this site's record (GET ${key}/_history lists them)`,
        );
      seen = version.state;
    }
  }
  const draft = prepareFhirWrite(view, given, { author, stream, ...(seen !== undefined ? { seen } : {}) });
  return { type, id, stream, draft, created: current === undefined };
}

/**
 * Records prepared writes atomically (one event each; none when nothing changed) and
 * reads back each resource as the record now holds it.
 */
export async function commitRestWrites(
  ctx: FhirRestContext,
  writes: readonly PreparedRestWrite[],
): Promise<RestWriteResult[]> {
  const drafts = writes.flatMap((w) => (w.draft !== undefined ? [w.draft] : []));
  if (drafts.length === 1) await ctx.replica.record(drafts[0] as EventDraft);
  else if (drafts.length > 1) await ctx.replica.recordAll(drafts);
  return writes.map((w) => {
    const view = ctx.replica.chart;
    const key = `${w.type}/${w.id}`;
    const resource = readFhirResource(view, w.stream, key);
    const last = view.lastWrite(w.stream, key);
    if (resource === undefined || last === undefined)
      throw new Error(`${key} was recorded but cannot be read back from ${w.stream}`);
    const meta = resource.meta as { versionId: string; lastUpdated: string };
    return {
      created: w.created,
      stream: w.stream,
      resource,
      versionId: meta.versionId,
      lastUpdated: meta.lastUpdated,
    };
  });
}
