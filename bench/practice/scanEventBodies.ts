/**
 * The replay's floor (`replay_floor_events_per_s`): every event body of a SQLite store
 * read with better-sqlite3 and `JSON.parse`d, nothing else, split by position range over
 * worker threads. A replay must do at least this and also fold and write, so with as many
 * threads as the machine has cores this is the most any replay could reach on it.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** One scan: events read and parsed, and the wall seconds it took. */
export interface EventBodyScan {
  readonly threads: number;
  readonly events: number;
  readonly seconds: number;
}

// Plain CommonJS, run with `eval`: the worker needs nothing but better-sqlite3, loaded by path.
const SCAN_WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.path, { readonly: true, fileMustExist: true });
let events = 0;
const rows = db.prepare('SELECT body FROM events WHERE pos > ? AND pos <= ? ORDER BY pos').raw();
for (const [body] of rows.iterate(workerData.after, workerData.upTo)) { JSON.parse(body); events++; }
db.close();
parentPort.postMessage(events);
`;

/**
 * Reads and parses every event body of the store at `path` with `threads` worker threads,
 * each a read-only connection over an equal share of the positions, timed from starting
 * the threads to the last one's count.
 */
export async function scanEventBodies(path: string, threads: number): Promise<EventBodyScan> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  const last = db.prepare<[], number | null>('SELECT max(pos) FROM events').pluck().get() ?? 0;
  db.close();
  const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  const share = Math.ceil(last / threads);
  const t0 = performance.now();
  const counts = await Promise.all(
    Array.from(
      { length: threads },
      (_, i) =>
        new Promise<number>((counted, failed) => {
          const worker = new Worker(SCAN_WORKER, {
            eval: true,
            workerData: { sqlite, path, after: i * share, upTo: (i + 1) * share },
          });
          worker.once('message', counted);
          worker.once('error', failed);
        }),
    ),
  );
  return {
    threads,
    events: counts.reduce((n, c) => n + c, 0),
    seconds: (performance.now() - t0) / 1000,
  };
}
