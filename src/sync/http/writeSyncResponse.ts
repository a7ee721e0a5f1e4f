import type { ServerResponse } from 'node:http';
import type { IngestReport } from '../ingestReport.js';
import { SYNC_PROTOCOL_VERSION, type SyncMessage } from '../syncMessage.js';
import { NDJSON_CONTENT_TYPE, syncMessageLines, trailerLine } from './syncMessageNdjson.js';

/** Bytes gathered before one `write` (fewer, larger chunks than a write per event). */
const CHUNK_BYTES = 64 * 1024;

/**
 * Writes a sync response: 200, NDJSON, the message's lines (none when `reply` is null),
 * then the trailer. Writes in ~64 KiB chunks and waits for `drain`, so a slow reader
 * holds at most one chunk of the reply in the socket's buffer; a reader slower than
 * `timeoutMs` for the whole response has its connection cut (it then lacks the trailer
 * and retries, which is harmless).
 *
 * @example
 * ```ts
 * await writeSyncResponse(res, reply, ingestReport, { site: replica.site, timeoutMs: 30_000 });
 * ```
 */
export async function writeSyncResponse(
  res: ServerResponse,
  reply: SyncMessage | null,
  report: IngestReport | null,
  options: { readonly site: string; readonly timeoutMs: number },
): Promise<void> {
  const timer = setTimeout(() => res.destroy(), options.timeoutMs);
  try {
    res.writeHead(200, {
      'content-type': `${NDJSON_CONTENT_TYPE}; charset=utf-8`,
      'cache-control': 'no-store',
      'chartlog-site': options.site,
      'chartlog-protocol': String(SYNC_PROTOCOL_VERSION),
    });
    let chunk = '';
    for (const line of syncMessageLines(reply)) {
      chunk += line;
      if (chunk.length >= CHUNK_BYTES) {
        if (!res.write(chunk)) await drained(res);
        chunk = '';
      }
    }
    chunk += trailerLine(reply?.events.length ?? 0, report);
    res.end(chunk);
  } finally {
    clearTimeout(timer);
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      res.off('close', onClose);
      resolve();
    };
    const onClose = (): void => {
      res.off('drain', onDrain);
      reject(
        Object.assign(new Error('client went away mid-response'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }),
      );
    };
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}
