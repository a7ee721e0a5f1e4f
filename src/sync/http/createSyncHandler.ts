import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Chart } from '../../chart/chart.js';
import { ChartlogError, isChartlogError } from '../../error/chartlogError.js';
import { forkSummaryOf, type ForkSummary } from '../../replica/forkMarker.js';
import type { IngestReport } from '../ingestReport.js';
import type { Keyring } from '../../replica/keyring.js';
import type { Replica } from '../../replica/replica.js';
import type { SyncOptions } from '../generateSyncMessage.js';
import { restrictVectors } from '../restrictVectors.js';
import { SYNC_PROTOCOL_VERSION, type SyncMessage } from '../syncMessage.js';
import { sendHttpError, sendThrown } from './httpError.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_LINE_BYTES, readNdjsonBatches } from './ndjsonLines.js';
import { createPeerAuthenticator, type PeerAuthOptions } from './peerAuth.js';
import { createPeerConcurrency, DEFAULT_MAX_CONCURRENT_PER_PEER } from './peerConcurrency.js';
import { createPeerSessions } from './peerSessions.js';
import { writeSyncResponse } from './writeSyncResponse.js';
import { addRefusedLines, readSyncMessage } from './syncMessageNdjson.js';

/** The default sync endpoint path. */
export const DEFAULT_SYNC_PATH = '/chartlog/sync';
/** Forks the status endpoint lists (it counts them all). */
export const STATUS_FORK_EXAMPLES = 5;

/** The status answer's `forks` member: none when no fork is quarantined. */
function forksOf(replica: HttpSyncReplica): { forks?: { count: number; examples: ForkSummary[] } } {
  const forks = replica.forks?.() ?? [];
  return forks.length === 0
    ? {}
    : { forks: { count: forks.length, examples: forks.slice(0, STATUS_FORK_EXAMPLES).map(forkSummaryOf) } };
}

/** The default status endpoint path. */
export const DEFAULT_STATUS_PATH = '/chartlog/status';
/** The request header naming the client's sync session (one per {@link syncOverHttp} run). */
export const SESSION_HEADER = 'chartlog-session';

/**
 * What the handler needs of a replica ({@link Replica} is one); with a `chart`, the status
 * endpoint also reports its state hash; with a `keyring`, peers' vectors are kept only for
 * sites it trusts or holds (see {@link restrictVectors}).
 */
export type HttpSyncReplica = Pick<
  Replica,
  'site' | 'generateSyncMessage' | 'receiveSyncMessage' | 'versionVector'
> & {
  readonly status?: Replica['status'];
  readonly recovery?: Replica['recovery'];
  readonly forks?: Replica['forks'];
  readonly chart?: Pick<Chart, 'hash'>;
  readonly keyring?: Pick<Keyring, 'has'>;
};

/** Options for {@link createSyncHandler}: who may call (`peers` or `verify`), and limits. */
export type SyncHandlerOptions = PeerAuthOptions & {
  /** The sync endpoint (POST). @defaultValue `'/chartlog/sync'` */
  readonly path?: string;
  /** The status endpoint (GET), or `false` for none. @defaultValue `'/chartlog/status'` */
  readonly statusPath?: string | false;
  /** Largest request body, in bytes: larger is refused with 413 `SYNC_TOO_LARGE`. @defaultValue `64 MiB` */
  readonly maxRequestBytes?: number;
  /** Largest line (one event) of a request body: longer is refused with 413. @defaultValue `2 MiB` */
  readonly maxLineBytes?: number;
  /**
   * Reading the request body, and separately writing the response, must each finish within this (else 408
   * `SYNC_TIMEOUT` / the connection is cut).
   * @defaultValue `30_000`
   */
  readonly requestTimeoutMs?: number;
  /** Bounds of the replies (events and bytes per message). @defaultValue the protocol's (8,000 events, 32 MiB) */
  readonly sync?: SyncOptions;
  /**
   * Most event lines in one request's message: more is refused with 413 (lines that cannot be events are only
   * counted).
   * @defaultValue `10_000`
   */
  readonly maxMessageEvents?: number;
  /** Most sites a request's `vector` or `known` may name: more is refused with 413. @defaultValue `10_000` */
  readonly maxVectorSites?: number;
  /** Refusals the response trailer lists as examples (all are counted, per code). @defaultValue `20` */
  readonly maxRefusalExamples?: number;
  /**
   * Most sync sessions held in memory (least recently used dropped; a dropped one only costs its peer a round
   * trip).
   * @defaultValue `1000`
   */
  readonly maxSessions?: number;
  /** Most sync sessions held per peer (per token): its own least recently used is dropped, never another peer's. @defaultValue `16` */
  readonly maxSessionsPerPeer?: number;
  /** Most requests in progress per peer: one more is answered 429 `SYNC_BUSY` with `Retry-After`. @defaultValue `4` */
  readonly maxConcurrentPerPeer?: number;
  /** The `Retry-After` of a 429, in seconds. @defaultValue `1` */
  readonly busyRetryAfterSeconds?: number;
  /** Called with each server-side failure (a 5xx), for logging. @defaultValue none */
  readonly onError?: (error: unknown, req: IncomingMessage) => void;
};

