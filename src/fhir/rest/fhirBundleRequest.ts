import type { Author } from '../../event/chartEvent.js';
import type { StreamId } from '../../event/ids.js';
import { isPlainObject, type Json } from '../../event/json.js';
import { isFhirId } from '../isFhirId.js';
import type { FhirResource } from '../fhirResource.js';
import { FhirRequestRefusal, refusalOf, operationOutcome } from './fhirRequestRefusal.js';
import type { FhirRestContext } from './fhirRestContext.js';
import {
  checkResourceBody,
  commitRestWrites,
  newResourceId,
  prepareCreate,
  prepareUpdate,
  type PreparedRestWrite,
  type RestWriteResult,
} from './fhirResourceWrites.js';
import { etagOf, versionOfETag } from './fhirHttp.js';

/** Limits and checks of {@link handleBundleRequest}. */
export interface BundleRequestOptions {
  /** Who the writes are recorded under. */
  readonly author: Author;
  /** Most entries in one Bundle. */
  readonly maxEntries: number;
  /** Throws a FhirRequestRefusal when the client may not write this resource (type, the stream it goes on). */
  readonly checkWrite: (type: string, stream: StreamId) => void;
  /**
   * Whether an entry of the response shows the resource written (not with `Prefer: return=minimal`, nor to a
   * client that may not read it).
   */
  readonly show: (result: RestWriteResult) => boolean;
}

/** One entry of a transaction or batch, checked. */
interface BundleWrite {
  readonly index: number;
  readonly method: 'POST' | 'PUT';
  readonly resource: FhirResource;
  readonly ifMatch: string | undefined;
}

/**
 * `POST [base]` with a `transaction` or `batch` Bundle of creates (POST) and updates (PUT):
 * a transaction is recorded all or nothing (one event per entry, appended in one store
 * transaction); a batch entry by entry, each answered with its own status. `urn:uuid:`
 * `fullUrl`s of POSTed entries become the new resources' `<Type>/<id>`, and references to
 * them anywhere in the Bundle are rewritten. Each entry's `request.ifMatch` works as the
 * `If-Match` of a PUT.
 *
 * @throws FhirRequestRefusal 400 for a body that is not such a Bundle, an entry that is not a POST
 *   or PUT of a resource (DELETE, PATCH, GET and conditional requests are not supported),
 *   two entries writing one resource, or (in a transaction) any entry refused, saying which.
 */
export async function handleBundleRequest(
  ctx: FhirRestContext,
  body: unknown,
  options: BundleRequestOptions,
): Promise<Record<string, unknown>> {
  if (!isPlainObject(body) || body['resourceType'] !== 'Bundle')
    throw new FhirRequestRefusal(
      400,
      'invalid',
      'POST to the base takes a Bundle of type transaction or batch',
    );
  const kind = body['type'];
  if (kind !== 'transaction' && kind !== 'batch')
    throw new FhirRequestRefusal(
      400,
      'not-supported',
      `a Bundle of type ${JSON.stringify(kind)} cannot be POSTed to the base: send a transaction or batch ` +
        '(a collection is imported with chartlog import-fhir)',
      { expression: ['Bundle.type'] },
    );
  const entries = body['entry'] ?? [];
  if (!Array.isArray(entries))
    throw new FhirRequestRefusal(400, 'structure', 'Bundle.entry must be an array', {
      expression: ['Bundle.entry'],
    });
  if (entries.length > options.maxEntries)
    throw new FhirRequestRefusal(
      413,
      'too-costly',
      `the Bundle has ${entries.length} entries; this server takes at most ${options.maxEntries} in one`,
      { expression: ['Bundle.entry'] },
    );
  const writes = entries.map((entry: unknown, index) => checkEntry(entry, index));
  // New ids first, so references between entries can be rewritten before anything is prepared.
  const assigned = new Map<string, string>();
  const resources = writes.map(
    (w) => (w.method === 'POST' ? { ...w.resource, id: newResourceId(ctx) } : w.resource) as FhirResource,
  );
  writes.forEach((w, i) => {
    const fullUrl = (entries[i] as Record<string, unknown>)['fullUrl'];
    if (w.method === 'POST' && typeof fullUrl === 'string')
      assigned.set(fullUrl, `${w.resource.resourceType}/${String(resources[i]?.id)}`);
  });
  const unresolved: string[] = [];
  const rewritten = resources.map(
    (r) => rewriteReferences(r as unknown as Json, assigned, unresolved) as unknown as FhirResource,
  );
  if (unresolved.length > 0) {
    const named = unresolved.slice(0, 3).join(', ') + (unresolved.length > 3 ? ' …' : '');
    throw new FhirRequestRefusal(
      400,
      'invalid',
      `the Bundle references ${named}, which no POSTed entry's fullUrl names`,
      { expression: ['Bundle.entry'] },
    );
  }
  const seen = new Map<string, number>();
  rewritten.forEach((r, i) => {
    const key = `${r.resourceType}/${String(r.id)}`;
    const before = seen.get(key);
    if (before !== undefined)
      throw new FhirRequestRefusal(
        400,
        'invalid',
        `entries ${before} and ${i} both write ${key}: a Bundle may write a resource once`,
        { expression: [`Bundle.entry[${i}]`] },
      );
    seen.set(key, i);
  });

  const prepare = async (i: number): Promise<PreparedRestWrite> => {
    const w = writes[i] as BundleWrite;
    const resource = rewritten[i] as FhirResource;
    const prepared =
      w.method === 'POST'
        ? prepareCreate(ctx, resource, options.author, String(resource.id))
        : await prepareUpdate(ctx, resource, options.author, w.ifMatch);
    options.checkWrite(prepared.type, prepared.stream);
    return prepared;
  };
  const entryOf = (result: RestWriteResult): Record<string, unknown> => {
    const { resource, versionId, lastUpdated, created } = result;
    const response = {
      status: created ? '201 Created' : '200 OK',
      location: `${resource.resourceType}/${String(resource.id)}/_history/${versionId}`,
      etag: etagOf(versionId),
      lastModified: lastUpdated,
    };
    return {
      ...(!options.show(result)
        ? {}
        : { fullUrl: `${ctx.base}/${resource.resourceType}/${String(resource.id)}`, resource }),
      response,
    };
  };

  if (kind === 'transaction') {
    const results = await ctx.serial(async () => {
      const prepared: PreparedRestWrite[] = [];
      for (let i = 0; i < writes.length; i++) {
        try {
          prepared.push(await prepare(i));
        } catch (error) {
          throw inEntry(refusalOf(error), i);
        }
      }
      return commitRestWrites(ctx, prepared);
    });
    return { resourceType: 'Bundle', type: 'transaction-response', entry: results.map(entryOf) };
  }
  const answers: Record<string, unknown>[] = [];
  for (let i = 0; i < writes.length; i++) {
    try {
      const [result] = await ctx.serial(async () => commitRestWrites(ctx, [await prepare(i)]));
      answers.push(entryOf(result as RestWriteResult));
    } catch (error) {
      const refusal = refusalOf(error);
      answers.push({
        response: { status: String(refusal.status), outcome: operationOutcome(refusal.outcomeIssues) },
      });
    }
  }
  return { resourceType: 'Bundle', type: 'batch-response', entry: answers };
}

