import type { Chart } from '../chart/chart.js';
import type { Hlc } from '../event/hlc.js';
import type { EventLog } from '../store/eventLog.js';

/** What {@link rebuildChart} read. */
export interface RebuildReport {
  /** Events read from the store. */
  readonly events: number;
  /** The latest stamp stored, so a restarted clock never goes back; undefined for an empty store. */
  readonly maxHlc: Hlc | undefined;
}

/**
 * Folds everything a store holds into a chart, page by page (one `apply` per page, so
 * each stream is built in a few immer drafts rather than one per event).
 *
 * @defaultValue pageSize `1000`
 * @example
 * ```ts
 * const chart = createChart({ schema });
 * const { events, maxHlc } = await rebuildChart(store, chart);
 * ```
 */
export async function rebuildChart(store: EventLog, chart: Chart, pageSize = 1000): Promise<RebuildReport> {
  let cursor: string | undefined;
  let events = 0;
  let maxHlc: Hlc | undefined;
  for (;;) {
    const page = await store.readAll(cursor, pageSize);
    chart.apply(page.events);
    for (const e of page.events) if (maxHlc === undefined || e.hlc > maxHlc) maxHlc = e.hlc;
    events += page.events.length;
    cursor = page.cursor;
    if (page.done || page.events.length === 0) return { events, maxHlc };
  }
}
