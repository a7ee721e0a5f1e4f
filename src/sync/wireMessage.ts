import { ChartlogError } from '../error/chartlogError.js';
import { isPlainObject } from '../event/json.js';
import type { ChartEvent } from '../event/chartEvent.js';
import { decodeWireEvent, encodeWireEvent } from '../event/wireEvent.js';
import { parseSyncMessage, type SyncMessage } from './syncMessage.js';

/**
 * The NDJSON lines of a sync message as it travels (HTTP bodies, and the in-process
 * transport's simulated wire), each ending in `\n`: the message without `events` first,
 * then one event per line in wire form ({@link encodeWireEvent}: the canonical bytes
 * verbatim, the signature beside them), encoded lazily. No message (`null`) is no lines.
 *
 * @example
 * ```ts
 * for (const line of syncMessageLines(message)) res.write(line);
 * ```
 */
export function* syncMessageLines(message: SyncMessage | null): Generator<string, void, undefined> {
  if (message === null) return;
  const { events, ...header } = message;
  yield `${JSON.stringify(header)}\n`;
  const known = eventLines.get(message);
  // Reused only for exactly the events they were made from (a caller may have swapped some).
  const reuse =
    known !== undefined &&
    known.events.length === events.length &&
    known.events.every((e, i) => e === events[i]);
  for (let i = 0; i < events.length; i++)
    yield `${reuse ? (known.lines[i] as string) : encodeWireEvent(events[i] as ChartEvent)}\n`;
}

// Wire lines generateSyncMessage already encoded (it sizes messages by them), per
// message object: the message is encoded once, and the lines go when the message does.
// A memo, not a hand-over: the lines are encodeWireEvent of exactly those events (checked
// at use), so a caller that finds none encodes the same lines itself.
const eventLines = new WeakMap<
  SyncMessage,
  { readonly events: readonly ChartEvent[]; readonly lines: readonly string[] }
>();

/** Records the wire lines of `message`'s events (in order), so {@link syncMessageLines} does not encode them again. */
export function rememberEventLines(message: SyncMessage, lines: readonly string[]): void {
  eventLines.set(message, { events: [...message.events], lines });
}

// Each event line is `{"e":` + the event's bytes + `}`, and `,"sig":"…"` before the `}` when signed.
const EVENT_LINE_FRAMING = '{"e":}'.length;

// The UTF-8 bytes of the event lines a message was read from (readSyncMessage), per message.
const readLineBytes = new WeakMap<SyncMessage, number>();

/** Records the UTF-8 bytes of the event lines `message` was read from, for {@link eventBytesOf}. */
export function rememberEventLineBytes(message: SyncMessage, bytes: number): void {
  readLineBytes.set(message, bytes);
}

/**
 * The bytes of a message's events as their wire lines carry them (the lines less their
 * framing), which for events chartlog built is their canonical encoding: what
 * `SyncReport.eventBytes` counts. The lines are measured where they were read or
 * encoded already; only a message that never had lines is encoded, natively. This is a
 * statistic: encoding every event canonically for it cost about 5% of a catch-up site's CPU
 * (bench/practice, `catchup`).
 *
 * @example
 * ```ts
 * const overhead = bytesOnTheWire / eventBytesOf(message);
 * ```
 */
export function eventBytesOf(message: SyncMessage | null): number {
  if (message === null) return 0;
  const { events } = message;
  let lineBytes = readLineBytes.get(message);
  if (lineBytes === undefined) {
    const known = eventLines.get(message);
    lineBytes = 0;
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as ChartEvent;
      const line = known?.events[i] === e ? (known.lines[i] as string) : encodeWireEvent(e);
      lineBytes += Buffer.byteLength(line, 'utf8');
    }
  }
  let framing = events.length * EVENT_LINE_FRAMING;
  for (const e of events) if (e.sig !== undefined) framing += `,"sig":${JSON.stringify(e.sig)}`.length;
  return lineBytes - framing;
}

/**
 * Checks that the first line of a message is a header (the message without `events`).
 * @throws ChartlogError `MALFORMED_MESSAGE` naming the line.
 */
export function checkHeaderLine(value: unknown, lineNo: number): Record<string, unknown> {
  if (!isPlainObject(value))
    throw malformedLine('the first line must be the message header, a JSON object', lineNo);
  if ('events' in value)
    throw malformedLine('the header line must not carry `events`: they follow, one per line', lineNo);
  return value;
}

/**
 * One event line read: the decoded event (frozen, its bytes kept for ingest's fast
 * hash), or the parsed value when the line is JSON but not an event line (ingest refuses
 * it, with the reason, without refusing the rest).
 * @throws ChartlogError `MALFORMED_MESSAGE` when the line is not JSON.
 */
export function readEventLine(line: string, lineNo: number): unknown {
  const value = decodeWireEvent(line);
  if (value === undefined) throw malformedLine(`line ${lineNo} is not JSON`, lineNo);
  return value;
}

/**
 * Reads a whole message from its NDJSON text ({@link syncMessageLines} joined): what the
 * in-process transport does with a message it has put on its simulated wire. An empty
 * text is no message (`null`).
 * @throws ChartlogError `MALFORMED_MESSAGE`.
 */
export function decodeSyncMessageText(text: string): SyncMessage | null {
  if (text.length === 0) return null;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let header: Record<string, unknown>;
  try {
    header = checkHeaderLine(JSON.parse(lines[0] as string), 1);
  } catch (cause) {
    if (cause instanceof ChartlogError) throw cause;
    throw malformedLine('line 1 is not JSON', 1);
  }
  const events: unknown[] = new Array(lines.length - 1);
  for (let i = 1; i < lines.length; i++) events[i - 1] = readEventLine(lines[i] as string, i + 1);
  return parseSyncMessage({ ...header, events });
}

function malformedLine(message: string, lineNo: number): ChartlogError {
  return new ChartlogError('MALFORMED_MESSAGE', message, {
    issues: [{ path: [lineNo], message }],
    details: { line: lineNo },
  });
}
