import { Agent, request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { Readable } from 'node:stream';
import { ChartlogError } from '../../error/chartlogError.js';

/**
 * How a client checks the server it syncs with over `https://`, and proves itself with
 * mutual TLS. Without `ca` and `pin` the server's certificate must chain to Node's public
 * certificate authorities and name the URL's host.
 */
export interface HttpSyncTlsOptions {
  /**
   * PEM certificate(s) of the authority the server's certificate must chain to (its host must match the URL).
   * Not with `pin`.
   * @defaultValue Node's public CAs
   */
  readonly ca?: string | Buffer;
  /**
   * The SHA-256 fingerprint of the server's own certificate, as `openssl x509 -noout
   * -fingerprint -sha256` prints it (hex, colons and case optional): only that certificate
   * is accepted, whoever signed it and whatever host it names. Not with `ca`.
   * @defaultValue none
   */
  readonly pin?: string;
  /** Our client certificate (PEM), for a server that requires mutual TLS; with `key`. @defaultValue none */
  readonly cert?: string | Buffer;
  /** Our client certificate's private key (PEM); with `cert`. @defaultValue none */
  readonly key?: string | Buffer;
}

/** A SHA-256 fingerprint as 64 lower-case hex digits, or undefined when `pin` is not one. */
export function normalizeCertificatePin(pin: string): string | undefined {
  const hex = pin
    .trim()
    .replace(/^sha256[:/=]/i, '')
    .replace(/:/g, '')
    .toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

/**
 * Checks {@link HttpSyncTlsOptions} as a whole.
 * @throws ChartlogError `INVALID_OPTION` for `ca` with `pin`, a malformed pin, or `cert` without `key`.
 */
export function checkTlsOptions(tls: HttpSyncTlsOptions): void {
  if (tls.ca !== undefined && tls.pin !== undefined)
    throw new ChartlogError(
      'INVALID_OPTION',
      'give the server a CA (ca) or a pinned certificate (pin), not both',
    );
  if (tls.pin !== undefined && normalizeCertificatePin(tls.pin) === undefined)
    throw new ChartlogError(
      'INVALID_OPTION',
      `pin ${JSON.stringify(tls.pin)} is not a SHA-256 certificate fingerprint (64 hex digits, colons ` +
        'optional: openssl x509 -noout -fingerprint -sha256 -in server.crt)',
    );
  if ((tls.cert === undefined) !== (tls.key === undefined))
    throw new ChartlogError('INVALID_OPTION', 'a client certificate (cert) and its key (key) go together');
}

/**
 * A `fetch` over node:https that checks the server as `tls` says and presents a client
 * certificate when given one: the global `fetch` cannot take a CA, a pin or a client
 * certificate per call without undici, which chartlog does not depend on. It implements
 * what {@link createHttpSyncClient} uses (method, headers, a body, a signal; a streamed
 * response) on a keep-alive agent. A pinned certificate is checked before the request
 * (and its bearer token) is written to the connection.
 *
 * @throws ChartlogError `INVALID_OPTION` for inconsistent options (see {@link checkTlsOptions}).
 * @example
 * ```ts
 * const client = createHttpSyncClient({
 *   url: 'https://hospital.example:8443',
 *   token,
 *   fetch: createTlsFetch({ ca: readFileSync('ca.crt') }),
 * });
 * ```
 */
export function createTlsFetch(tls: HttpSyncTlsOptions): typeof fetch {
  checkTlsOptions(tls);
  const pin = tls.pin === undefined ? undefined : normalizeCertificatePin(tls.pin);
  const agent = new Agent({
    keepAlive: true,
    ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
    ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
    ...(tls.key !== undefined ? { key: tls.key } : {}),
  });
  if (pin !== undefined) {
    // The agent waits for the callback, so nothing is written before the pin is checked.
    (
      agent as unknown as {
        createConnection: (
          o: ConnectionOptions,
          done: (error: Error | null, socket?: TLSSocket) => void,
        ) => undefined;
      }
    ).createConnection = (options, done) => {
      const socket = connect({ ...options, rejectUnauthorized: false });
      const failed = (error: Error): void => done(error);
      socket.once('error', failed);
      socket.once('secureConnect', () => {
        socket.off('error', failed);
        const seen = socket.getPeerCertificate().fingerprint256;
        if (normalizeCertificatePin(seen ?? '') === pin) return done(null, socket);
        socket.destroy();
        done(
          new ChartlogError(
            'SYNC_TLS_FAILED',
            `the server at ${options.host ?? '?'}:${options.port ?? '?'} presented a certificate with SHA-256 ` +
              `fingerprint ${seen ?? '(none)'}, not the pinned one`,
            { details: { fingerprint: seen } },
          ),
        );
      });
      return undefined;
    };
  }
  return async (input, init = {}) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (url.protocol !== 'https:')
      throw new ChartlogError(
        'INVALID_OPTION',
        `TLS options were given for ${url.href}, which is not an https:// URL`,
      );
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const body =
      init.body === undefined || init.body === null
        ? undefined
        : typeof init.body === 'string' || init.body instanceof Uint8Array
          ? init.body
          : undefined;
    if (init.body !== undefined && init.body !== null && body === undefined)
      throw new ChartlogError('INVALID_OPTION', 'the TLS fetch sends string and byte bodies only');
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(
        url,
        { method: init.method ?? 'GET', headers, agent, ...(init.signal ? { signal: init.signal } : {}) },
        resolve,
      );
      req.once('error', reject);
      req.end(body);
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(response.headers))
      for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value])
        responseHeaders.append(name, v);
    const status = response.statusCode ?? 502;
    const stream =
      status === 204 || status === 304 ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>);
    if (stream === null) response.resume();
    return new Response(stream, {
      status,
      statusText: response.statusMessage ?? '',
      headers: responseHeaders,
    });
  };
}
