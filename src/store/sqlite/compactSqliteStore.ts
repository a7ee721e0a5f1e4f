import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
  statfsSync,
  statSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { ChartlogError } from '../../error/chartlogError.js';
import { inspectSqliteEventLog, SQLITE_PAGE_SIZE } from './sqliteSchema.js';
import { translateSqliteError } from './translateSqliteError.js';
import { acquireWriterLock } from './writerLock.js';

/** Progress of {@link compactSqliteStore}: how much of the new file is written. */
export interface CompactProgress {
  /** Bytes of the new file written so far. */
  readonly bytesWritten: number;
  /**
   * Bytes the store's pages in use take now: about what the new file will take, and an
   * upper bound when its pages grow (rows packed into larger pages leave less unused).
   */
  readonly bytesInUse: number;
}

/** Options for {@link compactSqliteStore}. */
export interface CompactOptions {
  /** Called about once a second while the new file is written, and once at the end. */
  readonly onProgress?: (progress: CompactProgress) => void;
  /** How often `onProgress` is called, in ms. @defaultValue `1000` */
  readonly progressEveryMs?: number;
}

/** What {@link compactSqliteStore} did. */
export interface CompactResult {
  readonly path: string;
  /** The file's page size before, and now (`SQLITE_PAGE_SIZE`, 8 KiB). */
  readonly pageSizeBefore: number;
  readonly pageSize: number;
  /** The file's size before (with its write-ahead log), and now. */
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  /** Events in the store (the same before and after). */
  readonly events: number;
  readonly seconds: number;
}

/** Disk kept free beyond the new file, so compacting never fills the disk for the processes beside it. */
const SPARE_BYTES = 64 * 1024 * 1024;

/**
 * Rewrites a SQLite store file into a new, compact one with the page size chartlog makes
 * new files with (`SQLITE_PAGE_SIZE`, 8 KiB), and puts it in the old one's place: the same
 * events, projection and markers, every page packed, the free pages gone. A store made
 * before chartlog used 8 KiB pages keeps SQLite's 4 KiB, where a projection row of about
 * 2.5 KB sits alone on a page: the 5M-event practice store is 17.3 GB that way and 13.5 GB
 * rewritten, and its catch-up and rebuild are faster (README, "Stores").
 *
 * Safe to interrupt: the new file is written beside the store (`<path>.compacting`, by
 * SQLite's `VACUUM INTO` in a worker thread, reading the store through a read-only
 * connection) and renamed over it only once complete and checked (same event count and
 * last position, the new page size), so a crash or SIGKILL at any point leaves the store
 * as it was; a leftover `.compacting` file is deleted by the next run.
 *
 * Needs the store to itself: it takes the writer lock (so no replica or `serve` writes
 * meanwhile) and refuses while any other connection, a reader included, has the file open,
 * since the file is replaced. Needs free disk for the new file (about the store's pages in
 * use) and 64 MiB more.
 *
 * @throws ChartlogError, changing nothing: `STORE_UNAVAILABLE` (no such file),
 *   `STORE_INCOMPATIBLE` or `STORE_CORRUPT` (not a chartlog store, or one it cannot read),
 *   `STORE_LOCKED` (another writer holds it, or another process has it open), `STORE_FULL`
 *   (not enough free disk), `STORE_FAILED` (SQLite failed while writing the new file).
 * @example
 * ```ts
 * import { compactSqliteStore } from 'chartlog/sqlite';
 * const { bytesBefore, bytesAfter } = await compactSqliteStore('./practice-a.chartlog', {
 *   onProgress: ({ bytesWritten, bytesInUse }) => console.error(`${bytesWritten} of ~${bytesInUse} bytes`),
 * });
 * ```
 */
export async function compactSqliteStore(path: string, options: CompactOptions = {}): Promise<CompactResult> {
  const t0 = performance.now();
  const info = inspectSqliteEventLog(path);
  if (info.kind === 'missing')
    throw new ChartlogError('STORE_UNAVAILABLE', `${path} does not exist (or holds no store) to compact`, {
      details: { path },
    });
  const lock = acquireWriterLock(path);
  const temp = `${path}.compacting`;
  try {
    rmSync(temp, { force: true });
    // Checked now, so a store in use is refused before minutes of copying, and again before the rename.
    if (otherConnections(path)) throw inUse(path);
    const before = checkpointedState(path);
    const needed = before.bytesInUse + SPARE_BYTES;
    const free = freeBytes(dirname(path));
    if (free < needed)
      throw new ChartlogError(
        'STORE_FULL',
        `compacting ${path} needs ${mib(needed)} MiB free beside it (the new file, and 64 MiB), ` +
          `and the disk has ${mib(free)} MiB: free some disk first`,
        { details: { path, action: 'compact' } },
      );
    await writeCompactCopy(path, temp, before.bytesInUse, options);
    checkCopy(path, temp, before);
    syncFile(temp);
    // Only now is anything changed: the checked copy replaces the store in one rename.
    if (otherConnections(path)) throw inUse(path);
    renameSync(temp, path);
    syncDirectory(dirname(path));
    return {
      path,
      pageSizeBefore: before.pageSize,
      pageSize: SQLITE_PAGE_SIZE,
      bytesBefore: before.bytes,
      bytesAfter: statSync(path).size,
      events: before.events,
      seconds: (performance.now() - t0) / 1000,
    };
  } catch (e) {
    rmSync(temp, { force: true });
    throw translateSqliteError(e, path, 'compact');
  } finally {
    lock.release();
  }
}