function checkEntry(entry: unknown, index: number): BundleWrite {
  const at = `Bundle.entry[${index}]`;
  const refuse = (message: string, where = at, code: 'invalid' | 'not-supported' = 'invalid'): never => {
    throw new FhirRequestRefusal(400, code, `entry ${index}: ${message}`, { expression: [where] });
  };
  if (!isPlainObject(entry)) return refuse('must be an object');
  const request = entry['request'];
  if (!isPlainObject(request)) return refuse('has no request (method and url)', `${at}.request`);
  const method = request['method'];
  if (method !== 'POST' && method !== 'PUT')
    return refuse(
      `${JSON.stringify(method)} is not supported in a Bundle here: only POST (create) and PUT (update)` +
        (method === 'DELETE' ? '; the record is append-only' : ''),
      `${at}.request.method`,
      'not-supported',
    );
  for (const conditional of ['ifNoneExist', 'ifNoneMatch', 'ifModifiedSince'])
    if (request[conditional] !== undefined)
      refuse(
        `conditional requests (${conditional}) are not supported`,
        `${at}.request.${conditional}`,
        'not-supported',
      );
  const url = request['url'];
  const type = isPlainObject(entry['resource']) ? entry['resource']['resourceType'] : undefined;
  if (typeof type !== 'string') return refuse('has no resource', `${at}.resource`);
  let id: string | undefined;
  if (method === 'POST') {
    if (url !== type)
      refuse(
        `request.url ${JSON.stringify(url)} must be the resource's type ${type} for a POST (conditional and search URLs are not supported)`,
        `${at}.request.url`,
      );
  } else {
    const m = typeof url === 'string' ? /^([A-Za-z]+)\/([^/?]+)$/.exec(url) : null;
    if (m === null || m[1] !== type || !isFhirId(m[2]))
      return refuse(
        `request.url ${JSON.stringify(url)} must be ${type}/<id> for a PUT (conditional updates are not supported)`,
        `${at}.request.url`,
      );
    id = m[2];
  }
  let resource: FhirResource;
  try {
    resource = checkResourceBody(entry['resource'], type, id);
  } catch (error) {
    throw inEntry(refusalOf(error), index);
  }
  const ifMatchRaw = request['ifMatch'];
  let ifMatch: string | undefined;
  if (ifMatchRaw !== undefined) {
    ifMatch = typeof ifMatchRaw === 'string' ? versionOfETag(ifMatchRaw) : undefined;
    if (ifMatch === undefined)
      return refuse(
        `request.ifMatch ${JSON.stringify(ifMatchRaw)} names no version: W/"<versionId>"`,
        `${at}.request.ifMatch`,
      );
  }
  return { index, method, resource, ifMatch };
}

/** `value` with every `reference` naming a key of `assigned` replaced by its value; `urn:` references naming none go to `unresolved`. */
function rewriteReferences(value: Json, assigned: ReadonlyMap<string, string>, unresolved: string[]): Json {
  if (Array.isArray(value)) return value.map((v) => rewriteReferences(v, assigned, unresolved));
  if (!isPlainObject(value)) return value;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'reference' && typeof v === 'string') {
      const to = assigned.get(v);
      if (to === undefined && v.startsWith('urn:')) unresolved.push(v);
      out[k] = to ?? v;
    } else out[k] = rewriteReferences(v, assigned, unresolved);
  }
  return out;
}

/** A refusal of one entry of a Bundle, saying which. */
function inEntry(refusal: FhirRequestRefusal, index: number): FhirRequestRefusal {
  return new FhirRequestRefusal(
    refusal.status,
    refusal.outcomeIssues[0]?.code ?? 'invalid',
    `entry ${index}: ${refusal.message}`,
    {
      issues: refusal.outcomeIssues.map((i) => ({
        ...i,
        diagnostics: i.diagnostics.startsWith(`entry ${index}`)
          ? i.diagnostics
          : `entry ${index}: ${i.diagnostics}`,
      })),
      headers: refusal.headers,
    },
  );
}