/** A node:http request handler; with `next` (Express) unknown paths are passed on instead of answered 404. */
export type SyncHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void;

const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/ndjson']);

/**
 * Serves a replica's sync over HTTP (docs/architecture.md, "Replication"). `POST {path}` takes one sync message
 * as NDJSON (a header line, then one event per line; an empty body means "nothing to
 * say") and answers with the replica's next message the same way, followed by a trailer
 * line `{"end":true,"events":n,"ingest":{…}}`: one request is one round, so a client
 * ({@link syncOverHttp}) loops until neither side has anything to say. `GET {statusPath}`
 * answers `{ site, protocol, status, vector, stateHash, recovery? }` (`stateHash`: the
 * replica's `chart.hash()`, equal on two sites exactly when they show the same records;
 * absent when the replica has no chart; `recovery`: why a recovering replica may not
 * record, `Replica.recovery`; `forks`: when the replica has quarantined forks,
 * `{ count, examples }` with the first {@link STATUS_FORK_EXAMPLES} as `ForkSummary`s, never the
 * offered events). Both need `Authorization: Bearer <token>`.
 *
 * Refused events are not HTTP errors: they are in the trailer's `ingest`. HTTP errors
 * are JSON `{ error: { code, message, issues? } }`: 400 `MALFORMED_MESSAGE` (and nothing
 * changed), 401 `SYNC_UNAUTHORIZED`, 404 `NOT_FOUND`, 405 `SYNC_METHOD_NOT_ALLOWED`,
 * 408 `SYNC_TIMEOUT`, 413 `SYNC_TOO_LARGE`, 415 `SYNC_UNSUPPORTED_MEDIA_TYPE`, 429 `SYNC_BUSY`
 * (with `Retry-After`) to a peer already at `maxConcurrentPerPeer`, 503 with `Retry-After`
 * for a store that is unavailable, full, locked or read-only, 500 otherwise.
 *
 * The server keeps one {@link SyncState} per peer and `Chartlog-Session` in memory;
 * a fresh state is always correct (the first exchange of vectors works out what is
 * missing), so a restart or an eviction costs a round trip, never an event.
 *
 * Memory is bounded by these options whatever a peer sends (THREAT_MODEL.md). The body is
 * parsed line by line as it arrives (`maxRequestBytes`, `maxLineBytes`), so no
 * body-sized string is ever built; a line that cannot be an event is counted as a
 * refusal and dropped, and at most `maxMessageEvents` events are held while the message
 * is ingested; refusals are counted, with `maxRefusalExamples` examples; vectors name at
 * most `maxVectorSites` sites, and only sites the replica trusts or holds are kept;
 * sessions are capped per peer and in all; each peer has at most `maxConcurrentPerPeer`
 * requests in progress. The reply is written line by line with backpressure.
 *
 * @example
 * ```ts
 * // node:http
 * const handler = createSyncHandler(replica, { peers: { [tokenOfHospital]: 'hospital' } });
 * http.createServer(handler).listen(8080);
 *
 * // Express: unknown paths fall through to `next`
 * app.use(createSyncHandler(replica, { peers }));
 *
 * // Fastify: hand the raw request over before any body parsing
 * const sync = createSyncHandler(replica, { peers });
 * fastify.addHook('onRequest', (request, reply, done) => {
 *   if (!request.url.startsWith('/chartlog/')) return done();
 *   reply.hijack();
 *   sync(request.raw, reply.raw);
 * });
 * ```
 */
