import { createServer as createHttpServer, type RequestListener, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { ChartlogError } from '../../error/chartlogError.js';

/** The certificate a {@link createSyncServer} serves over TLS, and whom it asks for client certificates. */
export interface SyncServerTlsOptions {
  /** The server's certificate chain, PEM. */
  readonly cert: string | Buffer;
  /** Its private key, PEM. */
  readonly key: string | Buffer;
  /**
   * With it, mutual TLS: every client must present a certificate issued by this CA (PEM), or the handshake
   * fails.
   * @defaultValue none: no client certificates asked
   */
  readonly clientCa?: string | Buffer;
}

/** Options of {@link createSyncServer}. */
export interface SyncServerOptions {
  /**
   * Serve HTTPS with this certificate; without it, plain HTTP (loopback and tests only: health data must not
   * cross a network in clear text).
   * @defaultValue none
   */
  readonly tls?: SyncServerTlsOptions;
  /**
   * A connection must finish its TLS handshake, and then each request its headers, within this, or it is
   * dropped.
   * @defaultValue `10_000`
   */
  readonly headersTimeoutMs?: number;
  /** Most open connections; more are dropped as they arrive. @defaultValue {@link DEFAULT_MAX_CONNECTIONS} */
  readonly maxConnections?: number;
  /** An idle kept-alive connection is closed after this. @defaultValue `5_000` */
  readonly keepAliveTimeoutMs?: number;
}

/** {@link SyncServerOptions.headersTimeoutMs}'s default, in ms. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
/**
 * {@link SyncServerOptions.maxConnections}'s default: far above what a few dozen peers syncing need, far
 * below what exhausts file descriptors.
 */
export const DEFAULT_MAX_CONNECTIONS = 256;

/**
 * A node:http or (with `tls`) node:https server for a sync handler, with the limits a
 * server facing a network needs that Node's defaults lack: a connection that never
 * finishes its headers (or its TLS handshake) is dropped after `headersTimeoutMs`
 * rather than Node's minute or more, and at most `maxConnections` are open at once.
 * With `tls.clientCa` every client must present a certificate from that CA (mutual TLS);
 * the bearer token still says which peer it is. Call `listen` on the result.
 *
 * @throws ChartlogError `INVALID_OPTION` for a limit out of range, or a certificate, key or
 *   CA that TLS cannot use (not PEM, or a key that does not match the certificate).
 * @example
 * ```ts
 * const server = createSyncServer(createSyncHandler(replica, { peers }), {
 *   tls: { cert: readFileSync('hospital.crt'), key: readFileSync('hospital.key.pem') },
 * });
 * server.listen(8443, '0.0.0.0');
 * ```
 */
export function createSyncServer(
  listener: RequestListener,
  options: SyncServerOptions = {},
): HttpServer | HttpsServer {
  const headersTimeout = positive(options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS, 'headersTimeoutMs');
  const maxConnections = positive(options.maxConnections ?? DEFAULT_MAX_CONNECTIONS, 'maxConnections');
  const keepAliveTimeout = positive(options.keepAliveTimeoutMs ?? 5_000, 'keepAliveTimeoutMs');
  // Node checks header deadlines on this interval (30 s by default), so check often enough to keep the deadline.
  const limits = {
    headersTimeout,
    keepAliveTimeout,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4))),
  };
  let server: HttpServer | HttpsServer;
  if (options.tls === undefined) server = createHttpServer(limits, listener);
  else {
    const { cert, key, clientCa } = options.tls;
    try {
      server = createHttpsServer(
        {
          ...limits,
          cert,
          key,
          minVersion: 'TLSv1.2',
          handshakeTimeout: headersTimeout,
          ...(clientCa !== undefined ? { ca: clientCa, requestCert: true, rejectUnauthorized: true } : {}),
        },
        listener,
      );
    } catch (cause) {
      throw new ChartlogError(
        'INVALID_OPTION',
        `the TLS certificate, key or client CA cannot be used: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause },
      );
    }
  }
  server.maxConnections = maxConnections;
  return server;
}

function positive(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new ChartlogError(
      'INVALID_OPTION',
      `createSyncServer: ${name} must be a whole number above 0, not ${String(value)}`,
    );
  return value;
}
