import type { Schema } from '../../merge/schema.js';
import type { FhirResource } from '../fhirResource.js';
import { instantOfStamp, toFhirResource } from '../toFhirResource.js';
import type { ResourceVersion } from './resourceVersions.js';
import { etagOf } from './fhirHttp.js';

/** The FHIR resource a version holds, with its own `meta.versionId` and `lastUpdated`. */
export function versionResource(schema: Schema, version: ResourceVersion): FhirResource {
  return toFhirResource(schema, version.state, version.key);
}

/**
 * A `history` Bundle of one resource's versions, newest first (FHIR's order), each entry
 * with its `fullUrl`, the resource as it was, the `request` that made it (the first a
 * POST, the rest PUTs) and its `response` (status, ETag, time).
 *
 * @param versions - oldest first, as `resourceVersions` gives them.
 * @param page - which versions (newest-first offset and count) and the page links.
 */
export function fhirHistoryBundle(
  schema: Schema,
  base: string,
  versions: readonly ResourceVersion[],
  page: {
    readonly offset: number;
    readonly count: number;
    readonly selfUrl: string;
    readonly pageUrl: (offset: number) => string;
  },
): Record<string, unknown> {
  const newestFirst = [...versions].reverse();
  const shown = newestFirst.slice(page.offset, page.offset + page.count);
  const links: Record<string, string>[] = [{ relation: 'self', url: page.selfUrl }];
  if (page.offset + page.count < newestFirst.length)
    links.push({ relation: 'next', url: page.pageUrl(page.offset + page.count) });
  if (page.offset > 0)
    links.push({ relation: 'previous', url: page.pageUrl(Math.max(0, page.offset - page.count)) });
  return {
    resourceType: 'Bundle',
    type: 'history',
    total: versions.length,
    link: links,
    entry: shown.map((v) => {
      const resource = versionResource(schema, v);
      const first = v === versions[0];
      return {
        fullUrl: `${base}/${resource.resourceType}/${String(resource.id)}`,
        resource,
        request: {
          method: first ? 'POST' : 'PUT',
          url: first ? resource.resourceType : `${resource.resourceType}/${String(resource.id)}`,
        },
        response: {
          status: first ? '201 Created' : '200 OK',
          etag: etagOf(v.versionId),
          lastModified: instantOfStamp(v.event.hlc),
        },
      };
    }),
  };
}
