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
 * Records, per resource and field, the key of the latest write among `events` (those that
 * write fields and are not `retracted`) that `accept` takes, into `lastOf(resource)`: the
 * projection's `last` bookkeeping, which decides whether a later event is applied directly
 * or re-folds the field. The latest, not the last seen: a late write of an order-free field
 * is applied as it comes and must not move the key back.
 */
export function noteLastWrites(
  events: readonly ChartEvent[],
  schema: Schema,
  retracted: ReadonlySet<string>,
  lastOf: (resource: string) => Record<string, EventKey>,
  accept: (resource: string, field: string) => boolean,
): void {
  for (const e of events) {
    if (!writesFields(e, schema) || retracted.has(e.id)) continue;
    const key = eventKeyOf(e);
    forEachWrite(e, (r, f) => {
      if (accept(r, f) && !(lastOf(r)[f] !== undefined && (lastOf(r)[f] as EventKey) > key))
        lastOf(r)[f] = key;
    });
  }
}
