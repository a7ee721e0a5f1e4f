/**
 * `chartlog/http`: replication over HTTP and HTTPS (docs/architecture.md, "Replication"). A request handler for
 * node:http (and so Express and Fastify) serving a replica's sync, a server with the
 * limits and TLS a network needs, and a client that syncs a replica with such a server
 * until quiet, checking its certificate against a CA or a pin. One protocol with the in-process
 * transport: the same sync messages, as NDJSON.
 */
export {
  createSyncHandler,
  DEFAULT_SYNC_PATH,
  DEFAULT_STATUS_PATH,
  SESSION_HEADER,
} from './createSyncHandler.js';
export type { SyncHandler, SyncHandlerOptions, HttpSyncReplica } from './createSyncHandler.js';
export { createPeerAuthenticator, bearerToken } from './peerAuth.js';
export type { PeerAuthOptions, VerifyPeerToken } from './peerAuth.js';
export { createSyncServer, DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_MAX_CONNECTIONS } from './createSyncServer.js';
export type { SyncServerOptions, SyncServerTlsOptions } from './createSyncServer.js';
export { createHttpSyncClient } from './createHttpSyncClient.js';
export { createTlsFetch, normalizeCertificatePin } from './tlsFetch.js';
export type { HttpSyncTlsOptions } from './tlsFetch.js';
export { isSyncBaseUrl } from './syncBaseUrl.js';
export type {
  HttpSyncClient,
  HttpSyncClientOptions,
  HttpExchange,
  HttpSyncStatus,
} from './createHttpSyncClient.js';
export { syncOverHttp } from './syncOverHttp.js';
export type { SyncOverHttpOptions, HttpSyncReport } from './syncOverHttp.js';
export { HTTP_STATUS_BY_CODE } from './httpError.js';
export type { HttpErrorBody } from './httpError.js';
export {
  NDJSON_CONTENT_TYPE,
  TRAILER_MAX_REFUSALS,
  DEFAULT_MAX_MESSAGE_EVENTS,
  DEFAULT_MAX_VECTOR_SITES,
  syncMessageLines,
  readSyncMessage,
  addRefusedLines,
} from './syncMessageNdjson.js';
export type {
  IngestSummary,
  SyncResponseTrailer,
  ReadSyncMessage,
  ReadSyncMessageOptions,
  RefusedLines,
} from './syncMessageNdjson.js';
export {
  readNdjsonLines,
  readNdjsonBatches,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_LINE_BYTES,
} from './ndjsonLines.js';
export type { NdjsonLimits } from './ndjsonLines.js';
export { backoffDelay } from './retryPolicy.js';
export type { BackoffOptions } from './retryPolicy.js';
export { readPeersFile } from './readPeersFile.js';
export type { PeersFile, PeerEntry } from './readPeersFile.js';
export { readSiteKeyFile, writeSiteKeyFiles } from './siteKeyFile.js';
export type { SiteKeyFiles } from './siteKeyFile.js';
