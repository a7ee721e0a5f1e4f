/**
 * `chartlog/sqlite`: the embedded default store (docs/architecture.md, "Stores: the EventLog port"), one SQLite file per site,
 * on better-sqlite3 (an optional peer dependency, loaded only by this subpath).
 */
export { openSqliteEventLog } from './sqliteEventLog.js';
export type { SqliteEventLog, SqliteEventLogOptions } from './sqliteEventLog.js';
export {
  inspectSqliteEventLog,
  SQLITE_SCHEMA_VERSION,
  SQLITE_STORE_FORMAT,
  SQLITE_APPLICATION_ID,
} from './sqliteSchema.js';
export type { SqliteStoreInfo } from './sqliteSchema.js';
export { translateSqliteError } from './translateSqliteError.js';
export { compactSqliteStore } from './compactSqliteStore.js';
export type { CompactOptions, CompactProgress, CompactResult } from './compactSqliteStore.js';
