import { ChartlogError, isChartlogError } from '../../error/chartlogError.js';
import type { FhirInputSource } from './fhirInputSource.js';
import { raceAbort, throwIfAborted } from './raceAbort.js';

/**
 * A source's chunks as bytes (strings encoded as UTF-8), each counted by `onBytes`.
 * Stops with `ABORTED` as soon as `signal` aborts, even while the source stalls, and
 * closes the source whenever reading stops early.
 *
 * @throws ChartlogError `FHIR_INPUT_UNREADABLE` when the source fails or yields something
 *   other than strings and bytes; `ABORTED` when `signal` aborts.
 */
export async function* readSourceBytes(
  source: FhirInputSource,
  signal: AbortSignal | undefined,
  onBytes: (count: number) => void,
): AsyncGenerator<Uint8Array, void, undefined> {
  const chunks = source.chunks[Symbol.asyncIterator]();
  let done = false;
  let waiting = false;
  try {
    for (;;) {
      throwIfAborted(signal);
      let next: IteratorResult<string | Uint8Array>;
      waiting = true;
      try {
        next = await raceAbort(chunks.next(), signal);
        waiting = false;
      } catch (error) {
        if (isChartlogError(error) && error.code === 'ABORTED') throw error;
        waiting = false;
        done = true;
        throw unreadable(source, error);
      }
      if (next.done === true) {
        done = true;
        return;
      }
      const chunk: unknown = next.value;
      const bytes =
        typeof chunk === 'string'
          ? Buffer.from(chunk, 'utf8')
          : chunk instanceof Uint8Array
            ? chunk
            : undefined;
      if (bytes === undefined)
        throw unreadable(source, new TypeError(`a chunk is ${typeof chunk}, not a string or Uint8Array`));
      onBytes(bytes.length);
      yield bytes;
    }
  } finally {
    if (!done) {
      const closing = chunks.return?.();
      // A stalled source never settles its pending read: don't wait for it to close.
      if (waiting) void closing?.catch(() => undefined);
      else await closing?.catch(() => undefined);
    }
  }
}

function unreadable(source: FhirInputSource, cause: unknown): ChartlogError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ChartlogError('FHIR_INPUT_UNREADABLE', `could not be read to the end (${reason})`, {
    cause,
    details: { input: source.name },
  });
}
