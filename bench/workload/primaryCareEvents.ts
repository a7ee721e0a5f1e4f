import { createEventWriter, createHybridClock, siteId, streamId, type ChartEvent, type EventId, type EventWriter, type Json } from '../../src/index.js';
import { WORKLOAD_SITES, type Save } from './primaryCareSaves.js';

/** Per field: the writes a clinician at the latest site sees as current, and the set before the latest write. */
interface FieldShadow {
  live: EventId[];
  before: EventId[];
  lastSite: string;
}

/**
 * Turns saves into chartlog events, one event per save, through real event writers
 * (one per site, each with its own clock): ids, hash chain and all. `pred` comes from a
 * shadow of each field's live writes, so an update supersedes what its author saw; a
 * save marked concurrent names what was current *before* another site's latest write,
 * so both stay live (an `mv` conflict until a later save names both).
 */
export function savesToEvents(saves: readonly Save[], onProgress?: (done: number) => void): ChartEvent[] {
  let wall = 0;
  const writers = new Map<string, EventWriter>(
    WORKLOAD_SITES.map((s) => [s, createEventWriter({ site: siteId(s), clock: createHybridClock({ wallClock: () => wall }) })]),
  );
  const shadow = new Map<string, FieldShadow>();
  const events: ChartEvent[] = new Array(saves.length);
  for (let i = 0; i < saves.length; i++) {
    const save = saves[i] as Save;
    wall = save.at;
    const data: Record<string, Record<string, Json>> = {};
    const pred: Record<string, Record<string, EventId[]>> = {};
    const touched: [string, FieldShadow | undefined, boolean][] = [];
    for (const w of save.writes) {
      (data[w.resource] ??= {})[w.field] = w.value as Json;
      const key = `${w.resource}#${w.field}`;
      const s = shadow.get(key);
      const concurrent = w.concurrent && s !== undefined && s.lastSite !== save.site;
      const seen = s === undefined ? [] : concurrent ? s.before : s.live;
      if (seen.length > 0) (pred[w.resource] ??= {})[w.field] = [...seen].sort();
      touched.push([key, s, concurrent]);
    }
    const event = (writers.get(save.site) as EventWriter).append({ stream: streamId(`patient/${save.patient}`), type: save.type, data, pred, author: { id: `clinician-${save.site}`, org: save.site } });
    for (const [key, s, concurrent] of touched) {
      // Sets and logs keep every write; only registers need the shadow, but tracking all is harmless.
      if (s === undefined) shadow.set(key, { live: [event.id], before: [], lastSite: save.site });
      else if (concurrent) s.live = [...s.live, event.id];
      else {
        s.before = s.live;
        s.live = [event.id];
        s.lastSite = save.site;
      }
    }
    events[i] = event;
    if (onProgress && i % 50_000 === 49_999) onProgress(i + 1);
  }
  return events;
}
