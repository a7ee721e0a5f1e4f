import type { RecordedEvent } from '@eventstore/db-client';
import type { ChartEvent } from '../../event/chartEvent.js';
import { decodeSiteRecord } from './eventCodec.js';
import type { SignatureOverlay } from './signatureOverlay.js';
import type { StreamNames } from './streamNames.js';

/** Told of an event returned without a signature because the one stored (in `stream`) failed its check. */
export type DamagedSignatureReporter = (stream: string, site: string, seq: number) => void;

/**
 * The chart event a site-stream record holds, as every read returns it (see
 * {@link decodeSiteRecord} for the checks): with its own signature when that is intact,
 * else with an intact signature added later (the overlay), else unsigned. When it goes
 * out unsigned because a stored signature failed its check (or had none), `damaged` is
 * told, naming the stream that holds the damaged one; once an intact copy has been added,
 * the event is whole again and nothing is reported.
 * @throws ChartlogError `STORE_CORRUPT` for a damaged event (as {@link decodeSiteRecord}).
 */
export function signedSiteEvent(
  record: RecordedEvent,
  names: StreamNames,
  overlay: SignatureOverlay,
  damaged?: DamagedSignatureReporter,
): ChartEvent {
  const { event, hash, sigDamaged } = decodeSiteRecord(record, names);
  const signed = overlay.apply(event, hash);
  if (signed.sig === undefined && damaged !== undefined) {
    if (sigDamaged) damaged(record.streamId, event.site, event.seq);
    else if (overlay.damaged(event.site, event.seq, hash)) damaged(names.signatures, event.site, event.seq);
  }
  return signed;
}
