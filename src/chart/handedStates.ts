import type { StreamId } from '../event/ids.js';
import { hasSorted } from '../merge/sortedIds.js';
import type { ProjectedResource } from './projectionTables.js';

/**
 * A stream state a projector handed out: the resource keys it lists, and the rows it has
 * read so far or was given before a write replaced them. A row it has neither is still
 * the committed one, so the state reads it from the tables when first asked.
 */
export interface HandedState {
  /** Its resource keys, sorted. */
  readonly keys: readonly string[];
  /** The rows it holds, by key: each as it was when the state was handed out. */
  readonly rows: Map<string, ProjectedResource>;
}

/**
 * The states a projector has handed out and a caller may still hold, by stream, held
 * weakly: a state nobody holds any more is dropped by the garbage collector, not kept here.
 * Before a write replaces rows, {@link HandedStates.keepBefore} gives each live state that
 * lists a changed key and has not read it the row as it was, so a state never changes
 * whatever is written after it was read (docs/architecture.md, "The persisted projection").
 */
export interface HandedStates {
  /** Tracks `state`, handed out for `stream`, until it is garbage. */
  add(stream: StreamId, state: HandedState): void;
  /**
   * Called before rows of `stream` with these `keys` are replaced or deleted: each live
   * state of the stream listing one of them and not holding it is given `before(key)`, the
   * row the tables hold now. `before` is called only when some state needs the row.
   */
  keepBefore(stream: StreamId, keys: readonly string[], before: (key: string) => ProjectedResource): void;
}

/** Creates an empty {@link HandedStates}. */
export function createHandedStates(): HandedStates {
  const live = new Map<StreamId, Set<WeakRef<HandedState>>>();
  // A collected state's entry is removed, so the map holds only streams with live states.
  const collected = new FinalizationRegistry<{ stream: StreamId; ref: WeakRef<HandedState> }>(
    ({ stream, ref }) => {
      const refs = live.get(stream);
      if (refs === undefined) return;
      refs.delete(ref);
      if (refs.size === 0) live.delete(stream);
    },
  );
  return {
    add(stream, state) {
      const ref = new WeakRef(state);
      let refs = live.get(stream);
      if (refs === undefined) live.set(stream, (refs = new Set()));
      refs.add(ref);
      collected.register(state, { stream, ref });
    },
    keepBefore(stream, keys, before) {
      const refs = live.get(stream);
      if (refs === undefined) return;
      for (const ref of refs) {
        const state = ref.deref();
        if (state === undefined) continue;
        for (const key of keys)
          if (!state.rows.has(key) && hasSorted(state.keys, key)) state.rows.set(key, before(key));
      }
    },
  };
}
