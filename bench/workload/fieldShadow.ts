import type { EventId, Json } from '../../src/index.js';
import type { Save } from './primaryCareSaves.js';

/** Per field: the writes a clinician at the latest site sees as current, and the set before the latest write. */
export interface FieldShadow {
  live: EventId[];
  before: EventId[];
  lastSite: string;
}

/** A field a save writes: its shadow key, its shadow before the save, and whether the write is concurrent. */
export type ShadowTouch = readonly [key: string, shadow: FieldShadow | undefined, concurrent: boolean];

/**
 * The `data` and `pred` of the event for `save`, `pred` from what its author saw in
 * `shadow`: an update supersedes the field's live writes; a save marked concurrent names
 * what was current *before* another site's latest write, so both stay live. Fields of
 * resources `tracked` rejects get no `pred` and no shadow (written once by the workload).
 */
export function draftFromShadow(
  save: Save,
  shadow: ReadonlyMap<string, FieldShadow>,
  tracked: (resource: string) => boolean = () => true,
): {
  data: Record<string, Record<string, Json>>;
  pred: Record<string, Record<string, EventId[]>>;
  touched: ShadowTouch[];
} {
  const data: Record<string, Record<string, Json>> = {};
  const pred: Record<string, Record<string, EventId[]>> = {};
  const touched: ShadowTouch[] = [];
  for (const w of save.writes) {
    (data[w.resource] ??= {})[w.field] = w.value as Json;
    if (!tracked(w.resource)) continue;
    const key = `${w.resource}#${w.field}`;
    const s = shadow.get(key);
    const concurrent = w.concurrent && s !== undefined && s.lastSite !== save.site;
    const seen = s === undefined ? [] : concurrent ? s.before : s.live;
    if (seen.length > 0) (pred[w.resource] ??= {})[w.field] = [...seen].sort();
    touched.push([key, s, concurrent]);
  }
  return { data, pred, touched };
}

/** Records in `shadow` that event `id`, recorded at `site`, wrote the `touched` fields. */
export function rememberWrites(
  shadow: Map<string, FieldShadow>,
  touched: readonly ShadowTouch[],
  id: EventId,
  site: string,
): void {
  for (const [key, s, concurrent] of touched) {
    // Sets and logs keep every write; only registers need the shadow, but tracking all is harmless.
    if (s === undefined) shadow.set(key, { live: [id], before: [], lastSite: site });
    else if (concurrent) s.live = [...s.live, id];
    else {
      s.before = s.live;
      s.live = [id];
      s.lastSite = site;
    }
  }
}
