import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { ChartlogError, isChartlogError } from '../../error/chartlogError.js';
import type { ChartEvent } from '../../event/chartEvent.js';
import type { EventLog } from '../eventLog.js';

/** Progress (and, at the end, the outcome) of an import. */
export interface ImportProgress {
  /** Non-blank lines read so far. */
  readonly lines: number;
  /** Events newly stored. */
  readonly appended: number;
  /** Events the store already held. */
  readonly duplicates: number;
}

/** Options for {@link importNdjson}. */
export interface ImportNdjsonOptions {
  /** Events per `append` (each batch is atomic). @defaultValue `1000` */
  readonly batchSize?: number;
  /** Called after each batch. */
  readonly onProgress?: (progress: ImportProgress) => void;
}

/**
 * Loads newline-delimited JSON events (as written by {@link exportNdjson}) into a store,
 * `batchSize` events per atomic append, reading the stream only as fast as the store
 * takes it (constant memory). Every rule of the store applies: duplicates are no-ops, a
 * gap, broken chain or fork stops the import with the store's typed error, and what was
 * appended before that stays.
 *
 * @throws ChartlogError `MALFORMED_EVENT` for a line that is not JSON; the store's errors
 *   otherwise. `details.line` names the (1-based) line.
 */
export async function importNdjson(
  log: EventLog,
  readable: Readable | NodeJS.ReadableStream,
  options: ImportNdjsonOptions = {},
): Promise<ImportProgress> {
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new ChartlogError(
      'INVALID_OPTION',
      `batchSize must be a positive integer, got ${String(batchSize)}`,
    );
  let batch: ChartEvent[] = [];
  let batchLines: number[] = [];
  let lineNo = 0;
  let lines = 0;
  let appended = 0;
  let duplicates = 0;

  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    try {
      const result = await log.append(batch);
      appended += result.appended;
      duplicates += result.duplicates;
    } catch (e) {
      if (!isChartlogError(e)) throw e;
      const index = 'index' in e.details ? e.details.index : undefined;
      const line = typeof index === 'number' ? batchLines[index] : undefined;
      if (line === undefined) throw e;
      throw new ChartlogError(e.code, `${e.message} (ndjson line ${line})`, {
        issues: e.issues,
        details: { ...e.details, line },
        cause: e,
      });
    }
    batch = [];
    batchLines = [];
    options.onProgress?.({ lines, appended, duplicates });
  };
  const take = async (text: string): Promise<void> => {
    lineNo++;
    if (text.trim() === '') return;
    lines++;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new ChartlogError(
        'MALFORMED_EVENT',
        `ndjson line ${lineNo} is not JSON: ${(e as Error).message}`,
        { details: { line: lineNo }, issues: [{ path: [], message: 'not JSON' }] },
      );
    }
    batch.push(value as ChartEvent);
    batchLines.push(lineNo);
    if (batch.length >= batchSize) await flush();
  };

  // Async iteration pulls one chunk at a time, so a slow store slows the reading.
  const decoder = new StringDecoder('utf8');
  let carry = '';
  for await (const chunk of readable as AsyncIterable<Buffer | string>) {
    carry += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    let nl: number;
    while ((nl = carry.indexOf('\n', start)) >= 0) {
      const line = carry.slice(start, nl);
      start = nl + 1;
      await take(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
    carry = carry.slice(start);
  }
  carry += decoder.end();
  if (carry !== '') await take(carry);
  await flush();
  return { lines, appended, duplicates };
}
