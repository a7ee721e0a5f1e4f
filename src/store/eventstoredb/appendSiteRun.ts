import { NO_STREAM, type EventStoreDBClient } from '@eventstore/db-client';
import { ChartlogError } from '../../error/chartlogError.js';
import type { ChartEvent } from '../../event/chartEvent.js';
import { eventHash, encodeEvent } from '../../event/eventHash.js';
import type { SiteHead } from '../../event/eventWriter.js';
import type { SiteId } from '../../event/ids.js';
import { encodeSiteEvent } from './eventCodec.js';
import type { StreamNames } from './streamNames.js';
import { translateEventStoreDbError } from './translateEventStoreDbError.js';

/** What {@link appendSiteRun} needs from the store. */
export interface SiteRunContext {
  readonly client: EventStoreDBClient;
  readonly names: StreamNames;
  /** Largest append request, in bytes of event data. */
  readonly maxAppendBytes: number;
  readHead(site: SiteId): Promise<SiteHead>;
  readSiteEvents(site: SiteId, fromSeq: number, limit: number): Promise<ChartEvent[]>;
}

// A second writer can move the stream between our read and our append; after this many
// reconciliations the append gives up rather than chase it.
const MAX_RECONCILE = 3;

/**
 * Appends one site's run of new events (contiguous, in seq order) to its stream with the
 * exact expected revision seq − 1 of its first event (`no_stream` for seq 1), so the
 * server refuses anything but the next position. When it refuses (wrong expected
 * version: another writer got there first), reads what the stream now holds at those
 * seqs: the same events are a duplicate written by the other writer (done), different
 * ones are a `FORK`, a stream that ends short of the run is a `SEQ_GAP`.
 */
export async function appendSiteRun(
  context: SiteRunContext,
  site: SiteId,
  run: readonly ChartEvent[],
): Promise<void> {
  const { client, names } = context;
  const stream = names.site(site);
  let pending = run;
  let reconciled = 0;
  while (pending.length > 0) {
    const chunk = takeChunk(pending, context.maxAppendBytes);
    const first = (chunk[0] as ChartEvent).seq;
    try {
      await client.appendToStream(stream, chunk.map(encodeSiteEvent), {
        expectedRevision: first === 1 ? NO_STREAM : BigInt(first - 2),
      });
      pending = pending.slice(chunk.length);
    } catch (error) {
      if ((error as { type?: unknown })?.type !== 'wrong-expected-version')
        throw translateEventStoreDbError(error, `appending ${site} from seq ${first}`, stream);
      if (++reconciled > MAX_RECONCILE) {
        throw new ChartlogError(
          'STORE_FAILED',
          `appending ${site} from seq ${first}: the stream kept moving under another writer`,
          { cause: error, details: { site, seq: first, stream } },
        );
      }
      pending = await reconcile(context, site, pending);
    }
  }
}

/** The events of `pending` still to write after the server refused the expected revision. */
async function reconcile(
  context: SiteRunContext,
  site: SiteId,
  pending: readonly ChartEvent[],
): Promise<readonly ChartEvent[]> {
  const first = (pending[0] as ChartEvent).seq;
  const head = await context.readHead(site);
  if (head.seq < first - 1) {
    throw new ChartlogError(
      'SEQ_GAP',
      `gap: ${site} seq ${first} offered but the site's stream ends at seq ${head.seq}`,
      { details: { site, seq: first, expected: head.seq + 1, stream: context.names.site(site) } },
    );
  }
  const held = await context.readSiteEvents(site, first, pending.length);
  for (let i = 0; i < held.length; i++) {
    const offered = pending[i] as ChartEvent;
    const heldHash = eventHash(held[i] as ChartEvent);
    const offeredHash = eventHash(offered);
    if (heldHash !== offeredHash) {
      throw new ChartlogError(
        'FORK',
        `fork: ${site} seq ${offered.seq} was just stored by another writer as a different event (held ` +
          `${heldHash.slice(0, 12)}…, offered ${offeredHash.slice(0, 12)}…)`,
        {
          details: { site, seq: offered.seq, id: offered.id, heldHash, offeredHash },
        },
      );
    }
  }
  return pending.slice(held.length);
}

/** The longest prefix of `events` under `maxBytes` of encoded data (at least one event). */
function takeChunk(events: readonly ChartEvent[], maxBytes: number): readonly ChartEvent[] {
  let bytes = 0;
  let n = 0;
  for (const e of events) {
    bytes += Buffer.byteLength(encodeEvent(e), 'utf8') + 256;
    if (n > 0 && bytes > maxBytes) break;
    n++;
  }
  return events.slice(0, n);
}