export function createSyncHandler(replica: HttpSyncReplica, options: SyncHandlerOptions): SyncHandler {
  const authenticate = createPeerAuthenticator(options);
  const path = options.path ?? DEFAULT_SYNC_PATH;
  const statusPath = options.statusPath ?? DEFAULT_STATUS_PATH;
  const maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const sessions = createPeerSessions({
    ...(options.maxSessions !== undefined ? { maxSessions: options.maxSessions } : {}),
    ...(options.maxSessionsPerPeer !== undefined ? { maxSessionsPerPeer: options.maxSessionsPerPeer } : {}),
  });
  const concurrency = createPeerConcurrency(options.maxConcurrentPerPeer);
  const readLimits = {
    ...(options.maxMessageEvents !== undefined ? { maxEvents: options.maxMessageEvents } : {}),
    ...(options.maxVectorSites !== undefined ? { maxVectorSites: options.maxVectorSites } : {}),
    ...(options.maxRefusalExamples !== undefined ? { maxRefusalExamples: options.maxRefusalExamples } : {}),
  };

  // Vector entries for sites the replica neither trusts nor holds are dropped: they cannot
  // matter to it, and kept they would fill the session's state and be echoed in `known`.
  const boundVectors = async (message: SyncMessage): Promise<SyncMessage> => {
    const keyring = replica.keyring;
    if (keyring === undefined) return message;
    const trusted = (site: string): boolean => keyring.has(site);
    if (restrictVectors(message, trusted) === message) return message;
    const held = await replica.versionVector();
    return restrictVectors(message, (site) => trusted(site) || Object.hasOwn(held, site));
  };

  const handleSync = async (req: IncomingMessage, res: ServerResponse, peer: string): Promise<void> => {
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!NDJSON_TYPES.has(mediaType))
      return sendHttpError(
        res,
        'SYNC_UNSUPPORTED_MEDIA_TYPE',
        `content-type must be application/x-ndjson, not ${JSON.stringify(mediaType)}`,
        { close: true },
      );
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxRequestBytes)
      return sendHttpError(
        res,
        'SYNC_TOO_LARGE',
        `body of ${declared} bytes is larger than ${maxRequestBytes}: send smaller batches (SyncOptions.maxEvents / maxBytes)`,
        { close: true },
      );
    const sessionHeader = req.headers[SESSION_HEADER];
    const session = typeof sessionHeader === 'string' && sessionHeader.length <= 128 ? sessionHeader : '';

    // Read the whole message before touching the replica: a bad body changes nothing.
    const timer = setTimeout(() => {
      sendHttpError(res, 'SYNC_TIMEOUT', `request body not received within ${timeoutMs} ms`, { close: true });
      res.once('finish', () => req.destroy());
    }, timeoutMs);
    let read;
    try {
      read = await readSyncMessage(
        readNdjsonBatches(req.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>, {
          maxBytes: maxRequestBytes,
          maxLineBytes,
        }),
        { trailer: false, ...readLimits },
      );
    } finally {
      clearTimeout(timer);
    }
    const message = read.message === null ? null : await boundVectors(read.message);
    const refusedLines = read.refusedLines;
    const [reply, report] = await sessions.run(peer, session, async (state0) => {
      let state = state0;
      let ingest: IngestReport | null = null;
      if (message !== null) [state, ingest] = await replica.receiveSyncMessage(state, message);
      if (ingest !== null) ingest = addRefusedLines(ingest, refusedLines, options.maxRefusalExamples);
      const [next, out] = await replica.generateSyncMessage(state, options.sync);
      return [next, [out, ingest] as const];
    });
    await writeSyncResponse(res, reply, report, { site: replica.site, timeoutMs });
  };

  const handle = async (
    req: IncomingMessage,
    res: ServerResponse,
    next: ((error?: unknown) => void) | undefined,
  ): Promise<void> => {
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    const isSync = pathname === path;
    const isStatus = statusPath !== false && pathname === statusPath;
    if (!isSync && !isStatus) {
      if (next !== undefined) return next();
      return sendHttpError(res, 'NOT_FOUND', `no chartlog endpoint at ${pathname}`, { close: true });
    }
    const allow = isSync ? 'POST' : 'GET';
    if (req.method !== allow)
      return sendHttpError(
        res,
        'SYNC_METHOD_NOT_ALLOWED',
        `${req.method ?? '?'} not allowed on ${pathname}: use ${allow}`,
        { headers: { allow }, close: true },
      );
    const peer = await authenticate(req);
    if (peer === null)
      return sendHttpError(
        res,
        'SYNC_UNAUTHORIZED',
        'a valid bearer token is required (Authorization: Bearer <token>)',
        { headers: { 'www-authenticate': 'Bearer realm="chartlog"' }, close: true },
      );
    const leave = concurrency.enter(peer);
    if (leave === undefined) {
      const retryAfter = String(options.busyRetryAfterSeconds ?? 1);
      const limit = options.maxConcurrentPerPeer ?? DEFAULT_MAX_CONCURRENT_PER_PEER;
      return sendHttpError(
        res,
        'SYNC_BUSY',
        `${peer} already has ${limit} requests in progress: retry after ${retryAfter} s`,
        { headers: { 'retry-after': retryAfter }, close: true },
      );
    }
    // The slot is held until the response is done or the connection is gone.
    res.once('close', leave);
    if (isSync) return handleSync(req, res, peer);
    const vector = await replica.versionVector();
    const body = JSON.stringify({
      site: replica.site,
      protocol: SYNC_PROTOCOL_VERSION,
      status: replica.status ?? 'ready',
      vector,
      ...(replica.chart !== undefined ? { stateHash: replica.chart.hash() } : {}),
      ...(replica.recovery !== undefined ? { recovery: replica.recovery } : {}),
      ...forksOf(replica),
    });
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
    });
    res.end(body);
  };

  return (req, res, next) => {
    handle(req, res, next).catch((error: unknown) => {
      if (res.writableEnded || res.destroyed) return; // answered already (a timeout), or the client is gone
      if (!isChartlogError(error) || (error.code !== 'MALFORMED_MESSAGE' && error.code !== 'SYNC_TOO_LARGE'))
        options.onError?.(error, req);
      // The body may be unread: answer, then close the connection rather than read on.
      sendThrown(
        res,
        isReadAbort(error) ? new ChartlogError('MALFORMED_MESSAGE', 'the request body was cut short') : error,
        true,
      );
      req.resume();
    });
  };
}

/** node's error for a request whose client went away mid-body. */
function isReadAbort(error: unknown): boolean {
  return (
    error instanceof Error &&
    'code' in error &&
    (error.code === 'ECONNRESET' || error.code === 'ERR_STREAM_PREMATURE_CLOSE')
  );
}
