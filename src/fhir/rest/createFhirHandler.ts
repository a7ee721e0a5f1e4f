import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { StreamId } from '../../event/ids.js';
import { createSerialQueue } from '../../replica/serialQueue.js';
import { fhirFieldsOf } from '../fhirFields.js';
import { capabilityStatement } from './capabilityStatement.js';
import { handleBundleRequest } from './fhirBundleRequest.js';
import { fhirHistoryBundle, versionResource } from './fhirHistoryBundle.js';
import {
  checkJsonWanted,
  etagOf,
  httpDateOf,
  ifMatchVersion,
  preferredReturn,
  readJsonBody,
  sendFhirJson,
  sendRefusal,
} from './fhirHttp.js';
import { FhirRequestRefusal, operationOutcome, refusalOf } from './fhirRequestRefusal.js';
import type { FhirReplica, FhirRestContext } from './fhirRestContext.js';
import { heldStream, readHeldResource, readVersions, versionOf } from './fhirResourceReads.js';
import {
  checkResourceBody,
  commitRestWrites,
  prepareCreate,
  prepareUpdate,
  type RestWriteResult,
} from './fhirResourceWrites.js';
import { fhirRouteOf, type FhirRoute } from './fhirRoute.js';
import { readOperationParameters } from './operationParameters.js';
import { canRead, canWrite } from './fhirAccess.js';
import { createFhirAuthenticator } from './fhirAuthenticator.js';
import type { FhirClient } from './fhirClients.js';
import { searchParamsOf, searchResources, everything } from './fhirSearchRoutes.js';

/** Options of {@link createFhirHandler}. */
export interface FhirHandlerOptions {
  /** Who may call, with what scope and under which author their writes are recorded (peers.json `fhirClients`). */
  readonly clients: readonly FhirClient[];
  /** The path the API answers under. @defaultValue `'/fhir'` */
  readonly basePath?: string;
  /**
   * The API's absolute base URL as clients reach it, for `fullUrl`, `Location` and paging links.
   * @defaultValue from the request's `Host` header and whether it came over TLS, plus `basePath`
   */
  readonly publicBaseUrl?: string;
  /** Largest request body, in bytes: larger is refused with 413. @defaultValue `16 MiB` */
  readonly maxRequestBytes?: number;
  /** Most entries in a transaction or batch Bundle. @defaultValue `1000` */
  readonly maxBundleEntries?: number;
  /** A request body must arrive within this. @defaultValue `30_000` */
  readonly requestTimeoutMs?: number;
  /** Called with each server-side failure (a 5xx), for logging. @defaultValue none */
  readonly onError?: (error: unknown, req: IncomingMessage) => void;
  /** Makes the id of each created resource (`POST`, also in a Bundle), e.g. seeded for a reproducible demo. @defaultValue a random UUID */
  readonly newId?: () => string;
}

/** A node:http request handler; with `next` (Express) paths outside the base path are passed on instead of answered 404. */
export type FhirHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void;

/** {@link FhirHandlerOptions.basePath}'s default. */
export const DEFAULT_FHIR_BASE_PATH = '/fhir';

/**
 * Serves a replica's record as a FHIR R4 REST API (docs/architecture.md, "The FHIR REST API"): `GET metadata`, read,
 * vread and history (from the event log), search, `Patient/{id}/$everything` (GET or POST), create
 * (POST), update (PUT) and transaction/batch Bundles, writes recorded as events under the
 * calling client's author, exactly as the clinical commands record theirs. Works with no
 * other site reachable: that is its point.
 *
 * Versions: `meta.versionId` (and the `ETag`) names the event that last wrote a resource.
 * A PUT with `If-Match: W/"<versionId>"` writes what the body changes from that version,
 * superseding only what that version held, so a stale update becomes a concurrent write
 * (a conflict where both changed a safety-critical element), never a silent overwrite; a
 * PUT without `If-Match` of a held resource with safety-critical elements is refused (412).
 * Every refusal is an OperationOutcome with an issue code and, where an element is at
 * fault, its FHIRPath. Bearer tokens only (`clients`); `GET metadata` needs none.
 *
 * @example
 * ```ts
 * import { createFhirHandler } from 'chartlog/fhir';
 * const fhir = createFhirHandler(replica, {
 *   clients: checkFhirClients(
 *     [{ token, scope: 'read-write', author: { id: 'gp-app', role: 'clinician' } }],
 *     [],
 *   ).clients,
 * });
 * http.createServer(fhir).listen(8080);            // node:http: GET http://127.0.0.1:8080/fhir/Patient/p1
 * app.use(fhir);                                   // Express: other paths fall through
 * fastify.all('/fhir/*', (request, reply) => { reply.hijack(); fhir(request.raw, reply.raw); }); // Fastify
 * ```
 */
