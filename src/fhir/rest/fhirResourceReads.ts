import type { StreamId } from '../../event/ids.js';
import type { FhirResource } from '../fhirResource.js';
import { readFhirResource } from '../readFhirResource.js';
import { FhirRequestRefusal } from './fhirRequestRefusal.js';
import type { FhirRestContext } from './fhirRestContext.js';
import { locateResource } from './locateResource.js';
import { resourceVersions, type ResourceVersion } from './resourceVersions.js';

/** A resource the record holds now, with the stream it is on. */
export interface HeldResource {
  readonly stream: StreamId;
  readonly resource: FhirResource;
}

/**
 * `GET [base]/<type>/<id>`: the resource as the record holds it now.
 * @throws FhirRequestRefusal 404 `not-found` when the record holds no such resource.
 */
export function readHeldResource(ctx: FhirRestContext, type: string, id: string): HeldResource {
  const stream = heldStream(ctx, type, id);
  const resource = readFhirResource(ctx.replica.chart, stream, `${type}/${id}`);
  if (resource === undefined) throw notHeld(type, id);
  return { stream, resource };
}

/**
 * The stream holding `<type>/<id>`, from the resource-key index, without reading the
 * resource (history and vread read its events instead).
 * @throws FhirRequestRefusal 404 `not-found` when the record holds no such resource.
 */
export function heldStream(ctx: FhirRestContext, type: string, id: string): StreamId {
  const stream = locateResource(ctx.replica.chart, type, id);
  if (stream === undefined) throw notHeld(type, id);
  return stream;
}

function notHeld(type: string, id: string): FhirRequestRefusal {
  return new FhirRequestRefusal(
    404,
    'not-found',
    `${type}/${id} is not on this site's record (if another site recorded it, it arrives when the sites next sync)`,
  );
}

/** Every version of a resource the record holds, oldest first, from its stream's events. */
export async function readVersions(
  ctx: FhirRestContext,
  stream: StreamId,
  type: string,
  id: string,
): Promise<ResourceVersion[]> {
  const events = await ctx.replica.store.readStream(stream);
  return resourceVersions(ctx.replica.chart.schema, stream, `${type}/${id}`, events);
}

/**
 * The version `versionId` of a resource.
 * @throws FhirRequestRefusal 404 `not-found` when the resource has no such version.
 */
export function versionOf(
  versions: readonly ResourceVersion[],
  type: string,
  id: string,
  versionId: string,
): ResourceVersion {
  const found = versions.find((v) => v.versionId === versionId);
  if (found === undefined)
    throw new FhirRequestRefusal(
      404,
      'not-found',
      `${type}/${id} has no version ${versionId} on this site's record (GET ${type}/${id}/_history lists its versions)`,
    );
  return found;
}
