import { workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { foldNewStream } from '../../chart/foldNewStream.js';
import { ChartlogError, isChartlogError } from '../../error/chartlogError.js';
import { compareEvents, type ChartEvent } from '../../event/chartEvent.js';
import type { StreamId } from '../../event/ids.js';
import type { Schema } from '../../merge/schema.js';
import { schemaFingerprint } from '../../merge/schemaFingerprint.js';
import { decodeEventRow, EVENT_ROW_COLUMNS, type EventRow } from './decodeEventRow.js';
import { encodeStreamRows } from './encodeStreamRows.js';
import type {
  EncodedStream,
  FromRebuildWorker,
  RebuildWorkerData,
  ToRebuildWorker,
} from './rebuildWorkerProtocol.js';

/**
 * The body of a SQLite rebuild's worker thread (see `rebuildInWorkers`): resolves the
 * schema (the module it was given, or among `builtins` the one whose fingerprint is the
 * main thread's), reports its fingerprint, then for each task reads its streams' events
 * through a read-only connection of its own (up to the rebuild's checkpoint, every row
 * verified as any read is), folds each stream from empty with `foldNewStream` (the
 * projector's own new-stream fold) and posts the rows. Any failure is posted as one
 * message; the main thread ends the rebuild with it.
 *
 * @param builtins - schemas a worker knows without a module (the entry file passes the
 *   package's `clinicalSchema`).
 */
export async function runRebuildWorker(builtins: readonly Schema[]): Promise<void> {
  const data = workerData as RebuildWorkerData;
  const counters = new Int32Array(data.signal);
  let stopped = false;
  // The main thread blocks on the counter, not on the port: bump it after every message.
  const post = (message: FromRebuildWorker): void => {
    data.port.postMessage(message);
    Atomics.add(counters, 0, 1);
    Atomics.notify(counters, 0);
  };
  const fail = (error: unknown): void => {
    stopped = true;
    const message = error instanceof Error ? error.message : String(error);
    if (!isChartlogError(error))
      return post({ type: 'failed', code: undefined, message, details: undefined });
    try {
      post({ type: 'failed', code: error.code, message, details: { ...error.details } });
    } catch {
      post({ type: 'failed', code: error.code, message, details: undefined });
    }
  };
  process.on('uncaughtException', (error) => {
    fail(error);
    process.exit(1);
  });
  // Ended without saying why (process.exit in a schema's code): the main thread must not wait for it.
  process.on('exit', (code) => {
    if (!stopped)
      post({
        type: 'failed',
        code: undefined,
        message: `the worker thread exited (code ${code})`,
        details: undefined,
      });
  });

  let schema: Schema | undefined;
  try {
    schema = await resolveSchema(data, builtins);
  } catch (error) {
    fail(error);
    data.port.close();
    return;
  }
  if (schema === undefined) {
    stopped = true;
    post({ type: 'ready', fingerprint: undefined, source: 'none' });
    data.port.close();
    return;
  }
  const folding: Schema = schema;
  const db = new Database(data.path, { readonly: true, fileMustExist: true });
  const selectStream = db
    .prepare<[string, number], EventRow>(
      `SELECT ${EVENT_ROW_COLUMNS} FROM events WHERE stream = ? AND pos <= ? ORDER BY hlc, site, seq`,
    )
    .raw();
  const damaged = (site: string, seq: number): void => post({ type: 'damage', site, seq });
  post({
    type: 'ready',
    fingerprint: schemaFingerprint(folding),
    source: data.schemaUrl === undefined ? 'built-in' : 'module',
  });

  data.port.on('message', (message: ToRebuildWorker) => {
    if (stopped) return;
    if (message.type === 'stop') {
      stopped = true;
      db.close();
      data.port.close();
      return;
    }
    try {
      const streams: EncodedStream[] = [];
      let events = 0;
      let latest: string | undefined;
      for (const stream of message.streams) {
        const rows = selectStream.all(stream, data.upTo);
        const list = new Array<ChartEvent>(rows.length);
        for (let i = 0; i < rows.length; i++)
          list[i] = decodeEventRow(rows[i] as EventRow, data.path, 0, damaged);
        list.sort(compareEvents);
        // The states are encoded here and dropped: left unfrozen (freezing was 4.6% of a worker).
        streams.push(encodeStreamRows(foldNewStream(stream as StreamId, list, folding, false)));
        events += list.length;
        const last = list[list.length - 1]?.hlc;
        if (last !== undefined && (latest === undefined || last > latest)) latest = last;
        Atomics.add(counters, data.slot, 1);
      }
      post({ type: 'rows', task: message.task, streams, events, latest });
    } catch (error) {
      fail(error);
      db.close();
      data.port.close();
    }
  });
}

/** The schema named by the worker's data: its module's export, or the built-in with the main thread's fingerprint. */
async function resolveSchema(
  data: RebuildWorkerData,
  builtins: readonly Schema[],
): Promise<Schema | undefined> {
  if (data.schemaUrl === undefined) return builtins.find((s) => schemaFingerprint(s) === data.fingerprint);
  const schemaUrl = data.schemaUrl;
  const url = schemaUrl.startsWith('file:') ? schemaUrl : pathToFileURL(schemaUrl).href;
  const bad = (why: string, cause?: unknown): ChartlogError =>
    new ChartlogError('INVALID_OPTION', `schemaModule ${schemaUrl}: ${why}`, {
      ...(cause === undefined ? {} : { cause }),
      details: { option: 'schemaModule', url: schemaUrl },
    });
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    throw bad(`a worker thread cannot import it (${e instanceof Error ? e.message : String(e)})`, e);
  }
  const found = loaded[data.exportName];
  if (
    typeof found !== 'object' ||
    found === null ||
    typeof (found as Schema).field !== 'function' ||
    typeof (found as Schema).definition !== 'object'
  )
    throw bad(`its export ${JSON.stringify(data.exportName)} is not a schema`);
  return found as Schema;
}
