import { ChartlogError } from '../error/chartlogError.js';

/** How many events `readAll` returns when no limit is given. */
export const DEFAULT_READ_ALL_LIMIT = 1000;

/**
 * Cursors of stores whose insertion order is a number (a memory index, a SQLite rowid):
 * the position of the last event returned, as decimal text. Opaque to callers.
 */
export function formatPositionCursor(position: number): string {
  return String(position);
}

/**
 * Reads a cursor made by {@link formatPositionCursor}; `undefined` means the start (0).
 * @throws ChartlogError `INVALID_OPTION` for text this store never issued.
 */
export function parsePositionCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  if (typeof cursor !== 'string' || !/^(0|[1-9]\d{0,15})$/.test(cursor)) {
    throw new ChartlogError(
      'INVALID_OPTION',
      `not a readAll cursor of this store: ${JSON.stringify(cursor)}`,
      { details: { cursor } },
    );
  }
  return Number(cursor);
}

/**
 * Checks a `limit` argument: `undefined` gives `fallback`.
 * @throws ChartlogError `INVALID_OPTION` unless a positive integer.
 */
export function checkLimit(limit: number | undefined, fallback: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new ChartlogError('INVALID_OPTION', `limit must be a positive integer, got ${String(limit)}`, {
      details: { limit },
    });
  return limit;
}

/** Checks a `fromSeq` argument: `undefined` (or anything below 1) means seq 1. */
export function checkFromSeq(fromSeq: number | undefined): number {
  if (fromSeq === undefined) return 1;
  if (typeof fromSeq !== 'number' || Number.isNaN(fromSeq))
    throw new ChartlogError('INVALID_OPTION', `fromSeq must be a number, got ${String(fromSeq)}`, {
      details: { fromSeq },
    });
  return Math.max(1, Math.ceil(fromSeq));
}

/** The error every call on a closed store fails with. */
export function storeClosed(what: string): ChartlogError {
  return new ChartlogError('STORE_CLOSED', `${what} is closed`);
}
