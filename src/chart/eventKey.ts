import type { ChartEvent } from '../event/chartEvent.js';

/**
 * An event's place in its stream's total order as one string: `hlc`, `site` and `seq`
 * joined by a space, seq zero-padded, so comparing two keys as strings gives
 * `compareEvents`' order. `(site, seq)` is unique in a store (a second event at a taken
 * seq is a fork and refused), so the key names one event. A projection keeps, per field,
 * the key of the last write it folded: an event whose key is later is applied directly.
 */
export type EventKey = string & { readonly __brand: 'EventKey' };

/** The stamp, site and seq an {@link EventKey} names. */
export function parseEventKey(key: EventKey): {
  readonly hlc: string;
  readonly site: string;
  readonly seq: number;
} {
  const [hlc, site, seq] = key.split(' ') as [string, string, string];
  return { hlc, site, seq: Number(seq) };
}

/** The {@link EventKey} of an event. */
export function eventKeyOf(event: Pick<ChartEvent, 'hlc' | 'site' | 'seq'>): EventKey {
  // A space sorts before every character a stamp or site id may hold ([a-z0-9-], digits,
  // `-:.TZ`), so `a` < `ab` as compareEvents says; and unlike NUL it is not escaped in JSON.
  return `${event.hlc} ${event.site} ${String(event.seq).padStart(16, '0')}` as EventKey;
}
