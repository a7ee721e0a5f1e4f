import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { canonicalJson } from '../../event/canonicalJson.js';
import type { Json } from '../../event/json.js';
import type { EventLog } from '../eventLog.js';
import { readEventPages } from '../readEventPages.js';

/** Progress of an export. */
export interface ExportProgress {
  /** Events written so far. */
  readonly events: number;
  /** Bytes written so far. */
  readonly bytes: number;
}

/** Options for {@link exportNdjson}. */
export interface ExportNdjsonOptions {
  /** Called after each page. */
  readonly onProgress?: (progress: ExportProgress) => void;
  /** Events read per call. @defaultValue `1000` */
  readonly pageSize?: number;
  /** End `writable` when done (and wait for it to finish). @defaultValue `false` */
  readonly end?: boolean;
}

/**
 * Writes every event of a store as newline-delimited JSON, one canonical JSON object per
 * line (signature included), in the store's insertion order — so each site's events
 * come in seq order and {@link importNdjson} can load the file into any store. Streams
 * page by page and waits for `drain`: memory stays constant however large the store.
 *
 * @example
 * ```ts
 * await exportNdjson(log, createWriteStream('backup.ndjson'), { end: true });
 * ```
 */
export async function exportNdjson(
  log: EventLog,
  writable: Writable | NodeJS.WritableStream,
  options: ExportNdjsonOptions = {},
): Promise<ExportProgress> {
  const pageSize = options.pageSize ?? 1000;
  let events = 0;
  let bytes = 0;
  for await (const page of readEventPages(log, { pageSize })) {
    let chunk = '';
    for (const event of page) chunk += canonicalJson(event as unknown as Json) + '\n';
    events += page.length;
    bytes += Buffer.byteLength(chunk, 'utf8');
    if (!writable.write(chunk)) await once(writable as Writable, 'drain');
    options.onProgress?.({ events, bytes });
  }
  if (options.end) {
    const finished = once(writable as Writable, 'finish');
    writable.end();
    await finished;
  }
  return { events, bytes };
}
