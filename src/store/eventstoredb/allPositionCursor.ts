import type { Position } from '@eventstore/db-client';
import { ChartlogError } from '../../error/chartlogError.js';

const START_CURSOR = 'esdb:start';
const CURSOR = /^esdb:(0|[1-9]\d{0,19}):(0|[1-9]\d{0,19})$/;

/**
 * `readAll` cursors of the eventstoredb store: the `$all` position (commit and prepare)
 * of the last event read, as `esdb:<commit>:<prepare>`; `esdb:start` before any.
 */
export function formatAllCursor(position: Position | undefined): string {
  return position === undefined ? START_CURSOR : `esdb:${position.commit}:${position.prepare}`;
}

/**
 * Reads a cursor made by {@link formatAllCursor}; `undefined` (or `esdb:start`) means the start.
 * @throws ChartlogError `INVALID_OPTION` for text this store never issued.
 */
export function parseAllCursor(cursor: string | undefined): Position | undefined {
  if (cursor === undefined || cursor === START_CURSOR) return undefined;
  const m = typeof cursor === 'string' ? CURSOR.exec(cursor) : null;
  if (!m)
    throw new ChartlogError(
      'INVALID_OPTION',
      `not a readAll cursor of an eventstoredb store: ${JSON.stringify(cursor)}`,
      { details: { cursor } },
    );
  return { commit: BigInt(m[1] as string), prepare: BigInt(m[2] as string) };
}

/** True when `a` comes after `b` in `$all`. */
export function isAfter(a: Position, b: Position | undefined): boolean {
  if (b === undefined) return true;
  return a.commit > b.commit || (a.commit === b.commit && a.prepare > b.prepare);
}
