import { ChartlogError } from '../../error/chartlogError.js';

/** The `ABORTED` error for `signal`, its reason as the cause. */
export function abortedError(signal: AbortSignal): ChartlogError {
  return new ChartlogError('ABORTED', 'the FHIR import was aborted', { cause: signal.reason });
}

/** Throws {@link abortedError} when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw abortedError(signal);
}

/**
 * `promise`, or an `ABORTED` rejection as soon as `signal` aborts, whichever comes first:
 * a source that stalls cannot keep an aborted import waiting.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortedError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortedError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => (signal.removeEventListener('abort', onAbort), resolve(value)),
      (error: unknown) => (signal.removeEventListener('abort', onAbort), reject(error)),
    );
  });
}
