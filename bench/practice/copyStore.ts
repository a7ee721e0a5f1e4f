/**
 * Copying a closed SQLite store file for a measurement that changes it.
 */
import { copyFileSync, existsSync, rmSync, statfsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** Room left on the disk after a copy, so a copy never fills it for the processes beside the benchmark. */
export const SPARE_BYTES = 1024 ** 3;

/** Bytes free to this process on the disk holding `dir`. */
export function freeBytes(dir: string): number {
  const disk = statfsSync(dir);
  return disk.bavail * disk.bsize;
}

/** Bytes as GiB with one decimal, for messages. */
export const gib = (bytes: number): string => (bytes / 1024 ** 3).toFixed(1);

/**
 * Copies the store at `from` to `to` with its write-ahead log when that holds anything
 * (a store no process has open is consistent as its main file plus its `-wal`), and
 * removes whatever `-wal`/`-shm` lay beside `to`. Refuses before copying anything when
 * the copy would leave less than 1 GiB free where `to` goes (the 5M practice store is
 * 17 GiB, and the catch-up copies it three times), saying how much it needs.
 */
export function copyStore(from: string, to: string): void {
  for (const f of [`${to}-wal`, `${to}-shm`]) rmSync(f, { force: true });
  const wal = existsSync(`${from}-wal`) ? statSync(`${from}-wal`).size : 0;
  const needed = statSync(from).size + wal;
  const free = freeBytes(dirname(to));
  if (free - needed < SPARE_BYTES)
    throw new Error(
      `copying ${from} needs ${gib(needed)} GiB and leaves at least 1 GiB free, but ${dirname(to)} has ` +
        `${gib(free)} GiB free: free some disk, or run a smaller size (--sizes quick)`,
    );
  copyFileSync(from, to);
  if (wal > 0) copyFileSync(`${from}-wal`, `${to}-wal`);
}
