import { ChartlogError } from '../../error/chartlogError.js';
import { isPlainObject } from '../../event/json.js';
import type { IngestRefusal, IngestReport } from '../../replica/ingestReport.js';
import { parseSyncMessage, type SyncMessage } from '../syncMessage.js';
import { parseNdjsonLine } from './ndjsonLines.js';
import { checkHeaderLine, readEventLine } from '../wireMessage.js';

/** The media type of sync bodies, both ways. `application/ndjson` is accepted too. */
export const NDJSON_CONTENT_TYPE = 'application/x-ndjson';

/** Most refusals listed in a {@link SyncResponseTrailer} (the count is always exact). */
export const TRAILER_MAX_REFUSALS = 100;

/** What the server did with the request's message, as told in the response trailer. */
export interface IngestSummary {
  /** Events newly stored by the server. */
  readonly accepted: number;
  /** Events the server already held. */
  readonly duplicates: number;
  /** How many events the server refused. */
  readonly refusedCount: number;
  /** The first {@link TRAILER_MAX_REFUSALS} refusals, each with its typed reason. */
  readonly refused: readonly IngestRefusal[];
}

/**
 * The last line of every sync response, `{"end":true,"events":n,"ingest":{…}}`: proof
 * the response arrived whole (`events` counts the event lines before it), and the
 * server's ingest report on the request's message. Refusals are not HTTP errors.
 */
export interface SyncResponseTrailer {
  readonly end: true;
  /** Event lines in this response. */
  readonly events: number;
  /** What the server did with the request's events (all zero when the request had no message). */
  readonly ingest: IngestSummary;
}

/** Summarises an ingest report for a trailer. */
export function summariseIngest(report: IngestReport | null): IngestSummary {
  if (report === null) return { accepted: 0, duplicates: 0, refusedCount: 0, refused: [] };
  return { accepted: report.accepted, duplicates: report.duplicates, refusedCount: report.refused.length, refused: report.refused.slice(0, TRAILER_MAX_REFUSALS) };
}

export { syncMessageLines } from '../wireMessage.js';

/** The trailer line (with its `\n`). */
export function trailerLine(events: number, report: IngestReport | null): string {
  const trailer: SyncResponseTrailer = { end: true, events, ingest: summariseIngest(report) };
  return `${JSON.stringify(trailer)}\n`;
}

/** A sync message read from NDJSON; `message` is null for an empty body (nothing to say). */
export interface ReadSyncMessage {
  readonly message: SyncMessage | null;
  /** The response trailer (responses only). */
  readonly trailer?: SyncResponseTrailer;
}

/**
 * Reads a sync message from NDJSON lines: a header line (the message without
 * `events`), then events, one per line; with `trailer`, a last line
 * `{"end":true,…}` is required and checked against the event count (a response cut short
 * is refused, not half-taken). Events are not checked here: ingest checks each one.
 *
 * @throws ChartlogError `MALFORMED_MESSAGE` with issues when a line is not JSON, the
 *   header is not a sync message header, or the trailer is missing or wrong.
 * @example
 * ```ts
 * const { message } = await readSyncMessage(readNdjsonLines(req), { trailer: false });
 * ```
 */
export async function readSyncMessage(lines: AsyncIterable<string>, options: { readonly trailer: boolean }): Promise<ReadSyncMessage> {
  let header: Record<string, unknown> | undefined;
  let trailer: SyncResponseTrailer | undefined;
  const events: unknown[] = [];
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    // Event lines are decoded keeping their bytes, for ingest's fast hash.
    const value = header === undefined ? parseNdjsonLine(line, lineNo) : readEventLine(line, lineNo);
    if (trailer !== undefined) throw malformed(`line ${lineNo} follows the trailer`, lineNo);
    if (options.trailer && isPlainObject(value) && value['end'] === true) {
      trailer = checkTrailer(value, lineNo);
      continue;
    }
    if (header === undefined) {
      header = checkHeaderLine(value, lineNo);
      continue;
    }
    events.push(value);
  }
  if (options.trailer) {
    if (trailer === undefined) throw new ChartlogError('MALFORMED_MESSAGE', 'the response ended without its trailer line (cut short?)', { details: { truncated: true } });
    if (trailer.events !== events.length) throw new ChartlogError('MALFORMED_MESSAGE', `the trailer counts ${trailer.events} events but ${events.length} arrived`, { details: { truncated: true } });
  }
  const message = header === undefined ? null : parseSyncMessage({ ...header, events });
  return trailer === undefined ? { message } : { message, trailer };
}

function checkTrailer(value: Record<string, unknown>, lineNo: number): SyncResponseTrailer {
  const ingest = value['ingest'];
  const count = (x: unknown): boolean => Number.isSafeInteger(x) && (x as number) >= 0;
  if (!count(value['events']) || !isPlainObject(ingest) || !count(ingest['accepted']) || !count(ingest['duplicates']) || !count(ingest['refusedCount']) || !Array.isArray(ingest['refused'])) {
    throw malformed('malformed trailer line', lineNo);
  }
  return value as unknown as SyncResponseTrailer;
}

function malformed(message: string, lineNo: number): ChartlogError {
  return new ChartlogError('MALFORMED_MESSAGE', message, { issues: [{ path: [lineNo], message }], details: { line: lineNo } });
}
