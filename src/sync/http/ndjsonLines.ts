import { ChartlogError } from '../../error/chartlogError.js';

/** Limits on an NDJSON stream read by {@link readNdjsonLines}. */
export interface NdjsonLimits {
  /** Most bytes in the whole stream. @defaultValue `64 MiB` */
  readonly maxBytes?: number;
  /** Most bytes in one line (newline excluded). @defaultValue `2 MiB` (twice the default largest event) */
  readonly maxLineBytes?: number;
}

/** The default {@link NdjsonLimits.maxBytes}: 64 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
/** The default {@link NdjsonLimits.maxLineBytes}: 2 MiB, room for a largest (1 MiB) event and its signature. */
export const DEFAULT_MAX_LINE_BYTES = 2 * 1024 * 1024;

const NEWLINE = 0x0a;

/**
 * Splits a byte stream (a node:http request, a fetch response body) into lines of
 * UTF-8 text as they arrive, holding at most one line in memory. Lines are split on
 * `\n` bytes, so a multi-byte character cut across chunks is never mis-decoded; a
 * trailing `\r` and empty lines are dropped. `onBytes` sees every chunk's size (for
 * counting bytes on the wire).
 *
 * @throws ChartlogError `SYNC_TOO_LARGE` when the stream or a line exceeds its limit
 *   (`details.limit`, `details.what` = `'body'` or `'line'`), before buffering more.
 * @example
 * ```ts
 * for await (const line of readNdjsonLines(req, { maxBytes: 1 << 20 })) handle(JSON.parse(line));
 * ```
 */
export async function* readNdjsonLines(source: AsyncIterable<Uint8Array>, limits: NdjsonLimits = {}, onBytes?: (n: number) => void): AsyncGenerator<string, void, undefined> {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxLineBytes = limits.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending: Buffer[] = []; // the current line's bytes so far
  let pendingBytes = 0;
  let total = 0;
  let lineNo = 0;
  const finish = (tail: Buffer): string | undefined => {
    const bytes = pending.length === 0 ? tail : Buffer.concat([...pending, tail]);
    pending = [];
    pendingBytes = 0;
    lineNo++;
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch (cause) {
      throw new ChartlogError('MALFORMED_MESSAGE', `line ${lineNo} is not valid UTF-8`, { cause, details: { line: lineNo } });
    }
    if (text.endsWith('\r')) text = text.slice(0, -1);
    return text.trim() === '' ? undefined : text;
  };
  const tooLong = (): ChartlogError =>
    new ChartlogError('SYNC_TOO_LARGE', `line ${lineNo + 1} is longer than ${maxLineBytes} bytes`, { details: { what: 'line', limit: maxLineBytes, line: lineNo + 1 } });

  for await (const raw of source) {
    const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    total += chunk.length;
    onBytes?.(chunk.length);
    if (total > maxBytes) throw new ChartlogError('SYNC_TOO_LARGE', `body is larger than ${maxBytes} bytes`, { details: { what: 'body', limit: maxBytes } });
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl === -1) break;
      if (pendingBytes + (nl - start) > maxLineBytes) throw tooLong();
      const line = finish(chunk.subarray(start, nl));
      if (line !== undefined) yield line;
      start = nl + 1;
    }
    if (start < chunk.length) {
      pendingBytes += chunk.length - start;
      if (pendingBytes > maxLineBytes) throw tooLong();
      // Copy: the source may reuse its chunk's memory once we return to it.
      pending.push(Buffer.from(chunk.subarray(start)));
    }
  }
  if (pendingBytes > 0) {
    const line = finish(Buffer.alloc(0));
    if (line !== undefined) yield line;
  }
}

/**
 * Parses one NDJSON line as JSON.
 *
 * @throws ChartlogError `MALFORMED_MESSAGE` naming the line when it is not JSON.
 * @example
 * ```ts
 * const header = parseNdjsonLine(line, 1);
 * ```
 */
export function parseNdjsonLine(line: string, lineNo: number): unknown {
  try {
    return JSON.parse(line);
  } catch (cause) {
    throw new ChartlogError('MALFORMED_MESSAGE', `line ${lineNo} is not JSON: ${(cause as Error).message}`, { cause, issues: [{ path: [lineNo], message: 'not JSON' }], details: { line: lineNo } });
  }
}
