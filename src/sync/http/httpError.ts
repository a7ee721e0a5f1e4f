import type { ServerResponse } from 'node:http';
import { isChartlogError, type ChartlogErrorCode, type ValidationIssue } from '../../error/chartlogError.js';

/**
 * The JSON body of every HTTP error the sync handler sends:
 *
 * ```json
 * { "error": { "code": "MALFORMED_MESSAGE", "message": "line 1 is not JSON: …", "issues": [{ "path": [1], "message": "not JSON" }] } }
 * ```
 */
export interface HttpErrorBody {
  readonly error: {
    /** A {@link ChartlogErrorCode}: branch on it. */
    readonly code: string;
    /** What went wrong, for a person. */
    readonly message: string;
    /** Field-level problems, when there are any. */
    readonly issues?: readonly ValidationIssue[];
  };
}

/** The HTTP status for each error code the handler answers with; anything else is 500. */
export const HTTP_STATUS_BY_CODE: Partial<Record<ChartlogErrorCode, number>> = {
  MALFORMED_MESSAGE: 400,
  SYNC_UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  SYNC_METHOD_NOT_ALLOWED: 405,
  SYNC_TIMEOUT: 408,
  SYNC_TOO_LARGE: 413,
  SYNC_BUSY: 429,
  SYNC_UNSUPPORTED_MEDIA_TYPE: 415,
  STORE_UNAVAILABLE: 503,
  STORE_LOCKED: 503,
  STORE_CLOSED: 503,
  STORE_FULL: 503,
  STORE_READ_ONLY: 503,
};

/**
 * Seconds a client is asked to wait (`Retry-After`) after a 503: the store is
 * temporarily unable to take the batch (full, locked, read-only, closing), which an
 * operator fixes without the client changing anything.
 */
export const RETRY_AFTER_SECONDS = 30;

/**
 * Sends an error as `{ error: { code, message, issues? } }` with its status, and closes
 * the connection when the request body may not have been read (so a client still
 * sending is not left talking to nobody).
 *
 * @example
 * ```ts
 * sendHttpError(res, 'SYNC_UNAUTHORIZED', 'missing bearer token');
 * ```
 */
export function sendHttpError(
  res: ServerResponse,
  code: ChartlogErrorCode,
  message: string,
  options: {
    readonly issues?: readonly ValidationIssue[];
    readonly headers?: Readonly<Record<string, string>>;
    readonly close?: boolean;
  } = {},
): void {
  if (res.headersSent) {
    // Too late for a status: cut the stream, so the client sees an incomplete body (no trailer).
    res.destroy();
    return;
  }
  const body: HttpErrorBody = {
    error:
      options.issues !== undefined && options.issues.length > 0
        ? { code, message, issues: options.issues.slice(0, 50) }
        : { code, message },
  };
  const text = JSON.stringify(body);
  const status = HTTP_STATUS_BY_CODE[code] ?? 500;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...(options.close === true ? { connection: 'close' } : {}),
    ...(status === 503 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {}),
    ...options.headers,
  });
  res.end(text);
}

/**
 * Sends any thrown value as an HTTP error: a chartlog error with its own code (and
 * issues), anything else as `SYNC_SERVER_ERROR` without leaking its message.
 */
export function sendThrown(res: ServerResponse, error: unknown, close: boolean): void {
  if (isChartlogError(error)) sendHttpError(res, error.code, error.message, { issues: error.issues, close });
  else sendHttpError(res, 'SYNC_SERVER_ERROR', 'the server failed to handle the sync request', { close });
}

/** Reads an error body's `{ error: { code, message } }`, or undefined when the text is not one. */
export function parseHttpErrorBody(
  text: string,
): { readonly code: string; readonly message: string } | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null) return undefined;
    const error = (value as Record<string, unknown>)['error'];
    if (typeof error !== 'object' || error === null) return undefined;
    const { code, message } = error as Record<string, unknown>;
    return typeof code === 'string' && typeof message === 'string' ? { code, message } : undefined;
  } catch {
    return undefined;
  }
}
