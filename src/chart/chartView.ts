import type { StreamId } from '../event/ids.js';
import type { Schema } from '../merge/schema.js';
import type { EventKey } from './eventKey.js';
import type { ResourceState, StreamState } from './streamState.js';

/**
 * What reads a projection (DESIGN §4): each stream's folded state and hash, the
 * replica's hash, and the streams with open conflicts. A replica's chart reads it from
 * its store's persisted projection, loading a stream when first asked; an in-memory
 * `Chart` holds everything. Every read is synchronous and returns immutable values.
 */
export interface ChartView {
  /** The schema folded with. */
  readonly schema: Schema;
  /** A stream's current state, or undefined when it has no events. */
  state(stream: StreamId): StreamState | undefined;
  /** One resource (`<Type>/<id>`) of a stream's current state, loading only that resource; undefined when absent. */
  resource(stream: StreamId, key: string): ResourceState | undefined;
  /**
   * The {@link EventKey} of the latest event (in total order) folded into a resource and
   * not retracted: its version (FHIR `meta.versionId` and `lastUpdated` come from it).
   * Undefined when absent.
   */
  lastWrite(stream: StreamId, key: string): EventKey | undefined;
  /** The `<Type>/<id>#<field>` keys of a stream's open conflicts (its state's `conflicts`), without loading its resources. */
  openConflicts(stream: StreamId): readonly string[];
  /** The stream's state hash (of the empty state when it has no events). */
  stateHash(stream: StreamId): string;
  /** One hash over every stream's state, kept as streams change: equal on two replicas exactly when they show the same records. */
  hash(): string;
  /** Every stream with at least one event, sorted. */
  streams(): StreamId[];
  /** Every stream with an open conflict, sorted: read from an index, not by folding. */
  conflictStreams(): StreamId[];
  /** Number of events folded (including ones not understood). */
  readonly size: number;
}