/** What the store holds, read after moving its write-ahead log into the file. */
interface StoreState {
  readonly pageSize: number;
  readonly bytes: number;
  readonly bytesInUse: number;
  readonly events: number;
  readonly lastPosition: number;
}

/**
 * Checkpoints the store's write-ahead log into the file and truncates it, then reads what
 * the copy must match. The store's `-wal` must be empty when the copy replaces the file:
 * SQLite would otherwise apply the old file's log to the new one.
 */
function checkpointedState(path: string): StoreState {
  const bytesWithLog = fileSize(path) + fileSize(`${path}-wal`);
  const db = new Database(path, { fileMustExist: true, timeout: 0 });
  try {
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    if (result !== undefined && result.busy !== 0) throw inUse(path);
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const pages = db.pragma('page_count', { simple: true }) as number;
    const freePages = db.pragma('freelist_count', { simple: true }) as number;
    return { pageSize, bytes: bytesWithLog, bytesInUse: (pages - freePages) * pageSize, ...eventsOf(db) };
  } finally {
    db.close();
  }
}

/** How many events a store file holds, and the last one's position: what its compact copy must hold too. */
function eventsOf(db: Database.Database): { events: number; lastPosition: number } {
  const { events, last } = db.prepare('SELECT count(*) AS events, max(pos) AS last FROM events').get() as {
    events: number;
    last: number | null;
  };
  return { events, lastPosition: last ?? 0 };
}

/**
 * Writes the compact copy with `VACUUM INTO` in a worker thread, so this thread can report
 * progress (the size of the growing file) while SQLite works: one statement that took 49 s
 * on the 5M practice store.
 */
async function writeCompactCopy(
  path: string,
  temp: string,
  bytesInUse: number,
  options: CompactOptions,
): Promise<void> {
  const report = (): void => options.onProgress?.({ bytesWritten: fileSize(temp), bytesInUse });
  const timer = setInterval(report, options.progressEveryMs ?? 1000);
  try {
    await new Promise<void>((done, fail) => {
      const worker = new Worker(VACUUM_WORKER_SOURCE, {
        eval: true,
        workerData: { driver: driverPath(), from: path, to: temp, pageSize: SQLITE_PAGE_SIZE },
      });
      worker.once('message', () => done());
      worker.once('error', fail);
      worker.once('exit', (code) =>
        fail(new Error(`the compacting thread ended (exit ${code}) before it finished`)),
      );
    });
  } catch (e) {
    throw new ChartlogError(
      'STORE_FAILED',
      `compacting ${path} failed while writing the new file: ${(e as Error).message}; the store is unchanged`,
      { details: { path }, cause: e },
    );
  } finally {
    clearInterval(timer);
  }
  report();
}

/**
 * The worker: a read-only connection to the store (the original is never written), the page
 * size set for the copy, and `VACUUM INTO` the new file. Plain CommonJS run with `eval`, so it
 * needs no entry file of its own in the package; better-sqlite3 is loaded from where this
 * module found it.
 */
const VACUUM_WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.from, { readonly: true, fileMustExist: true });
try {
  db.pragma('page_size = ' + workerData.pageSize);
  db.prepare('VACUUM INTO ?').run(workerData.to);
} finally {
  db.close();
}
parentPort.postMessage('done');
`;

/** Checks the copy against what the store held (and its page size), and puts it in WAL mode as chartlog's stores are. */
function checkCopy(path: string, temp: string, before: StoreState): void {
  const db = new Database(temp, { fileMustExist: true });
  try {
    db.pragma('journal_mode = WAL');
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const { events, lastPosition } = eventsOf(db);
    if (events !== before.events || lastPosition !== before.lastPosition || pageSize !== SQLITE_PAGE_SIZE)
      throw new ChartlogError(
        'STORE_FAILED',
        `compacting ${path} made a copy that does not match it (${events} events to ${before.events}, ` +
          `last position ${lastPosition} to ${before.lastPosition}, ${pageSize}-byte pages); the store is unchanged`,
        { details: { path } },
      );
  } finally {
    // Closing the only connection removes the copy's -wal and -shm: one file to rename.
    db.close();
  }
}

/**
 * True when a connection other than ours has the store open. The last writable connection
 * to close after reading deletes a WAL file's `-wal` and `-shm` (a read-only one, such as
 * the worker's, leaves them), so one reads and closes here: the two are left only when
 * another connection still has the file open.
 */
function otherConnections(path: string): boolean {
  const db = new Database(path, { fileMustExist: true, timeout: 0 });
  // A connection opens the WAL at its first read, and only one that did deletes it on close.
  db.prepare('SELECT count(*) FROM sqlite_master').get();
  db.close();
  return existsSync(`${path}-shm`) || existsSync(`${path}-wal`);
}

function inUse(path: string): ChartlogError {
  return new ChartlogError(
    'STORE_LOCKED',
    `${path} is open in another process (a reader such as chartlog status, or a backup): ` +
      'compacting replaces the file, so run it when nothing else has the store open',
    { details: { path, action: 'compact' } },
  );
}

/** Where this module's better-sqlite3 is, for the worker to load the same one. */
function driverPath(): string {
  const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
  return createRequire(here).resolve('better-sqlite3');
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function freeBytes(dir: string): number {
  const disk = statfsSync(dir);
  return disk.bavail * disk.bsize;
}

const mib = (bytes: number): string => (bytes / 1024 ** 2).toFixed(0);

/** Flushes a file to the disk, so what is renamed into place is all there. */
function syncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes a rename in `dir` durable (where the platform allows fsync on a directory). */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot fsync a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
