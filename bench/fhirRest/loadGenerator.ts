/**
 * A closed-loop HTTP load generator for the fhir-rest benchmark: a fixed number of
 * workers, each with one request in flight at a time, over node:http with a keep-alive
 * agent of exactly that many sockets (Node's global fetch opens more connections than it
 * has requests in flight: a socket comes back to its pool a turn after the body is read).
 * A warm-up runs first and is not timed; latency is from sending the request to having
 * read the whole response body.
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/** One request: a path under the base URL. */
export interface LoadRequest {
  readonly method: 'GET' | 'PUT' | 'POST';
  /** Appended to the base URL as is (starts with `/`). */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** A response as the generator saw it. */
export interface LoadResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** E.g. `http://127.0.0.1:8080/fhir`; request paths are appended to it. */
  readonly baseUrl: string;
  /** Workers, each with one request in flight. */
  readonly concurrency: number;
  /** Requests run first, untimed. @defaultValue `0` */
  readonly warmupRequests?: number;
  /** Measured requests, at most. */
  readonly requests: number;
  /** Stops starting measured requests after this many ms (those in flight finish). @defaultValue no limit */
  readonly maxMs?: number;
  /** Stops starting warm-up requests after this many ms. @defaultValue `maxMs` */
  readonly warmupMaxMs?: number;
  /** Headers sent with every request (e.g. `Authorization`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The request with this index (warm-up first, then measured, counting on); undefined: none left. */
  next(index: number): LoadRequest | undefined;
  /** Whether a response counts as a success. @defaultValue a 2xx status */
  readonly ok?: (response: LoadResponse) => boolean;
  /** Called with every measured or warm-up response (e.g. to keep ETags). */
  readonly onResponse?: (index: number, response: LoadResponse) => void;
}

/** What a measured run gave. */
export interface LoadResult {
  /** Latency of every successful measured request, ms, in completion order. */
  readonly latenciesMs: readonly number[];
  /** Wall time of the measured part, s. */
  readonly seconds: number;
  /** Successful measured requests. */
  readonly ok: number;
  /** Failed measured requests (a refused status or a network error). */
  readonly failed: number;
  /** Measured responses by status (`"error"` for a network error). */
  readonly statuses: Readonly<Record<string, number>>;
  /** The first failure, for the report: status and the start of its body, or the error. */
  readonly firstFailure?: string;
  /** Successful measured requests per second. */
  readonly perSecond: number;
}

/**
 * Runs `warmupRequests` requests untimed, then up to `requests` timed, with
 * `concurrency` workers.
 * @example const r = await runLoad({ baseUrl, concurrency: 8, warmupRequests: 100, requests: 1000, next: (i) => ({ method: 'GET', path: `/Patient/p${i % 10}` }) });
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const ok = options.ok ?? ((r: LoadResponse) => r.status >= 200 && r.status < 300);
  const base = new URL(options.baseUrl);
  if (base.protocol !== 'http:')
    throw new Error(`fhir-rest: the load generator speaks http://, not ${base.protocol}`);
  const agent = new Agent({
    keepAlive: true,
    maxSockets: options.concurrency,
    maxFreeSockets: options.concurrency,
  });
  const prefix = base.pathname.replace(/\/$/, '');
  let index = 0;
  const exchange = (request: LoadRequest): Promise<LoadResponse> =>
    new Promise((done, fail) => {
      const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
      const req = httpRequest(
        {
          agent,
          host: base.hostname,
          port: base.port,
          method: request.method,
          path: prefix + request.path,
          headers: {
            ...options.headers,
            ...request.headers,
            ...(body !== undefined ? { 'content-length': String(body.length) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            done({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', fail);
        },
      );
      req.on('error', fail);
      req.end(body);
    });
  const send = async (
    request: LoadRequest,
    i: number,
  ): Promise<{ response?: LoadResponse; error?: string; ms: number }> => {
    const t0 = performance.now();
    try {
      const response = await exchange(request);
      const ms = performance.now() - t0;
      options.onResponse?.(i, response);
      return { response, ms };
    } catch (cause) {
      return { error: cause instanceof Error ? cause.message : String(cause), ms: performance.now() - t0 };
    }
  };
  const workers = async (
    until: number,
    deadline: number,
    record?: (r: { response?: LoadResponse; error?: string; ms: number }) => void,
  ): Promise<void> => {
    const worker = async (): Promise<void> => {
      while (index < until && performance.now() < deadline) {
        const i = index++;
        const request = options.next(i);
        if (request === undefined) {
          index = until;
          return;
        }
        const r = await send(request, i);
        record?.(r);
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  };

  try {
    const warmupMs = options.warmupMaxMs ?? options.maxMs;
    await workers(
      options.warmupRequests ?? 0,
      warmupMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + warmupMs,
    );
    const latenciesMs: number[] = [];
    const statuses: Record<string, number> = {};
    let failed = 0;
    let firstFailure: string | undefined;
    const t0 = performance.now();
    await workers(
      index + options.requests,
      options.maxMs === undefined ? Number.POSITIVE_INFINITY : t0 + options.maxMs,
      (r) => {
        const key = r.response === undefined ? 'error' : String(r.response.status);
        statuses[key] = (statuses[key] ?? 0) + 1;
        if (r.response !== undefined && ok(r.response)) latenciesMs.push(r.ms);
        else {
          failed++;
          firstFailure ??=
            r.response === undefined
              ? String(r.error)
              : `${r.response.status} ${r.response.body.slice(0, 300)}`;
        }
      },
    );
    const seconds = (performance.now() - t0) / 1000;
    return {
      latenciesMs,
      seconds,
      ok: latenciesMs.length,
      failed,
      statuses,
      ...(firstFailure !== undefined ? { firstFailure } : {}),
      perSecond: latenciesMs.length / seconds,
    };
  } finally {
    // Close the keep-alive sockets: the server must be able to stop.
    agent.destroy();
  }
}
