import type { ChartView } from '../chart/chartView.js';
import { resourceKeyRange } from '../chart/resourceKeyRange.js';
import { combineStateHashes, stateHash } from '../chart/stateHash.js';
import { emptyStreamState } from '../chart/streamState.js';
import { ChartlogError, isChartlogError } from '../error/chartlogError.js';
import type { Schema } from '../merge/schema.js';
import type { SqliteEventLog } from '../store/sqlite/index.js';

/**
 * The persisted projection of a store a command opened read-only: what `status`,
 * `conflicts` and `verify` read instead of folding every event. An empty store needs
 * none (its chart is empty whatever the schema), so a freshly created file reads as
 * the empty chart. `cacheBytes` bounds its cache (the store's default when absent).
 * @throws ChartlogError `PROJECTION_STALE` when the projection is missing, behind the
 *   events or folded with another schema, its message naming the fix
 *   (`chartlog replay --store FILE`); the store's own errors.
 */
export async function readStoreProjection(
  store: SqliteEventLog,
  schema: Schema,
  options: { readonly cacheBytes?: number } = {},
): Promise<ChartView> {
  try {
    return await store.openProjection({ schema, ...options });
  } catch (error) {
    if (!isChartlogError(error) || error.code !== 'PROJECTION_STALE') throw error;
    if ((await store.count()) === 0) return emptyChartView(schema);
    throw new ChartlogError(
      'PROJECTION_STALE',
      `projection missing or out of date: ${error.message} (stop chartlog serve on it first: replay writes the store)`,
      { cause: error, details: { path: store.path } },
    );
  }
}

/** The chart of no events. */
function emptyChartView(schema: Schema): ChartView {
  return {
    schema,
    size: 0,
    state: () => undefined,
    resource: () => undefined,
    lastWrite: () => undefined,
    openConflicts: () => [],
    stateHash: (stream) => stateHash(emptyStreamState(stream)),
    hash: () => combineStateHashes([]),
    streams: () => [],
    conflictStreams: () => [],
    locate: () => [],
    resourceKeys(type, options) {
      // Checked as any view checks them, so a bad type is refused here too.
      resourceKeyRange(type, options);
      return [];
    },
  };
}