export function createFhirHandler(replica: FhirReplica, options: FhirHandlerOptions): FhirHandler {
  const basePath = (options.basePath ?? DEFAULT_FHIR_BASE_PATH).replace(/\/+$/, '');
  const limits = {
    maxBytes: options.maxRequestBytes ?? 16 * 1024 * 1024,
    timeoutMs: options.requestTimeoutMs ?? 30_000,
  };
  const maxEntries = options.maxBundleEntries ?? 1000;
  const serial = createSerialQueue();
  const authenticate = createFhirAuthenticator(options.clients);
  const started = new Date().toISOString();
  const isType = (type: string): boolean =>
    fhirFieldsOf(type) !== undefined && replica.chart.schema.field(type, 'meta') !== undefined;

  const baseOf = (req: IncomingMessage): string => {
    if (options.publicBaseUrl !== undefined) return options.publicBaseUrl.replace(/\/+$/, '');
    const tls = (req.socket as TLSSocket).encrypted === true;
    return `${tls ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}${basePath}`;
  };

  const handle = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    route: FhirRoute,
  ): Promise<void> => {
    const ctx: FhirRestContext = {
      replica,
      base: baseOf(req),
      serial,
      ...(options.newId !== undefined ? { newId: options.newId } : {}),
    };
    checkJsonWanted(req, url.searchParams);
    if (route.kind === 'metadata')
      return sendFhirJson(
        res,
        200,
        capabilityStatement(replica.chart.schema, {
          base: ctx.base,
          site: replica.site,
          searchParams: searchParamsOf,
          date: started,
        }),
      );
    const client = authenticate(req.headers.authorization);
    if (client === undefined)
      throw new FhirRequestRefusal(
        401,
        'login',
        "a valid bearer token is required (Authorization: Bearer <token>, as configured in the site's fhirClients)",
        { headers: { 'www-authenticate': 'Bearer realm="chartlog-fhir"' } },
      );
    const checkRead = (type: string, stream: StreamId | undefined): void => {
      if (!canRead(client.access, type, stream))
        throw new FhirRequestRefusal(
          403,
          'forbidden',
          `this client's scope does not allow reading ${type}${stream !== undefined ? ` on ${stream}` : ''}`,
        );
    };
    const checkWrite = (type: string, stream: StreamId): void => {
      if (!canWrite(client.access, type, stream))
        throw new FhirRequestRefusal(
          403,
          'forbidden',
          `this client's scope (${client.scope}) does not allow writing ${type} on ${stream}`,
        );
      // Unreachable for clients from checkFhirClients (a write scope needs an author), but a hand-built client may lack one.
      if (client.author === undefined)
        throw new FhirRequestRefusal(
          403,
          'forbidden',
          'this client has no author to record its writes under',
        );
    };
    const sendWritten = (result: RestWriteResult): void => {
      const { resource, versionId, lastUpdated, created } = result;
      const location = `${ctx.base}/${resource.resourceType}/${String(resource.id)}/_history/${versionId}`;
      // A client that may write but not read (SMART `.write` alone) gets no body back.
      const prefer = canRead(client.access, resource.resourceType, result.stream)
        ? preferredReturn(req)
        : 'minimal';
      const body =
        prefer === 'minimal'
          ? undefined
          : prefer === 'OperationOutcome'
            ? operationOutcome([
                {
                  severity: 'information',
                  code: 'informational',
                  diagnostics: created ? 'created' : 'updated',
                },
              ])
            : resource;
      sendFhirJson(res, created ? 201 : 200, body, {
        location,
        etag: etagOf(versionId),
        'last-modified': httpDateOf(lastUpdated),
      });
    };

    switch (route.kind) {
      case 'read': {
        const { stream, resource } = readHeldResource(ctx, route.type, route.id);
        checkRead(route.type, stream);
        const meta = resource.meta as { versionId: string; lastUpdated: string };
        return sendFhirJson(res, 200, resource, {
          etag: etagOf(meta.versionId),
          'last-modified': httpDateOf(meta.lastUpdated),
        });
      }
      case 'vread':
      case 'history': {
        const stream = heldStream(ctx, route.type, route.id);
        checkRead(route.type, stream);
        const versions = await readVersions(ctx, stream, route.type, route.id);
        if (route.kind === 'vread') {
          const version = versionOf(versions, route.type, route.id, route.versionId);
          return sendFhirJson(res, 200, versionResource(replica.chart.schema, version), {
            etag: etagOf(version.versionId),
            'last-modified': httpDateOf(version.event.hlc.slice(0, 24)),
          });
        }
        const count = countParam(url.searchParams.get('_count'), 100);
        const offset = countParam(url.searchParams.get('_offset'), 0);
        const pageUrl = (at: number): string =>
          `${ctx.base}/${route.type}/${route.id}/_history?_count=${count}&_offset=${at}`;
        return sendFhirJson(
          res,
          200,
          fhirHistoryBundle(replica.chart.schema, ctx.base, versions, {
            offset,
            count,
            selfUrl: pageUrl(offset),
            pageUrl,
          }),
        );
      }
      case 'search':
      case 'everything': {
        const params = !route.viaPost
          ? url.searchParams
          : route.kind === 'search'
            ? mergeParams(url.searchParams, (await readJsonBody(req, limits, true)) as URLSearchParams)
            : await readOperationParameters(req, url.searchParams, limits);
        const bundle =
          route.kind === 'search'
            ? searchResources(ctx, route.type, params, client.access, checkRead)
            : everything(ctx, route.id, params, client.access, checkRead);
        return sendFhirJson(res, 200, bundle);
      }
      case 'create': {
        if (req.headers['if-none-exist'] !== undefined)
          throw new FhirRequestRefusal(
            412,
            'not-supported',
            'conditional create (If-None-Exist) is not supported: search first, then create',
          );
        const given = checkResourceBody(await readJsonBody(req, limits), route.type, undefined);
        const [result] = await serial(async () => {
          const prepared = prepareCreate(ctx, given, client.author ?? { id: 'unknown' });
          checkWrite(prepared.type, prepared.stream);
          return commitRestWrites(ctx, [prepared]);
        });
        return sendWritten(result as RestWriteResult);
      }
      case 'update': {
        const ifMatch = ifMatchVersion(req);
        const given = checkResourceBody(await readJsonBody(req, limits), route.type, route.id);
        const [result] = await serial(async () => {
          const prepared = await prepareUpdate(ctx, given, client.author ?? { id: 'unknown' }, ifMatch);
          checkWrite(prepared.type, prepared.stream);
          return commitRestWrites(ctx, [prepared]);
        });
        return sendWritten(result as RestWriteResult);
      }
      case 'bundle': {
        const body = await readJsonBody(req, limits);
        return sendFhirJson(
          res,
          200,
          await handleBundleRequest(ctx, body, {
            author: client.author ?? { id: 'unknown' },
            maxEntries,
            checkWrite,
            show: (r) =>
              preferredReturn(req) !== 'minimal' && canRead(client.access, r.resource.resourceType, r.stream),
          }),
        );
      }
    }
  };

  return (req, res, next) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) {
      if (next !== undefined) return next();
      return sendRefusal(
        res,
        new FhirRequestRefusal(
          404,
          'not-found',
          `nothing is served at ${url.pathname}: the FHIR API is under ${basePath}`,
        ),
        true,
      );
    }
    let route: FhirRoute;
    try {
      route = fhirRouteOf(req.method ?? 'GET', url.pathname.slice(basePath.length), isType);
    } catch (error) {
      sendRefusal(res, refusalOf(error), true);
      req.resume();
      return;
    }
    handle(req, res, url, route).catch((error: unknown) => {
      const refusal = refusalOf(error);
      if (refusal.status >= 500) options.onError?.(error, req);
      if (res.writableEnded || res.destroyed) return;
      sendRefusal(res, refusal, !req.complete);
      req.resume();
    });
  };
}

/** A non-negative whole-number parameter, or `fallback` when absent. */
function countParam(raw: string | null, fallback: number): number {
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new FhirRequestRefusal(400, 'invalid', `${JSON.stringify(raw)} is not a whole number of 0 or more`);
  return Math.min(n, 1000);
}

/** A POST search's parameters: the URL's and the form body's together. */
function mergeParams(query: URLSearchParams, form: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams(query);
  for (const [k, v] of form) out.append(k, v);
  return out;
}
