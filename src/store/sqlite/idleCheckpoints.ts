import type Database from 'better-sqlite3';

/**
 * WAL bytes at which SQLite checkpoints inside the commit that crossed the line (its
 * default is 1,000 pages). Raised, so that commit is rare: the idle checkpoint below keeps
 * the WAL short in a store with any idle moment, and this bound only keeps it finite for
 * one without (a tight loop of appends, a rebuild). Set in pages of the file's own size
 * (`wal_autocheckpoint`), so a file of 4 KiB pages and one of 8 KiB both stop at 40 MiB.
 */
export const INLINE_CHECKPOINT_BYTES = 40 * 1024 * 1024;

/** How long after a write the idle checkpoint runs, ms: writes in that time share one. */
export const IDLE_CHECKPOINT_DELAY_MS = 100;

/** Checkpoints run when the event loop is free after a write, rather than inside it. */
export interface IdleCheckpoints {
  /** A write committed: checkpoint within {@link IDLE_CHECKPOINT_DELAY_MS}, unless one is already due. */
  afterWrite(): void;
  /** No more checkpoints (the connection is closing). */
  stop(): void;
}

/**
 * Moves a connection's WAL checkpoints out of its commits. SQLite's automatic checkpoint
 * runs inside whichever commit pushes the WAL past its threshold, so that one append pays
 * for copying every page back and syncing the database file: on the 500k-event practice
 * store (bench/practice, `record`, 400 durable records), `record_ms` p99 was 11–13 ms with
 * it and 4.0–4.5 ms with none (p50 0.8–1.1 ms either way). Here the threshold is raised to
 * {@link INLINE_CHECKPOINT_BYTES}, and after each write a timer (unref'd: it never keeps
 * a process alive) runs a PASSIVE checkpoint, which copies what no reader still needs and
 * never waits for one. The work is the same; it is done between requests, not in one.
 */
export function createIdleCheckpoints(db: Database.Database): IdleCheckpoints {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.pragma(`wal_autocheckpoint = ${Math.ceil(INLINE_CHECKPOINT_BYTES / pageSize)}`);
  let due: NodeJS.Timeout | undefined;
  let stopped = false;
  const run = (): void => {
    due = undefined;
    if (stopped) return;
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Nothing is lost: the WAL stays as it was, and the next checkpoint (idle or inline)
      // copies it. A disk that fails here fails the next append too, which reports it.
    }
  };
  return {
    afterWrite() {
      if (due === undefined && !stopped) due = setTimeout(run, IDLE_CHECKPOINT_DELAY_MS).unref();
    },
    stop() {
      stopped = true;
      if (due !== undefined) clearTimeout(due);
      due = undefined;
    },
  };
}
