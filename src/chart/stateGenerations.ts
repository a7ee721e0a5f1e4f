import type { StreamId } from '../event/ids.js';
import type { ProjectedResource } from './projectionTables.js';

/**
 * The states of one stream handed out between two writes, as one link of a chain: a state
 * reading a resource it does not hold looks here first, for the row as it was when the
 * state was handed out, then at the later generations, then at the tables
 * (docs/architecture.md, "The persisted projection").
 */
export interface StateGeneration {
  /** Rows later writes replaced or deleted, each as this generation's states saw it. */
  kept: Map<string, ProjectedResource> | undefined;
  /** The estimated heap bytes of `kept` (each row's `size`): what a cache holding this generation counts for it. */
  keptBytes: number;
  /** The generation handed out after the next write, once there is one. */
  next: StateGeneration | undefined;
  /** True once a write replaced rows after this generation was handed out: later states need a new one. */
  written: boolean;
  /** Shared by the whole chain: how many of its states still have resources they have not read. */
  readonly chain: { unread: number };
}

/** A new generation for states about to be handed out, after `previous` (its chain's newest) when there is one. */
export function newGeneration(previous?: StateGeneration): StateGeneration {
  const generation: StateGeneration = {
    kept: undefined,
    keptBytes: 0,
    next: undefined,
    written: false,
    chain: previous?.chain ?? { unread: 0 },
  };
  if (previous !== undefined) previous.next = generation;
  return generation;
}

/**
 * Before rows with these `keys` are replaced or deleted: `generation` (its chain's newest)
 * keeps `before(key)` for each key that had a row (`before` returns undefined for a key
 * the write creates) and that it has not kept yet. Returns the bytes it kept.
 */
export function keepBefore(
  generation: StateGeneration,
  keys: readonly string[],
  before: (key: string) => ProjectedResource | undefined,
): number {
  let added = 0;
  for (const key of keys) {
    if (generation.kept?.has(key) === true) continue;
    const row = before(key);
    if (row === undefined) continue;
    (generation.kept ??= new Map()).set(key, row);
    added += row.size;
  }
  generation.keptBytes += added;
  generation.written = true;
  return added;
}

/**
 * The row of `key` kept for states of `generation`: its own kept row, else a later
 * generation's (the row did not change between them), else undefined (the tables' row is
 * still the one those states saw).
 */
export function keptRow(generation: StateGeneration, key: string): ProjectedResource | undefined {
  for (let g: StateGeneration | undefined = generation; g !== undefined; g = g.next) {
    const row = g.kept?.get(key);
    if (row !== undefined) return row;
  }
  return undefined;
}

/**
 * The newest generations of streams whose cache entry was evicted while some of their
 * states had resources left to read, held weakly: reloading the stream takes its
 * generation back ({@link DetachedGenerations.reattach}), so the next write still keeps
 * rows for those states; once no state holds it, the garbage collector takes it.
 *
 * Only evictions make a `WeakRef`, not every state: V8 keeps a `WeakRef`'s target alive
 * until the current job ends, and a loop reading thousands of records is one job. With a
 * `WeakRef` per state, reading every patient of the practice store ended at 1,414 MiB RSS
 * while the targets held the rows read, and at 260–280 MiB instead of 180–250 once they
 * held only what writes kept (small objects living to the job's end pinned old-space pages).
 */
export interface DetachedGenerations {
  /** Holds `generation`, the newest of `stream`'s chain, weakly until the stream is reloaded. */
  detach(stream: StreamId, generation: StateGeneration): void;
  /** The detached generation of `stream`, if a state still holds it, no longer held here. */
  reattach(stream: StreamId): StateGeneration | undefined;
}

/** Creates an empty {@link DetachedGenerations}. */
export function createDetachedGenerations(): DetachedGenerations {
  const detached = new Map<StreamId, WeakRef<StateGeneration>>();
  // A collected generation's entry goes, unless the stream was detached again since.
  const collected = new FinalizationRegistry<{ stream: StreamId; ref: WeakRef<StateGeneration> }>(
    ({ stream, ref }) => {
      if (detached.get(stream) === ref) detached.delete(stream);
    },
  );
  return {
    detach(stream, generation) {
      const ref = new WeakRef(generation);
      detached.set(stream, ref);
      collected.register(generation, { stream, ref }, ref);
    },
    reattach(stream) {
      const ref = detached.get(stream);
      if (ref === undefined) return undefined;
      detached.delete(stream);
      collected.unregister(ref);
      return ref.deref();
    },
  };
}
