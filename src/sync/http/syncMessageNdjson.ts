import { ChartlogError } from '../../error/chartlogError.js';
import { isPlainObject } from '../../event/json.js';
import { decodeWireEvent } from '../../event/wireEvent.js';
import {
  identifyRefused,
  type IngestRefusal,
  type IngestReport,
  type RefusalCode,
  type RefusalSummary,
} from '../ingestReport.js';
import { createRefusalCollector, DEFAULT_MAX_REFUSAL_EXAMPLES } from '../refusalCollector.js';
import { parseSyncMessage, type SyncMessage } from '../syncMessage.js';
import { parseNdjsonLine } from './ndjsonLines.js';
import { checkHeaderLine, rememberEventLineBytes } from '../wireMessage.js';

/** The media type of sync bodies, both ways. `application/ndjson` is accepted too. */
export const NDJSON_CONTENT_TYPE = 'application/x-ndjson';

/** Most refusals listed in a {@link SyncResponseTrailer} (the counts are always exact). */
export const TRAILER_MAX_REFUSALS = 100;

/** The default {@link ReadSyncMessageOptions.maxEvents}: 10,000 event lines in one message. */
export const DEFAULT_MAX_MESSAGE_EVENTS = 10_000;
/** The default {@link ReadSyncMessageOptions.maxVectorSites}: 10,000 sites in `vector` or `known`. */
export const DEFAULT_MAX_VECTOR_SITES = 10_000;

/** What the server did with the request's message, as told in the response trailer. */
export interface IngestSummary {
  /** Events newly stored by the server. */
  readonly accepted: number;
  /** Events the server already held. */
  readonly duplicates: number;
  /** How many events the server refused. */
  readonly refusedCount: number;
  /** How many per refusal code (absent from servers before 0.2). */
  readonly refusedByCode?: RefusalSummary['byCode'];
  /** The first refusals (at most {@link TRAILER_MAX_REFUSALS}), each with its typed reason. */
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
  if (report === null) return { accepted: 0, duplicates: 0, refusedCount: 0, refusedByCode: {}, refused: [] };
  const { count, byCode, examples } = report.refused;
  return {
    accepted: report.accepted,
    duplicates: report.duplicates,
    refusedCount: count,
    refusedByCode: byCode,
    refused: examples.slice(0, TRAILER_MAX_REFUSALS),
  };
}

/** A trailer's summary as a {@link RefusalSummary} (at most `maxExamples` examples, whatever the sender listed). */
export function refusalsOfSummary(
  summary: IngestSummary,
  maxExamples: number = DEFAULT_MAX_REFUSAL_EXAMPLES,
): RefusalSummary {
  return {
    count: summary.refusedCount,
    byCode: summary.refusedByCode ?? {},
    examples: summary.refused.slice(0, maxExamples),
  };
}

export { syncMessageLines } from '../wireMessage.js';

/** The trailer line (with its `\n`). */
export function trailerLine(events: number, report: IngestReport | null): string {
  const trailer: SyncResponseTrailer = { end: true, events, ingest: summariseIngest(report) };
  return `${JSON.stringify(trailer)}\n`;
}

/** Limits and options of {@link readSyncMessage}. */
export interface ReadSyncMessageOptions {
  /** Require a last line `{"end":true,…}` (responses) and check it against the event count. */
  readonly trailer: boolean;
  /**
   * Most event lines held in one message; more is `SYNC_TOO_LARGE` (lines refused by the reader are only
   * counted).
   * @defaultValue `10_000`
   */
  readonly maxEvents?: number;
  /** Most sites named by the header's `vector` or `known`; more is `SYNC_TOO_LARGE`. @defaultValue `10_000` */
  readonly maxVectorSites?: number;
  /** Example refusals kept for lines the reader refuses (all are counted). @defaultValue `20` */
  readonly maxRefusalExamples?: number;
}

/**
 * Event lines refused by {@link readSyncMessage} itself, before ingest: counted (as
 * `malformed`), never held.
 */
