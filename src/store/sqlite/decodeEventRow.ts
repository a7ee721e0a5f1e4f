import { ChartlogError } from '../../error/chartlogError.js';
import type { ChartEvent } from '../../event/chartEvent.js';
import * as crypto from 'node:crypto';
import { hashCanonical } from '../../event/eventHash.js';

/** An `events` row as read: `[site, seq, stream, hlc, hash, body, sig]`. */
export type EventRow = [site: string, seq: number, stream: string, hlc: string, hash: string, body: string, sig: string | null];

/** The columns of an {@link EventRow}, in order, for SELECTs. */
export const EVENT_ROW_COLUMNS = 'site, seq, stream, hlc, hash, body, sig';

/**
 * Turns a stored row (its columns from `offset` on) back into an event, re-hashing its canonical text first: a row
 * whose content no longer matches its hash (a flipped bit, an edited file) is never
 * returned as good data.
 *
 * @throws ChartlogError `STORE_CORRUPT` naming the file, site and seq.
 */
export function decodeEventRow(row: readonly unknown[], path: string, offset = 0): ChartEvent {
  const site = row[offset] as string;
  const seq = row[offset + 1] as number;
  const stream = row[offset + 2] as string;
  const hlc = row[offset + 3] as string;
  const hash = row[offset + 4] as string;
  const body = row[offset + 5] as string;
  const sig = row[offset + 6] as string | null;
  if (sha256Hex(body) !== hash) throw corruptRow(path, site, seq, 'its content does not match its hash');
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw corruptRow(path, site, seq, 'its content is not JSON');
  }
  // The indexed columns must say what the hashed body says, or reads by them would lie.
  if (event['site'] !== site || event['seq'] !== seq || event['stream'] !== stream || event['hlc'] !== hlc) {
    throw corruptRow(path, site, seq, 'its indexed columns do not match its content');
  }
  if (sig !== null) event['sig'] = sig;
  return event as unknown as ChartEvent;
}

/** The error for a damaged stored event. */
export function corruptRow(path: string, site: string, seq: number, why: string): ChartlogError {
  return new ChartlogError('STORE_CORRUPT', `${path}: stored event ${site} seq ${seq} is corrupt: ${why}`, { details: { path, site, seq } });
}

// crypto.hash (Node >= 20.12) is a one-shot digest, about twice as fast as createHash for
// event-sized inputs; reads re-hash every row, so it matters here.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;
const sha256Hex: (text: string) => string = oneShot ? (text) => oneShot('sha256', text, 'hex') : hashCanonical;
