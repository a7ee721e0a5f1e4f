import { compareEvents, type ChartEvent } from '../event/chartEvent.js';
import type { StreamId } from '../event/ids.js';
import type { Schema } from '../merge/schema.js';
import { retractionTargets } from './applyEvent.js';
import { applyBatch } from './applyBatch.js';
import { emptyStreamState, type StreamState } from './streamState.js';

/**
 * Sorts events into the total order and drops repeated ids: the canonical sequence
 * the fold runs over. Returns a new array; the input is untouched.
 */
export function canonicalOrder(events: Iterable<ChartEvent>): ChartEvent[] {
  const seen = new Set<string>();
  const out: ChartEvent[] = [];
  for (const e of [...events].sort(compareEvents)) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    out.push(e);
  }
  return out;
}

/** Every id retracted by a retraction among `events` that the fold applies under `schema` (see {@link retractionTargets}). */
export function collectRetracted(
  events: Iterable<ChartEvent>,
  schema: Schema,
  into: Set<string> = new Set(),
): Set<string> {
  for (const e of events) for (const id of retractionTargets(e, schema)) into.add(id);
  return into;
}

/**
 * The state of one stream: `fold(sort(events))` (docs/architecture.md, "Merge rules"), built in one pass. A pure
 * function of the *set* of events: any order, any duplicates, same state.
 *
 * @param events - well-formed events of this stream (events of other streams are ignored).
 * @example const state = foldStream(stream, events, clinicalSchema);
 */
export function foldStream(stream: StreamId, events: Iterable<ChartEvent>, schema: Schema): StreamState {
  const ordered = canonicalOrder([...events].filter((e) => e.stream === stream));
  const retracted = collectRetracted(ordered, schema);
  return applyBatch(emptyStreamState(stream), ordered, 0, ordered.length, schema, retracted, true);
}

/**
 * Folds events of many streams: stream id → state. Same result as {@link foldStream}
 * per stream.
 */
export function fold(events: Iterable<ChartEvent>, schema: Schema): Map<StreamId, StreamState> {
  const byStream = new Map<StreamId, ChartEvent[]>();
  for (const e of events) {
    const list = byStream.get(e.stream);
    if (list) list.push(e);
    else byStream.set(e.stream, [e]);
  }
  const out = new Map<StreamId, StreamState>();
  for (const [stream, list] of [...byStream].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    out.set(stream, foldStream(stream, list, schema));
  return out;
}
