import {
  createEventWriter,
  createHybridClock,
  siteId,
  streamId,
  type ChartEvent,
  type EventWriter,
} from '../../src/index.js';
import { draftFromShadow, rememberWrites, type FieldShadow } from './fieldShadow.js';
import { WORKLOAD_SITES, type Save } from './primaryCareSaves.js';

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
    WORKLOAD_SITES.map((s) => [
      s,
      createEventWriter({ site: siteId(s), clock: createHybridClock({ wallClock: () => wall }) }),
    ]),
  );
  const shadow = new Map<string, FieldShadow>();
  const events: ChartEvent[] = new Array(saves.length);
  for (let i = 0; i < saves.length; i++) {
    const save = saves[i] as Save;
    wall = save.at;
    const { data, pred, touched } = draftFromShadow(save, shadow);
    const event = (writers.get(save.site) as EventWriter).append({
      stream: streamId(`patient/${save.patient}`),
      type: save.type,
      data,
      pred,
      author: { id: `clinician-${save.site}`, org: save.site },
    });
    rememberWrites(shadow, touched, event.id, save.site);
    events[i] = event;
    if (onProgress && i % 50_000 === 49_999) onProgress(i + 1);
  }
  return events;
}
