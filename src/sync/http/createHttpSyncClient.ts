import { ChartlogError, isChartlogError } from '../../error/chartlogError.js';
import type { VersionVector } from '../../store/eventLog.js';
import type { SyncMessage } from '../syncMessage.js';
import { DEFAULT_STATUS_PATH, DEFAULT_SYNC_PATH, SESSION_HEADER } from './createSyncHandler.js';
import { parseHttpErrorBody } from './httpError.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_LINE_BYTES, readNdjsonBatches } from './ndjsonLines.js';
import { backoffDelay, isRetryableStatus, sleep, type BackoffOptions } from './retryPolicy.js';
import { assertSyncBaseUrl } from './syncBaseUrl.js';
import { createTlsFetch, type HttpSyncTlsOptions } from './tlsFetch.js';
import {
  NDJSON_CONTENT_TYPE,
  readSyncMessage,
  syncMessageLines,
  type IngestSummary,
  type RefusedLines,
} from './syncMessageNdjson.js';

/** Options for {@link createHttpSyncClient}. */
export interface HttpSyncClientOptions {
  /** The server's base URL, e.g. `http://hospital.example:8080` (the paths are appended). */
  readonly url: string;
  /** This site's bearer token at that server. */
  readonly token: string;
  /** The fetch to use (a proxy agent, a test double). Not with `tls`. @defaultValue the global `fetch` */
  readonly fetch?: typeof fetch;
  /**
   * For an `https://` URL: the CA or pinned certificate the server must present, and our
   * client certificate for mutual TLS (requests then go through node:https, see
   * {@link createTlsFetch}). Without it an `https://` server is checked against Node's
   * public CAs. A server that fails the check is `SYNC_TLS_FAILED`, never retried.
   * @defaultValue none
   */
  readonly tls?: HttpSyncTlsOptions;
  /** The server's sync path. @defaultValue `'/chartlog/sync'` */
  readonly path?: string;
  /** The server's status path. @defaultValue `'/chartlog/status'` */
  readonly statusPath?: string;
  /** One attempt (request sent, response read whole) must finish within this. @defaultValue `30_000` */
  readonly timeoutMs?: number;
  /**
   * Retries after a network error, a timeout, a cut-short response, 408, 429 or 5xx (never after another
   * 4xx), waiting at least what a `Retry-After` asks (at most 60 s).
   * @defaultValue `3`
   */
  readonly retries?: number;
  /** Delays between retries. @defaultValue 200 ms doubling up to 10 s, full jitter */
  readonly backoff?: BackoffOptions;
  /** Largest response body accepted. @defaultValue `64 MiB` */
  readonly maxResponseBytes?: number;
  /** Largest response line (one event). @defaultValue `2 MiB` */
  readonly maxLineBytes?: number;
  /** Most event lines in one response (lines that cannot be events are only counted). @defaultValue `10_000` */
  readonly maxMessageEvents?: number;
  /** Cancels everything, retries included (the signal's reason is thrown). @defaultValue none */
  readonly signal?: AbortSignal;
}

/** One round over HTTP: what came back, and what it cost. */
export interface HttpExchange {
  /** The server's message; null when it had nothing to say. Untrusted: pass it to `receiveSyncMessage`. */
  readonly message: SyncMessage | null;
  /** What the server did with our message's events. */
  readonly ingest: IngestSummary;
  /** Lines of the server's message that could not be events: counted, not held (add them to the ingest report with `addRefusedLines`). */
  readonly refusedLines: RefusedLines;
  /** Request body bytes of the successful attempt. */
  readonly bytesSent: number;
  /** Response body bytes of the successful attempt. */
  readonly bytesReceived: number;
  /** Attempts made (1 without retries). */
  readonly attempts: number;
  /** The server's site, from its `Chartlog-Site` header. */
  readonly site?: string;
}

/** The server's `GET /chartlog/status` answer. */
export interface HttpSyncStatus {
  readonly site: string;
  readonly protocol: number;
  readonly status: string;
  readonly vector: VersionVector;
  /**
   * The server's replica hash (`chart.hash()`): equal on two sites exactly when they show the same records.
   * Absent from servers without a chart.
   */
  readonly stateHash?: string;
  /** Why the server's replica is recovering (`Replica.recovery`); absent when it is ready. Untrusted JSON: for display. */
  readonly recovery?: {
    readonly reason: string;
    readonly shownOwnSeq: number;
    readonly heldOwnSeq: number;
    readonly waitingFor: readonly string[];
  };
  /** The forks the server's replica has quarantined: how many, and the first few; absent when none. Untrusted JSON: for display. */
  readonly forks?: {
    readonly count: number;
    readonly examples: readonly {
      readonly site: string;
      readonly seq: number;
      readonly heldHash: string | null;
      readonly offeredHash: string;
      readonly detectedAt: string;
    }[];
  };
}

