import {
  START,
  type AllStreamResolvedEvent,
  type EventStoreDBClient,
  type RecordedEvent,
} from '@eventstore/db-client';
import type { ChartEvent } from '../../event/chartEvent.js';
import type { EventPage } from '../eventLog.js';
import { checkLimit, DEFAULT_READ_ALL_LIMIT } from '../positionCursor.js';
import { formatAllCursor, isAfter, parseAllCursor } from './allPositionCursor.js';
import type { StreamNames } from './streamNames.js';
import { translateEventStoreDbError } from './translateEventStoreDbError.js';

const READ_ALL_BATCH = 512;

/** What {@link readAllPage} needs from the store. */
export interface ReadAllContext {
  readonly client: EventStoreDBClient;
  readonly names: StreamNames;
  /** Most `$all` records scanned per call before returning a partial page. */
  readonly scanLimit: number;
  /** The checked event a site-stream record holds, as reads return it (see `signedSiteEvent`). */
  signed(record: RecordedEvent): ChartEvent;
}

/**
 * One `readAll` page: the store's site events in `$all` (commit) order after `cursor`,
 * at most `limit`. The driver cannot filter `readAll` on the server, so this reads
 * `$all` in batches and keeps the `<prefix>-site-` streams; after `scanLimit` records of
 * other streams it returns what it has (`done: false`) with a cursor past them, so a
 * busy shared database never makes one call unbounded.
 */
export async function readAllPage(
  context: ReadAllContext,
  cursor: string | undefined,
  limit: number | undefined,
): Promise<EventPage> {
  const { client, names } = context;
  let position = parseAllCursor(cursor);
  const n = checkLimit(limit, DEFAULT_READ_ALL_LIMIT);
  const events: ChartEvent[] = [];
  let scanned = 0;
  for (;;) {
    // Reads of $all from a position include the event at it: ask for one more and skip it.
    const want = READ_ALL_BATCH + (position ? 1 : 0);
    const records: AllStreamResolvedEvent[] = [];
    try {
      for await (const r of client.readAll({ fromPosition: position ?? START, maxCount: want }))
        records.push(r);
    } catch (error) {
      throw translateEventStoreDbError(error, 'reading $all');
    }
    const atEnd = records.length < want;
    for (let i = 0; i < records.length; i++) {
      const record = records[i]?.event;
      if (!record?.position || !isAfter(record.position, position)) continue;
      position = record.position;
      scanned++;
      if (record.streamId.startsWith(names.sitePrefix)) events.push(context.signed(record));
      if (events.length >= n || scanned >= context.scanLimit)
        return { events, cursor: formatAllCursor(position), done: atEnd && i === records.length - 1 };
    }
    if (atEnd) return { events, cursor: formatAllCursor(position), done: true };
  }
}
