/** Exponential backoff with full jitter between retries. */
export interface BackoffOptions {
  /** The first delay's upper bound, in ms. @defaultValue `200` */
  readonly initialMs?: number;
  /** The largest delay, in ms. @defaultValue `10_000` */
  readonly maxMs?: number;
  /** Growth per retry. @defaultValue `2` */
  readonly factor?: number;
  /** A source of numbers in [0, 1) for the jitter; inject for reproducible delays. @defaultValue `Math.random` */
  readonly random?: () => number;
}

/**
 * The delay before retry number `retry` (1 for the first): a uniformly random time up to
 * `min(maxMs, initialMs × factor^(retry − 1))` ("full jitter"), so peers cut off together
 * do not all come back in the same instant.
 *
 * @example
 * ```ts
 * backoffDelay(3, { initialMs: 100 }); // somewhere in [0, 400) ms
 * ```
 */
export function backoffDelay(retry: number, options: BackoffOptions = {}): number {
  const initialMs = options.initialMs ?? 200;
  const maxMs = options.maxMs ?? 10_000;
  const factor = options.factor ?? 2;
  const random = options.random ?? Math.random;
  const cap = Math.min(maxMs, initialMs * factor ** Math.max(0, retry - 1));
  return Math.floor(random() * cap);
}

/**
 * Waits `ms`, or rejects with the signal's reason as soon as it aborts.
 *
 * @example
 * ```ts
 * await sleep(backoffDelay(1), controller.signal);
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** HTTP statuses worth retrying: the request may succeed later (server busy, restarting, slow). */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}