/** A sync server as seen from a client. */
export interface HttpSyncClient {
  /** The sync endpoint's URL. */
  readonly url: string;
  /**
   * Sends one message (null: nothing to say) and reads the server's reply, retrying as configured. Replaying
   * a message is harmless, which is what makes retries safe.
   */
  exchange(message: SyncMessage | null, options?: { readonly session?: string }): Promise<HttpExchange>;
  /** The server's site, protocol, status and version vector. */
  status(): Promise<HttpSyncStatus>;
}

/**
 * A fetch-based client of {@link createSyncHandler}. Each request body is one message,
 * built once in memory as NDJSON (a message is bounded by the sender's `SyncOptions`,
 * 32 MiB by default) and reused by retries; the response is parsed line by line as it
 * streams in, checked whole by its trailer, and never held as one string.
 *
 * Failures are ChartlogErrors: `SYNC_UNAUTHORIZED` (401/403), `SYNC_TIMEOUT` (the last
 * attempt timed out), `SYNC_TLS_FAILED` (the server's certificate is not the one `tls`
 * trusts, or it refused ours; not retried), `SYNC_HTTP_FAILED` (any other status, or the
 * network, after the retries), `MALFORMED_MESSAGE` (a response that is not the protocol);
 * `details` holds `url`, `status`, the body's error `code` and `attempts` where known.
 *
 * @example
 * ```ts
 * const hospital = createHttpSyncClient({
 *   url: 'https://hospital.example:8443',
 *   token: process.env.HOSPITAL_TOKEN!,
 *   tls: { ca: readFileSync('hospital-ca.crt') },
 *   retries: 5,
 * });
 * const report = await syncOverHttp(replica, hospital);
 * ```
 * @throws ChartlogError `INVALID_OPTION` at once for a URL that is not `http://` or
 *   `https://`, `tls` with an `http://` URL or with `fetch`, or inconsistent `tls` options.
 */
