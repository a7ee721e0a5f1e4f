import type { ChartView } from '../chart/chartView.js';
import type { Schema } from '../merge/schema.js';

/** How far a long projection job has got: for a progress bar. */
export interface ProjectionProgress {
  /** `rebuild`: folding the whole store afresh; `catch-up`: folding events stored without the projection. */
  readonly phase: 'rebuild' | 'catch-up';
  /** Events folded so far. */
  readonly done: number;
  /** Events to fold in all. */
  readonly total: number;
  /** Rate so far. */
  readonly eventsPerSecond: number;
  /** Seconds left at that rate (undefined before the rate is known). */
  readonly etaSeconds: number | undefined;
}

/**
 * Where a rebuild's worker threads load the schema from: a schema holds functions (field
 * checks, custom rules), which cannot be handed to another thread, so each worker imports
 * it. The worker checks that what it imported has the schema's fingerprint.
 */
export interface SchemaModule {
  /** The module: a `file:` URL or an absolute path (e.g. `new URL('./schema.js', import.meta.url)`). */
  readonly url: string | URL;
  /** The export that is the schema. @defaultValue `'default'` */
  readonly exportName?: string;
}

/** How a store's projection rebuild may use worker threads (the SQLite store's does; others fold in their own thread). */
export interface RebuildParallelism {
  /**
   * Worker threads that read and fold disjoint streams while this thread writes their
   * rows; `0` folds in this thread. Workers need the schema: `clinicalSchema` they know
   * built in, any other comes from `schemaModule`; without it the rebuild folds in this
   * thread. @defaultValue as many as the cores (at least 1, at most 4) for a store of
   * 20,000 events or more, else `0` (on 2 cores, 500k events: 1 worker rebuilt 1.2× as
   * fast as `0`, at a third of its peak RSS; 2 workers 1.42× as fast as 1, at ~400 MiB)
   */
  readonly workers?: number;
  /** Where workers import the schema from, when it is not `clinicalSchema`. @defaultValue none */
  readonly schemaModule?: SchemaModule;
}

/** Options for {@link EventLog.openProjection}. */
export interface StoreProjectionOptions extends RebuildParallelism {
  /** The schema to fold with: a projection folded with another one is rebuilt. */
  readonly schema: Schema;
  /** Bound of the cache of loaded streams, in estimated heap bytes (`heapBytesOfResource`). @defaultValue 32 MiB */
  readonly cacheBytes?: number;
  /** Called as a rebuild or catch-up goes (at least every few thousand events). */
  readonly onProgress?: (progress: ProjectionProgress) => void;
}

/** What opening a projection had to do first. */
export interface ProjectionOpening {
  /**
   * `current`: nothing; `caught-up`: folded events stored without it; `rebuilt`: folded the whole store (no
   * projection yet, or another schema).
   */
  readonly action: 'current' | 'caught-up' | 'rebuilt';
  /** Events folded to get there. */
  readonly events: number;
  /** How long it took. */
  readonly seconds: number;
  /** `rebuilt` by worker threads: how many (absent: folded in the store's own thread). */
  readonly workers?: number;
}

/** Options for {@link StoreProjection.rebuild}: progress, and the parallelism (defaults: those the projection was opened with). */
export interface StoreRebuildOptions extends RebuildParallelism {
  /** Called after every batch of rows written. */
  readonly onProgress?: (progress: ProjectionProgress) => void;
}

/** What a rebuild did. */
export interface ProjectionRebuild {
  /** Events folded. */
  readonly events: number;
  /** Streams folded. */
  readonly streams: number;
  /** How long it took. */
  readonly seconds: number;
  /** Worker threads that folded (absent: the store's own thread folded). */
  readonly workers?: number;
}

/**
 * A store's persisted projection (docs/architecture.md, "The persisted projection"), kept by the store as it appends: in SQLite
 * in the same transaction as the events, so the two can never be out of step. Reads are
 * synchronous; a stream is loaded when first read and kept in a cache bounded in bytes.
 */
export interface StoreProjection extends ChartView {
  /** What opening it did. */
  readonly opening: ProjectionOpening;
  /** The latest event stamp (`hlc`) folded, so a restarted clock never goes back; undefined while empty. */
  readonly latestStamp: string | undefined;
  /** Folds the whole store afresh into a new projection, streaming (bounded memory), with progress. */
  rebuild(options?: StoreRebuildOptions): Promise<ProjectionRebuild>;
}
