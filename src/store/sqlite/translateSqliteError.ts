import { ChartlogError, isChartlogError, type ChartlogErrorCode } from '../../error/chartlogError.js';

/**
 * Turns a better-sqlite3 (or file-system) error into the {@link ChartlogError} a caller
 * can act on, with the store's file path in `details.path`:
 *
 * | driver | chartlog |
 * |---|---|
 * | `SQLITE_FULL`, `ENOSPC`, `EDQUOT` | `STORE_FULL` |
 * | `SQLITE_READONLY*`, `EROFS`, `EACCES`, `EPERM`, `SQLITE_PERM` | `STORE_READ_ONLY` |
 * | `SQLITE_BUSY*`, `SQLITE_LOCKED*` | `STORE_LOCKED` |
 * | `SQLITE_CORRUPT*`, `SQLITE_NOTADB` | `STORE_CORRUPT` |
 * | `SQLITE_CANTOPEN*`, `ENOENT`, `EISDIR` | `STORE_UNAVAILABLE` |
 * | anything else | `STORE_FAILED` |
 *
 * A ChartlogError passes through unchanged.
 */
export function translateSqliteError(error: unknown, path: string, action: string): ChartlogError {
  if (isChartlogError(error)) return error;
  const driverCode =
    typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : undefined;
  const code = chartlogCodeFor(driverCode);
  const reason = error instanceof Error ? error.message : String(error);
  return new ChartlogError(
    code,
    `${action} failed on ${path}: ${HINTS[code] ?? ''}${reason}${driverCode ? ` (${driverCode})` : ''}`,
    {
      cause: error,
      details: { path, action, ...(driverCode ? { driverCode } : {}) },
    },
  );
}

function chartlogCodeFor(driverCode: string | undefined): ChartlogErrorCode {
  if (driverCode === undefined) return 'STORE_FAILED';
  if (driverCode === 'SQLITE_FULL' || driverCode === 'ENOSPC' || driverCode === 'EDQUOT') return 'STORE_FULL';
  if (
    driverCode.startsWith('SQLITE_READONLY') ||
    driverCode === 'SQLITE_PERM' ||
    driverCode === 'EROFS' ||
    driverCode === 'EACCES' ||
    driverCode === 'EPERM'
  )
    return 'STORE_READ_ONLY';
  if (driverCode.startsWith('SQLITE_BUSY') || driverCode.startsWith('SQLITE_LOCKED')) return 'STORE_LOCKED';
  if (driverCode.startsWith('SQLITE_CORRUPT') || driverCode === 'SQLITE_NOTADB') return 'STORE_CORRUPT';
  if (driverCode.startsWith('SQLITE_CANTOPEN') || driverCode === 'ENOENT' || driverCode === 'EISDIR')
    return 'STORE_UNAVAILABLE';
  return 'STORE_FAILED';
}

const HINTS: Partial<Record<ChartlogErrorCode, string>> = {
  STORE_FULL: 'the disk (or the configured size limit) is full; nothing of the batch was stored. ',
  STORE_READ_ONLY: 'the store is read-only (file permissions, a read-only mount, or opened with readOnly). ',
  STORE_LOCKED: 'another connection holds the write lock past the busy timeout. ',
  STORE_CORRUPT: 'the file is damaged. ',
};
