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
 *   (`details.limit`, `details.what` = `'body'` or `'line'`), before buffering more;
 *   `MALFORMED_MESSAGE` naming the line when a line is not UTF-8.
 * @example
 * ```ts
 * for await (const line of readNdjsonLines(req, { maxBytes: 1 << 20 })) handle(JSON.parse(line));
 * ```
 */
export async function* readNdjsonLines(
  source: AsyncIterable<Uint8Array>,
  limits: NdjsonLimits = {},
  onBytes?: (n: number) => void,
): AsyncGenerator<string, void, undefined> {
  for await (const batch of readNdjsonBatches(source, limits, onBytes)) yield* batch;
}

/**
 * {@link readNdjsonLines} a chunk at a time: the lines each chunk completes, as one array.
 * Many short lines cost one decode and one await per chunk rather than per line, which
 * is what keeps a body of millions of junk lines cheap to read (and count).
 *
 * @throws ChartlogError as {@link readNdjsonLines}.
 * @example
 * ```ts
 * for await (const lines of readNdjsonBatches(req)) for (const line of lines) handle(line);
 * ```
 */
export async function* readNdjsonBatches(
  source: AsyncIterable<Uint8Array>,
  limits: NdjsonLimits = {},
  onBytes?: (n: number) => void,
): AsyncGenerator<readonly string[], void, undefined> {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxLineBytes = limits.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending: Buffer[] = []; // the current line's bytes so far
  let pendingBytes = 0;
  let total = 0;
  let lineNo = 0; // lines completed so far, empty ones included
  const tooLong = (): ChartlogError =>
    new ChartlogError('SYNC_TOO_LARGE', `line ${lineNo + 1} is longer than ${maxLineBytes} bytes`, {
      details: { what: 'line', limit: maxLineBytes, line: lineNo + 1 },
    });
  // Decodes complete lines (`bytes` holds `count` of them, newlines between, none after).
  const decodeLines = (bytes: Buffer, count: number): string[] => {
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch (cause) {
      throw new ChartlogError('MALFORMED_MESSAGE', `line ${lineNo + badLine(bytes)} is not valid UTF-8`, {
        cause,
        details: { line: lineNo + badLine(bytes) },
      });
    }
    const out: string[] = [];
    let start = 0;
    for (let i = 0; i < count; i++) {
      const nl = text.indexOf('\n', start);
      let line = nl === -1 ? text.slice(start) : text.slice(start, nl);
      start = nl + 1;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line.length > 0 && (line.charCodeAt(0) > 32 || line.trim() !== '')) out.push(line);
    }
    lineNo += count;
    return out;
  };

  for await (const raw of source) {
    const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    total += chunk.length;
    onBytes?.(chunk.length);
    if (total > maxBytes)
      throw new ChartlogError('SYNC_TOO_LARGE', `body is larger than ${maxBytes} bytes`, {
        details: { what: 'body', limit: maxBytes },
      });
    let start = 0;
    let lines = 0;
    let last = -1; // the chunk's last newline
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl === -1) break;
      if ((lines === 0 ? pendingBytes : 0) + (nl - start) > maxLineBytes) {
        lineNo += lines;
        throw tooLong();
      }
      lines++;
      last = nl;
      start = nl + 1;
    }
    if (lines > 0) {
      const head = chunk.subarray(0, last);
      const batch = decodeLines(pending.length === 0 ? head : Buffer.concat([...pending, head]), lines);
      pending = [];
      pendingBytes = 0;
      if (batch.length > 0) yield batch;
    }
    if (start < chunk.length) {
      pendingBytes += chunk.length - start;
      if (pendingBytes > maxLineBytes) throw tooLong();
      // Copy: the source may reuse its chunk's memory once we return to it.
      pending.push(Buffer.from(chunk.subarray(start)));
    }
  }
  if (pendingBytes > 0) {
    const batch = decodeLines(Buffer.concat(pending), 1);
    if (batch.length > 0) yield batch;
  }
}

/** The 1-based line of `bytes` (lines separated by newlines) that is not valid UTF-8. */
function badLine(bytes: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  for (let line = 1; ; line++) {
    const nl = bytes.indexOf(NEWLINE, start);
    try {
      decoder.decode(bytes.subarray(start, nl === -1 ? bytes.length : nl));
    } catch {
      return line;
    }
    if (nl === -1) return line;
    start = nl + 1;
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
    throw new ChartlogError('MALFORMED_MESSAGE', `line ${lineNo} is not JSON: ${(cause as Error).message}`, {
      cause,
      issues: [{ path: [lineNo], message: 'not JSON' }],
      details: { line: lineNo },
    });
  }
}
