import type { ChartEvent, EventDraft, EventId, Json, Replica } from 'chartlog';
import { streamId } from 'chartlog';
import type { Save } from './primaryCareSaves.js';

/** Per field, as one site sees it: the writes current there. */
interface FieldShadow {
  live: EventId[];
}

/** One site recording offline: its replica, and a setter for its simulated wall clock. */
export interface OfflineSite {
  readonly replica: Replica;
  setWall(ms: number): void;
}

/**
 * Records saves through each site's own replica, as sites cut off from each other do:
 * `pred` comes from a shadow of what *that site* has recorded (it sees no other site's
 * writes), so concurrent edits of one patient at two sites stay concurrent until a sync.
 * Saves are recorded with `recordAll` in batches of up to `batch` per site; a batch is
 * cut early when a save touches a field an unrecorded save of the batch wrote (its
 * `pred` needs that event's id). `seen` gives, per `<resource>#<field>`, the writes every
 * site saw as current before it was cut off (default none). Returns the number of events
 * recorded per site.
 */
export async function recordSavesOffline(
  saves: readonly Save[],
  sites: ReadonlyMap<string, OfflineSite>,
  batch = 100,
  seen: Readonly<Record<string, readonly EventId[]>> = {},
): Promise<Map<string, number>> {
  const shadows = new Map<string, Map<string, FieldShadow>>();
  const pending = new Map<
    string,
    { drafts: EventDraft[]; keys: string[][]; touched: Set<string>; at: number }
  >();
  const counts = new Map<string, number>();

  const flush = async (site: string): Promise<void> => {
    const p = pending.get(site);
    if (p === undefined || p.drafts.length === 0) return;
    const s = sites.get(site) as OfflineSite;
    s.setWall(p.at);
    const events: ChartEvent[] = await s.replica.recordAll(p.drafts);
    const shadow = shadows.get(site) as Map<string, FieldShadow>;
    events.forEach((event, i) => {
      for (const key of p.keys[i] as string[]) {
        const f = shadow.get(key);
        if (f === undefined) shadow.set(key, { live: [event.id] });
        else f.live = [event.id];
      }
    });
    counts.set(site, (counts.get(site) ?? 0) + events.length);
    pending.set(site, { drafts: [], keys: [], touched: new Set(), at: 0 });
  };

  for (const site of sites.keys()) {
    shadows.set(site, new Map(Object.entries(seen).map(([key, ids]) => [key, { live: [...ids] }])));
    pending.set(site, { drafts: [], keys: [], touched: new Set(), at: 0 });
  }
  for (const save of saves) {
    const site = save.site;
    if (!sites.has(site)) continue;
    let p = pending.get(site) as { drafts: EventDraft[]; keys: string[][]; touched: Set<string>; at: number };
    const keys = save.writes.map((w) => `${w.resource}#${w.field}`);
    if (p.drafts.length >= batch || keys.some((k) => p.touched.has(k))) {
      await flush(site);
      p = pending.get(site) as typeof p;
    }
    const shadow = shadows.get(site) as Map<string, FieldShadow>;
    const data: Record<string, Record<string, Json>> = {};
    const pred: Record<string, Record<string, EventId[]>> = {};
    for (const w of save.writes) {
      (data[w.resource] ??= {})[w.field] = w.value as Json;
      const seen = shadow.get(`${w.resource}#${w.field}`)?.live ?? [];
      if (seen.length > 0) (pred[w.resource] ??= {})[w.field] = [...seen].sort();
    }
    if (p.drafts.length === 0) p.at = save.at;
    p.drafts.push({
      stream: streamId(`patient/${save.patient}`),
      type: save.type,
      data,
      pred,
      author: { id: `clinician-${site}`, org: site },
    });
    p.keys.push(keys);
    for (const k of keys) p.touched.add(k);
  }
  for (const site of sites.keys()) await flush(site);
  return counts;
}
