import type { StreamId } from '../event/ids.js';
import type { Schema } from '../merge/schema.js';
import type { EventKey } from './eventKey.js';
import type { ResourceState, StreamState } from './streamState.js';

/** A resource and the stream that holds it: an entry of the resource-key index. */
export interface LocatedResource {
  /** The stream whose state holds it. */
  readonly stream: StreamId;
  /** `<Type>/<id>`. */
  readonly key: string;
}

/** Options for {@link ChartView.resourceKeys}: one page of a type's resources. */
export interface ResourceKeysOptions {
  /** Only keys after this one (the last key of the previous page). @defaultValue from the first key */
  readonly after?: string;
  /** Most entries in the page (an integer ≥ 1). @defaultValue `1000` */
  readonly limit?: number;
  /** Only the resources of this stream (e.g. the Observations on one patient's record), without loading them. @defaultValue every stream */
  readonly stream?: StreamId;
}

/**
 * What reads a projection (docs/architecture.md, "The persisted projection"): each stream's folded state and hash, the
 * replica's hash, and the streams with open conflicts. A replica's chart reads it from
 * its store's persisted projection, loading a stream when first asked; an in-memory
 * `Chart` holds everything. Every read is synchronous and returns immutable values.
 */
export interface ChartView {
  /** The schema folded with. */
  readonly schema: Schema;
  /**
   * A stream's current state, or undefined when it has no events. A snapshot: it never
   * changes, whatever is written after. A store's projection lists the resources and reads
   * each one's row when it is first read, so reading a resource can throw what the store
   * throws: `STORE_CORRUPT` for a damaged row, `STORE_CLOSED` once the store is closed.
   */
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
  /**
   * Every stream whose state holds the resource `key` (`<Type>/<id>`), sorted: normally
   * one, none when no stream holds it (never written, or every field retracted). Read
   * from the resource-key index, no stream loaded: what answers `GET /fhir/{type}/{id}`
   * without knowing the patient.
   *
   * @example view.locate('Observation/o1') // ['patient/p1']
   */
  locate(key: string): StreamId[];
  /**
   * One page of the resources of a type held anywhere, in key order then stream order: a
   * range scan of the resource-key index (`<Type>/` to `<Type>0`), no stream loaded. Pass
   * the last key of a page as `after` for the next; a page shorter than `limit` is the
   * last. A page never splits the streams of one key (a key held on several streams),
   * so it may hold a few entries more than `limit`.
   *
   * @throws ChartlogError `INVALID_OPTION` when `type` is empty or holds a `/`, or `limit` is not an integer ≥ 1.
   * @example
   * ```ts
   * const first = view.resourceKeys('Observation', { limit: 100 });
   * const next = view.resourceKeys('Observation', { after: first[first.length - 1]!.key, limit: 100 });
   * ```
   */
  resourceKeys(type: string, options?: ResourceKeysOptions): LocatedResource[];
  /** Number of events folded (including ones not understood). */
  readonly size: number;
}
