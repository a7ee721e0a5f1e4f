import type { ChartEvent } from '../event/chartEvent.js';
import type { EventLog } from './eventLog.js';

/** Options for {@link readEventPages}. */
export interface ReadEventPagesOptions {
  /** Events per page. @defaultValue `1000` */
  readonly pageSize?: number;
  /** Continue after this cursor (from an earlier page). @defaultValue from the start */
  readonly after?: string;
}

/**
 * Every event a store holds, page by page in insertion order, until the end of what
 * is stored now: the loop every catch-up reader (rebuild, export, verify) needs.
 * Memory stays bounded by one page.
 *
 * @example
 * ```ts
 * for await (const page of readEventPages(log)) chart.apply(page);
 * ```
 */
export async function* readEventPages(
  log: EventLog,
  options: ReadEventPagesOptions = {},
): AsyncGenerator<readonly ChartEvent[], void, undefined> {
  let cursor = options.after;
  for (;;) {
    const page = await log.readAll(cursor, options.pageSize ?? 1000);
    if (page.events.length > 0) yield page.events;
    cursor = page.cursor;
    if (page.done) return;
  }
}

/** Every event a store holds, in insertion order, in one array (tests and small stores). */
export async function readAllEvents(log: EventLog): Promise<ChartEvent[]> {
  const out: ChartEvent[] = [];
  for await (const page of readEventPages(log)) for (const e of page) out.push(e);
  return out;
}
