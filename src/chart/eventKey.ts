import type { ChartEvent } from '../event/chartEvent.js';

/**
 * An event's place in its stream's total order as one string: `hlc`, `site` and `seq`
 * joined by NUL, seq zero-padded, so comparing two keys as strings gives
 * `compareEvents`' order. `(site, seq)` is unique in a store (a second event at a taken
 * seq is a fork and refused), so the key names one event. A projection keeps, per field,
 * the key of the last write it folded: an event whose key is later is applied directly.
 */
export type EventKey = string & { readonly __brand: 'EventKey' };

/** The {@link EventKey} of an event. */
export function eventKeyOf(event: Pick<ChartEvent, 'hlc' | 'site' | 'seq'>): EventKey {
  // NUL sorts before every character a site id may hold: `a` < `ab` as compareEvents says.
  return `${event.hlc}\u0000${event.site}\u0000${String(event.seq).padStart(16, '0')}` as EventKey;
}
