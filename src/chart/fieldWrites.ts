import type { ChartEvent } from '../event/chartEvent.js';
import { jsonKeys } from '../event/json.js';
import { RETRACTION_EVENT, type Schema } from '../merge/schema.js';
import { isFoldable } from './applyEvent.js';
import { eventKeyOf, type EventKey } from './eventKey.js';

/** True for an event the fold applies as field writes (understood, and not a retraction). */
export function writesFields(event: ChartEvent, schema: Schema): boolean {
  return event.type !== RETRACTION_EVENT && isFoldable(event, schema);
}

/** Calls `visit` for every `(resource, field)` an event the fold understands writes. */
export function forEachWrite(event: ChartEvent, visit: (resource: string, field: string) => void): void {
  const data = event.data;
  for (const resource of jsonKeys(data))
    for (const field of Object.keys(data[resource] as object)) visit(resource, field);
}

/**
 * The events among `events` whose field writes the fold applies: understood by the schema
 * ({@link writesFields}), not retractions, and not `retracted`. Judging an event means
 * checking every value it writes against its rule, so a caller that walks the same events
 * several times asks once and walks this list (the projector asked up to five times per
 * event).
 */
export function fieldWritingEvents(
  events: readonly ChartEvent[],
  schema: Schema,
  retracted: ReadonlySet<string>,
): ChartEvent[] {
  const out: ChartEvent[] = [];
  for (const e of events) if (!retracted.has(e.id) && writesFields(e, schema)) out.push(e);
  return out;
}

/**
 * Records, per resource and field, the key of the latest write among `writing` (events
 * {@link fieldWritingEvents} kept) that `accept` takes, into `lastOf(resource)`: the
 * projection's `last` bookkeeping, which decides whether a later event is applied directly
 * or re-folds the field. The latest, not the last seen: a late write of an order-free field
 * is applied as it comes and must not move the key back.
 */
export function noteLastWrites(
  writing: readonly ChartEvent[],
  lastOf: (resource: string) => Record<string, EventKey>,
  accept: (resource: string, field: string) => boolean,
): void {
  for (const e of writing) {
    const key = eventKeyOf(e);
    forEachWrite(e, (r, f) => {
      if (accept(r, f) && !(lastOf(r)[f] !== undefined && (lastOf(r)[f] as EventKey) > key))
        lastOf(r)[f] = key;
    });
  }
}
