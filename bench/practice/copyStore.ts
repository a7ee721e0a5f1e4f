/**
 * Copying a closed SQLite store file for a measurement that changes it.
 */
import { copyFileSync, existsSync, rmSync, statSync } from 'node:fs';

/**
 * Copies the store at `from` to `to` with its write-ahead log when that holds anything
 * (a store no process has open is consistent as its main file plus its `-wal`), and
 * removes whatever `-wal`/`-shm` lay beside `to`.
 */
export function copyStore(from: string, to: string): void {
  for (const f of [`${to}-wal`, `${to}-shm`]) rmSync(f, { force: true });
  copyFileSync(from, to);
  if (existsSync(`${from}-wal`) && statSync(`${from}-wal`).size > 0) copyFileSync(`${from}-wal`, `${to}-wal`);
}
