import { ChartlogError } from '../../error/chartlogError.js';
import type { ChartEvent } from '../../event/chartEvent.js';
import { isIdOfEncoding } from '../../event/eventId.js';
import { hashCanonical } from '../../event/eventHash.js';
import { signatureIntact } from '../signatureCheck.js';

/** An `events` row as read: `[site, seq, stream, hlc, hash, body, sig, sigCheck]`. */
export type EventRow = [
  site: string,
  seq: number,
  stream: string,
  hlc: string,
  hash: string,
  body: string,
  sig: string | null,
  sigCheck: string | null,
];

/** The columns of an {@link EventRow}, in order, for SELECTs (schema version 2 on). */
export const EVENT_ROW_COLUMNS = 'site, seq, stream, hlc, hash, body, sig, sig_check';
/** The same for a schema version 1 file opened read-only (not migrated): its signatures have no check. */
export const EVENT_ROW_COLUMNS_V1 = 'site, seq, stream, hlc, hash, body, sig, NULL';

/** Told of a row whose signature failed its check (and was left out of the event returned). */
export type DamagedSignatureReporter = (site: string, seq: number) => void;

/**
 * Turns a stored row (its columns from `offset` on) back into an event, re-hashing its canonical text first: a row
 * whose content no longer matches its hash (a flipped bit, an edited file), or whose id
 * is not the one its content derives, is never returned as good data. With `damagedSignature` given, the row's signature is checked
 * too: a damaged one is left out of the event and reported there, since the event is
 * intact and a signature can be had again from any later signed copy.
 *
 * @throws ChartlogError `STORE_CORRUPT` naming the file, site and seq.
 */
export function decodeEventRow(
  row: readonly unknown[],
  path: string,
  offset = 0,
  damagedSignature?: DamagedSignatureReporter,
): ChartEvent {
  const site = row[offset] as string;
  const seq = row[offset + 1] as number;
  const stream = row[offset + 2] as string;
  const hlc = row[offset + 3] as string;
  const hash = row[offset + 4] as string;
  const body = row[offset + 5] as string;
  const sig = row[offset + 6] as string | null;
  const sigCheck = row[offset + 7] as string | null;
  if (hashCanonical(body) !== hash) throw corruptRow(path, site, seq, 'its content does not match its hash');
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
  // An id its content does not derive would let the row stand in for another event.
  if (typeof event['id'] !== 'string' || !isIdOfEncoding(body, event['id']))
    throw corruptRow(path, site, seq, 'its id is not the one its content derives');
  if (damagedSignature !== undefined && !signatureIntact(hash, sig, sigCheck)) damagedSignature(site, seq);
  else if (sig !== null) event['sig'] = sig;
  // Neither deep-frozen nor its hash remembered: a chart freezes the values it keeps,
  // and remembering cost 15% of the read rate (a WeakMap entry per event) for hashes
  // that readers (rebuild, sync senders) never ask for.
  return event as unknown as ChartEvent;
}

/** The error for a damaged stored event. */
export function corruptRow(path: string, site: string, seq: number, why: string): ChartlogError {
  return new ChartlogError('STORE_CORRUPT', `${path}: stored event ${site} seq ${seq} is corrupt: ${why}`, {
    details: { path, site, seq },
  });
}