export interface RefusedLines {
  /** The lines refused, by their position among the message's events. */
  readonly refused: RefusalSummary;
  /** The position in the message of each held event, when lines were refused (else each event's own index). */
  readonly positions?: readonly number[];
}

/** A sync message read from NDJSON; `message` is null for an empty body (nothing to say). */
export interface ReadSyncMessage {
  readonly message: SyncMessage | null;
  /** The response trailer (responses only). */
  readonly trailer?: SyncResponseTrailer;
  /** Event lines that could not be events, counted and not held: add them to the ingest report with {@link addRefusedLines}. */
  readonly refusedLines: RefusedLines;
}

/**
 * Reads a sync message from NDJSON lines (one at a time, or in batches as
 * {@link readNdjsonBatches} gives them): a header line (the message without
 * `events`), then events, one per line; with `trailer`, a last line
 * `{"end":true,…}` is required and checked against the event count (a response cut short
 * is refused, not half-taken).
 *
 * Memory stays bounded whatever the lines hold: an event line that cannot be an event
 * (not JSON, or JSON without a string `site` and a numeric `seq`) is refused here as
 * `malformed`, counted with the first few as examples ({@link RefusedLines}), and not
 * kept; at most `maxEvents` others are held, for ingest to check each one.
 *
 * @throws ChartlogError `MALFORMED_MESSAGE` with issues when the header is not JSON or
 *   not a sync message header, or the trailer is missing or wrong; `SYNC_TOO_LARGE`
 *   (`details.what` = `'events'` or `'vector'`) past `maxEvents` or `maxVectorSites`.
 * @example
 * ```ts
 * const { message, refusedLines } = await readSyncMessage(readNdjsonLines(req), { trailer: false });
 * ```
 */
export async function readSyncMessage(
  lines: AsyncIterable<string | readonly string[]>,
  options: ReadSyncMessageOptions,
): Promise<ReadSyncMessage> {
  const maxEvents = options.maxEvents ?? DEFAULT_MAX_MESSAGE_EVENTS;
  const maxVectorSites = options.maxVectorSites ?? DEFAULT_MAX_VECTOR_SITES;
  const refusedLines = createRefusalCollector(options.maxRefusalExamples);
  let header: Record<string, unknown> | undefined;
  let trailer: SyncResponseTrailer | undefined;
  const events: unknown[] = [];
  let positions: number[] | undefined;
  let lineNo = 0;
  let eventLineBytes = 0;
  const take = (line: string): void => {
    lineNo++;
    if (trailer !== undefined) throw malformed(`line ${lineNo} follows the trailer`, lineNo);
    if (header === undefined) {
      const value = parseNdjsonLine(line, lineNo);
      if (options.trailer && isTrailer(value)) trailer = checkTrailer(value, lineNo);
      else header = checkVectorSizes(checkHeaderLine(value, lineNo), maxVectorSites);
      return;
    }
    const position = lineNo - 2;
    // Event lines are decoded keeping their bytes, for ingest's fast hash.
    const value = decodeWireEvent(line);
    if (options.trailer && isTrailer(value)) {
      trailer = checkTrailer(value, lineNo);
      return;
    }
    if (!mayBeEvent(value)) {
      // Counted, not held: a body of junk lines costs a counter, not an object per line.
      positions ??= events.map((_, i) => i);
      const at = lineNo;
      refusedLines.addLazily(position, 'malformed', () => ({
        index: position,
        ...(value === undefined ? {} : identifyRefused(value)),
        reason: {
          code: 'malformed',
          message: `line ${at} is not an event: ${value === undefined ? 'not JSON' : 'no string site and numeric seq'}`,
        },
      }));
      return;
    }
    if (events.length >= maxEvents)
      throw new ChartlogError(
        'SYNC_TOO_LARGE',
        `the message holds more than ${maxEvents} events: send smaller batches (SyncOptions.maxEvents)`,
        { details: { what: 'events', limit: maxEvents, line: lineNo } },
      );
    events.push(value);
    eventLineBytes += Buffer.byteLength(line, 'utf8');
    positions?.push(position);
  };
  for await (const item of lines) {
    if (typeof item === 'string') take(item);
    else for (const line of item) take(line);
  }
  const eventLines = events.length + refusedLines.count;
  if (options.trailer) {
    if (trailer === undefined)
      throw new ChartlogError(
        'MALFORMED_MESSAGE',
        'the response ended without its trailer line (cut short?)',
        { details: { truncated: true } },
      );
    if (trailer.events !== eventLines)
      throw new ChartlogError(
        'MALFORMED_MESSAGE',
        `the trailer counts ${trailer.events} events but ${eventLines} arrived`,
        { details: { truncated: true } },
      );
  }
  const message = header === undefined ? null : parseSyncMessage({ ...header, events });
  if (message !== null) rememberEventLineBytes(message, eventLineBytes);
  const refused: RefusedLines =
    positions === undefined
      ? { refused: refusedLines.summary() }
      : { refused: refusedLines.summary(), positions };
  return trailer === undefined
    ? { message, refusedLines: refused }
    : { message, trailer, refusedLines: refused };
}

