import type { ChartEvent } from '../event/chartEvent.js';
import type { StreamId } from '../event/ids.js';
import type { Schema } from '../merge/schema.js';
import { freezeDeep } from '../event/freezeDeep.js';
import { foldFromEmpty } from './applyBatch.js';
import { retractionTargets } from './applyEvent.js';
import { EMPTY_DIGEST_SUM } from './digestSum.js';
import type { EventKey } from './eventKey.js';
import { fieldWritingEvents, noteLastWrites } from './fieldWrites.js';
import { finishStream, type StreamOutcome } from './finishStream.js';
import type { ProjectedStream } from './projectionTables.js';
import type { StreamState } from './streamState.js';

/**
 * Folds the events of a stream that has no row yet into the rows a projection keeps:
 * the pure fold from empty (plain objects, no drafts), then every resource's canonical
 * JSON, hash and per-field last write key, and the stream's digest and hash. What
 * {@link createProjector} does for a record's first events and for every stream of a
 * rebuild, and what a SQLite rebuild's worker threads run: one function, so a parallel
 * rebuild's rows are the serial one's by construction.
 *
 * @param events - every event of the stream to fold, in total order (`compareEvents`).
 * @param freeze - false for a caller that only encodes the rows and drops the states (a
 *   rebuild worker): deep-freezing them was 4.6% of a worker's time. Never false where the
 *   states are handed out or cached.
 */
export function foldNewStream(
  stream: StreamId,
  events: readonly ChartEvent[],
  schema: Schema,
  freeze = true,
): StreamOutcome {
  const row: ProjectedStream = {
    stream,
    events: 0,
    digest: EMPTY_DIGEST_SUM,
    hash: '',
    conflicts: [],
    retracted: [],
  };
  const retracted = new Set<string>();
  for (const e of events) for (const id of retractionTargets(e, schema)) retracted.add(id);
  const folded = foldFromEmpty(stream, events, 0, events.length, schema, retracted);
  const state = freeze ? (freezeDeep(folded) as StreamState) : folded;
  const lasts = new Map<string, Record<string, EventKey>>();
  const lastOf = (r: string): Record<string, EventKey> => {
    let l = lasts.get(r);
    if (l === undefined) lasts.set(r, (l = {}));
    return l;
  };
  noteLastWrites(fieldWritingEvents(events, schema, retracted), lastOf, () => true);
  return finishStream(
    stream,
    row,
    events.length,
    state,
    Object.keys(state.resources),
    () => undefined,
    lasts,
  );
}