export function createHttpSyncClient(options: HttpSyncClientOptions): HttpSyncClient {
  assertSyncBaseUrl(options.url, 'url');
  if (options.tls !== undefined && !options.url.startsWith('https:'))
    throw new ChartlogError('INVALID_OPTION', `tls options need an https:// url, not ${options.url}`, {
      details: { url: options.url },
    });
  if (options.tls !== undefined && options.fetch !== undefined)
    throw new ChartlogError(
      'INVALID_OPTION',
      'give tls or fetch, not both (tls makes its own node:https fetch)',
    );
  const doFetch =
    options.tls !== undefined ? createTlsFetch(options.tls) : (options.fetch ?? globalThis.fetch);
  const base = options.url.replace(/\/+$/, '');
  const syncUrl = base + (options.path ?? DEFAULT_SYNC_PATH);
  const statusUrl = base + (options.statusPath ?? DEFAULT_STATUS_PATH);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retries = options.retries ?? 3;
  const limits = {
    maxBytes: options.maxResponseBytes ?? DEFAULT_MAX_BODY_BYTES,
    maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
  };
  const auth = { authorization: `Bearer ${options.token}` };

  /** Runs `attempt` with a per-attempt timeout, retrying what may succeed later. */
  const withRetries = async <T>(
    url: string,
    attempt: (signal: AbortSignal, attempts: number) => Promise<T>,
  ): Promise<T> => {
    for (let attempts = 1; ; attempts++) {
      options.signal?.throwIfAborted();
      const controller = new AbortController();
      const onAbort = (): void => controller.abort(options.signal?.reason);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort(
          new ChartlogError('SYNC_TIMEOUT', `no complete answer from ${url} within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      let failure: ChartlogError;
      try {
        return await attempt(controller.signal, attempts);
      } catch (error) {
        if (options.signal?.aborted === true) throw options.signal.reason;
        failure = classify(error, url, timedOut, attempts);
      } finally {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      }
      if (!('retryable' in failure.details) || failure.details.retryable !== true || attempts > retries)
        throw failure;
      // A busy or unavailable server says when to come back (Retry-After): not sooner.
      const asked = 'retryAfterMs' in failure.details ? failure.details.retryAfterMs : undefined;
      await sleep(
        Math.max(backoffDelay(attempts, options.backoff), typeof asked === 'number' ? asked : 0),
        options.signal,
      );
    }
  };

  const failIfNotOk = async (response: Response, url: string, attempts: number): Promise<void> => {
    if (response.ok) return;
    const text = await response.text().catch(() => '');
    const body = parseHttpErrorBody(text);
    const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
    const retryAfterMs =
      Number.isFinite(retryAfter) && retryAfter >= 0
        ? Math.min(retryAfter, MAX_RETRY_AFTER_SECONDS) * 1000
        : undefined;
    const details = {
      url,
      status: response.status,
      code: body?.code,
      attempts,
      retryable: isRetryableStatus(response.status),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
    const why =
      body === undefined
        ? `HTTP ${response.status}`
        : `HTTP ${response.status} ${body.code}: ${body.message}`;
    if (response.status === 401 || response.status === 403)
      throw new ChartlogError('SYNC_UNAUTHORIZED', `${url} refused our token (${why})`, { details });
    throw new ChartlogError('SYNC_HTTP_FAILED', `${url} answered ${why}`, { details });
  };

  return {
    url: syncUrl,
    async exchange(message, exchangeOptions = {}) {
      const body = Buffer.from([...syncMessageLines(message)].join(''), 'utf8');
      const headers: Record<string, string> = {
        ...auth,
        'content-type': `${NDJSON_CONTENT_TYPE}; charset=utf-8`,
        accept: NDJSON_CONTENT_TYPE,
      };
      if (exchangeOptions.session !== undefined) headers[SESSION_HEADER] = exchangeOptions.session;
      return withRetries(syncUrl, async (signal, attempts) => {
        const response = await doFetch(syncUrl, { method: 'POST', headers, body, signal });
        await failIfNotOk(response, syncUrl, attempts);
        if (response.body === null)
          throw new ChartlogError('MALFORMED_MESSAGE', `${syncUrl} answered without a body`, {
            details: { truncated: true },
          });
        let bytesReceived = 0;
        const lines = readNdjsonBatches(
          response.body as unknown as AsyncIterable<Uint8Array>,
          limits,
          (n) => (bytesReceived += n),
        );
        const read = await readSyncMessage(lines, {
          trailer: true,
          ...(options.maxMessageEvents !== undefined ? { maxEvents: options.maxMessageEvents } : {}),
        });
        const ingest = read.trailer?.ingest ?? { accepted: 0, duplicates: 0, refusedCount: 0, refused: [] };
        const site = response.headers.get('chartlog-site');
        const exchange: HttpExchange = {
          message: read.message,
          ingest,
          refusedLines: read.refusedLines,
          bytesSent: body.length,
          bytesReceived,
          attempts,
        };
        return site === null ? exchange : { ...exchange, site };
      });
    },
    status() {
      return withRetries(statusUrl, async (signal, attempts) => {
        const response = await doFetch(statusUrl, {
          headers: { ...auth, accept: 'application/json' },
          signal,
        });
        await failIfNotOk(response, statusUrl, attempts);
        return (await response.json()) as HttpSyncStatus;
      });
    },
  };
}

// A server cannot park a client for longer than this with its Retry-After.
const MAX_RETRY_AFTER_SECONDS = 60;

/** Turns whatever an attempt threw into a ChartlogError that says whether a retry may help. */
function classify(error: unknown, url: string, timedOut: boolean, attempts: number): ChartlogError {
  if (timedOut)
    return new ChartlogError('SYNC_TIMEOUT', `no complete answer from ${url} (attempt ${attempts})`, {
      cause: error,
      details: { url, attempts, retryable: true },
    });
  const tls = tlsFailure(error);
  if (tls !== undefined) {
    const why = /ALERT/.test(tls)
      ? `the server refused our TLS handshake (${tls}): it may require a client certificate we lack`
      : `the server's certificate did not check out (${tls}): check the CA or pin this client trusts for it`;
    return new ChartlogError('SYNC_TLS_FAILED', `${url}: ${why}`, {
      cause: error,
      details: { url, attempts, tlsError: tls },
    });
  }
  if (isChartlogError(error)) {
    // A response cut short (no trailer, a count that does not match) is the network's fault.
    if (error.code === 'MALFORMED_MESSAGE' && error.details['truncated'] === true) {
      return new ChartlogError('SYNC_HTTP_FAILED', `${url}: ${error.message}`, {
        cause: error,
        details: { url, attempts, retryable: true },
      });
    }
    // What reading an answer throws is told apart by the URL and attempt it came from.
    if (
      (error.code === 'MALFORMED_MESSAGE' || error.code === 'SYNC_TOO_LARGE') &&
      error.details.attempts === undefined
    )
      return new ChartlogError(error.code, error.message, {
        cause: error.cause,
        issues: error.issues,
        details: { ...error.details, url, attempts },
      });
    return error;
  }
  // fetch's TypeError ("fetch failed"), a socket reset while reading the body: the network.
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return new ChartlogError(
    'SYNC_HTTP_FAILED',
    `${url} could not be reached (${error instanceof Error ? error.message : String(error)}${cause})`,
    { cause: error, details: { url, attempts, retryable: true } },
  );
}

/** The TLS error code behind `error` (its own or its cause's), or undefined when it is not a TLS failure. */
function tlsFailure(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 3; e = e.cause, depth++) {
    if (isChartlogError(e)) return e.code === 'SYNC_TLS_FAILED' ? e.message : undefined;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && TLS_ERROR.test(code)) return code;
  }
  return undefined;
}

/** OpenSSL's and Node's codes for a certificate that does not check out or a TLS alert. */
const TLS_ERROR =
  /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED|SELF_SIGNED_CERT|HOSTNAME_MISMATCH|ERR_OSSL_)/;
