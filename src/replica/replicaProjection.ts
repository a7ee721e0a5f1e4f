import { createChart } from '../chart/chart.js';
import type { ChartView } from '../chart/chartView.js';
import type { ChartEvent } from '../event/chartEvent.js';
import type { Hlc } from '../event/hlc.js';
import type { Schema } from '../merge/schema.js';
import type { EventLog } from '../store/eventLog.js';
import type { ProjectionProgress } from '../store/storeProjection.js';
import { rebuildChart } from './rebuildChart.js';

/** A replica's projection, and what the replica must tell it after each append. */
export interface ReplicaProjection {
  /** What the replica shows as `chart`. */
  readonly chart: ChartView;
  /** Events the store just appended: folded here unless the store folds them itself. */
  stored(events: readonly ChartEvent[]): void;
  /** The latest stamp the store holds (every event's, not only the heads': a peer's may not grow with its seq). */
  readonly latestStamp: Hlc | undefined;
}

/** Options for {@link openReplicaProjection}. */
export interface ReplicaProjectionOptions {
  /** Bound of the projection's stream cache, in bytes. */
  readonly cacheBytes?: number | undefined;
  /** Progress of a rebuild or catch-up at open. */
  readonly onProgress?: ((progress: ProjectionProgress) => void) | undefined;
}

/**
 * The store's persisted projection when it has one (every built-in store: it folds each
 * append itself, in SQLite inside the same transaction), opened with no event read when
 * it is current. A store without `openProjection` gets an in-memory chart folded from
 * everything it holds, which the replica feeds after each append: correct, but it holds
 * every event in memory and rebuilds at every open.
 */
export async function openReplicaProjection(
  store: EventLog,
  schema: Schema,
  options: ReplicaProjectionOptions = {},
): Promise<ReplicaProjection> {
  if (store.openProjection !== undefined) {
    const chart = await store.openProjection({
      schema,
      ...(options.cacheBytes !== undefined ? { cacheBytes: options.cacheBytes } : {}),
      ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
    });
    return { chart, stored: () => undefined, latestStamp: chart.latestStamp as Hlc | undefined };
  }
  const chart = createChart({ schema });
  const { maxHlc } = await rebuildChart(store, chart);
  return { chart, stored: (events) => void chart.apply(events), latestStamp: maxHlc };
}
