import { isChartlogError, type ChartlogErrorCode } from '../../src/error/chartlogError.js';
import { openSqliteEventLog } from '../../src/store/sqlite/sqliteEventLog.js';
import { interleave, makeHistory } from './storeFixtures.js';

/** The code, details and message of the ChartlogError `action` throws (or rejects with). */
export async function codeOf(
  action: () => unknown,
): Promise<{ code: ChartlogErrorCode; details: Record<string, unknown>; message: string }> {
  try {
    await action();
  } catch (e) {
    if (!isChartlogError(e)) throw e;
    return { code: e.code, details: e.details as Record<string, unknown>, message: e.message };
  }
  throw new Error('expected a ChartlogError');
}

/** A SQLite store at a fresh path holding `perSite` events of each site, closed (so the WAL is folded into the file). */
export async function filledStore(
  fresh: () => string,
  perSite = 5,
): Promise<{ path: string; events: ReturnType<typeof makeHistory>['events'] }> {
  const path = fresh();
  const { events } = makeHistory(perSite);
  const log = openSqliteEventLog(path);
  await log.append(interleave([...events.values()]));
  await log.close();
  return { path, events };
}
