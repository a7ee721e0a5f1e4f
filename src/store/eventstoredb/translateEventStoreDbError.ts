import { ChartlogError, isChartlogError } from '../../error/chartlogError.js';

// @eventstore/db-client names its errors by `type` (ErrorType); checked by value, not
// instanceof, so a second copy of the driver still translates.
const UNAVAILABLE = new Set(['unavailable', 'deadline-exceeded', 'timeout', 'cancelled', 'not-leader']);
// gRPC status codes seen before the driver wraps them: UNAVAILABLE, DEADLINE_EXCEEDED.
const UNAVAILABLE_GRPC = new Set([14, 4]);

/**
 * Turns an `@eventstore/db-client` error into the {@link ChartlogError} a caller can act
 * on, with `details.action`, `details.driverType` and, where known, `details.stream`:
 *
 * | driver | chartlog |
 * |---|---|
 * | unavailable, deadline exceeded, timeout, cancelled by the server, not leader | `STORE_UNAVAILABLE` |
 * | anything else (access denied, maximum append size, unknown, …) | `STORE_FAILED` |
 *
 * Wrong-expected-version is not translated here: the adapter reads what the stream
 * holds and reports `FORK` or `SEQ_GAP`. A ChartlogError passes through unchanged.
 */
export function translateEventStoreDbError(error: unknown, action: string, stream?: string): ChartlogError {
  if (isChartlogError(error)) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    type?: unknown;
    code?: unknown;
    message?: unknown;
    streamName?: unknown;
    maxAppendSize?: unknown;
  };
  const driverType = typeof e.type === 'string' ? e.type : undefined;
  const unavailable =
    (driverType !== undefined && UNAVAILABLE.has(driverType)) ||
    (typeof e.code === 'number' && UNAVAILABLE_GRPC.has(e.code));
  const code = unavailable ? 'STORE_UNAVAILABLE' : 'STORE_FAILED';
  const reason = typeof e.message === 'string' ? e.message : String(error);
  const maxAppendSize = typeof e.maxAppendSize === 'number' ? ` (${e.maxAppendSize} bytes)` : '';
  const hint = unavailable
    ? 'the EventStoreDB node is unreachable or not the leader; retry later ' +
      '(an append that failed this way may or may not have been stored: retrying it is safe). '
    : driverType === 'maximum-append-size-exceeded'
      ? `the batch exceeds the node's MaxAppendSize${maxAppendSize}; lower maxAppendBytes or raise MaxAppendSize. `
      : driverType === 'access-denied'
        ? "the connection's user may not do this; check the credentials and stream ACLs. "
        : '';
  const named = stream ?? (typeof e.streamName === 'string' ? e.streamName : undefined);
  return new ChartlogError(code, `${action} failed: ${hint}${reason}`, {
    cause: error,
    details: {
      action,
      ...(driverType ? { driverType } : {}),
      ...(named ? { stream: named } : {}),
    },
  });
}