/**
 * The report of ingesting a message's held events, with the lines {@link readSyncMessage}
 * refused added: each refusal's `index` is its position in the message as sent.
 *
 * @param maxExamples - examples kept. @defaultValue `20`
 * @example
 * ```ts
 * const [state, ingested] = await replica.receiveSyncMessage(state, read.message);
 * const report = addRefusedLines(ingested, read.refusedLines);
 * ```
 */
export function addRefusedLines(
  report: IngestReport,
  lines: RefusedLines,
  maxExamples: number = DEFAULT_MAX_REFUSAL_EXAMPLES,
): IngestReport {
  if (lines.refused.count === 0) return report;
  const positions = lines.positions;
  const all = createRefusalCollector(maxExamples);
  for (const r of lines.refused.examples) all.add(r);
  for (const r of report.refused.examples)
    all.add(positions === undefined ? r : { ...r, index: positions[r.index] ?? r.index });
  const byCode: Partial<Record<RefusalCode, number>> = { ...report.refused.byCode };
  for (const [code, n] of Object.entries(lines.refused.byCode) as [RefusalCode, number][])
    byCode[code] = (byCode[code] ?? 0) + n;
  return {
    ...report,
    refused: { count: report.refused.count + lines.refused.count, byCode, examples: all.summary().examples },
  };
}

/** Could this decoded line be an event? Anything without a string `site` and a numeric `seq` cannot. */
function mayBeEvent(value: unknown): boolean {
  return isPlainObject(value) && typeof value['site'] === 'string' && typeof value['seq'] === 'number';
}

function isTrailer(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && value['end'] === true;
}

function checkVectorSizes(header: Record<string, unknown>, maxSites: number): Record<string, unknown> {
  for (const key of ['vector', 'known'] as const) {
    const vector = header[key];
    if (!isPlainObject(vector)) continue;
    let n = 0;
    for (const _ in vector)
      if (++n > maxSites)
        throw new ChartlogError(
          'SYNC_TOO_LARGE',
          `the header's \`${key}\` names more than ${maxSites} sites`,
          { details: { what: 'vector', limit: maxSites } },
        );
  }
  return header;
}

function checkTrailer(value: Record<string, unknown>, lineNo: number): SyncResponseTrailer {
  const ingest = value['ingest'];
  const count = (x: unknown): boolean => Number.isSafeInteger(x) && (x as number) >= 0;
  if (
    !count(value['events']) ||
    !isPlainObject(ingest) ||
    !count(ingest['accepted']) ||
    !count(ingest['duplicates']) ||
    !count(ingest['refusedCount']) ||
    !Array.isArray(ingest['refused'])
  ) {
    throw malformed('malformed trailer line', lineNo);
  }
  return value as unknown as SyncResponseTrailer;
}

function malformed(message: string, lineNo: number): ChartlogError {
  return new ChartlogError('MALFORMED_MESSAGE', message, {
    issues: [{ path: [lineNo], message }],
    details: { line: lineNo },
  });
}
