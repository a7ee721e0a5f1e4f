import type { EventId, StreamId } from '../event/ids.js';
import type { LocatedResource } from './chartView.js';
import type { EventKey } from './eventKey.js';
import type { ResourceKeyRange } from './resourceKeyRange.js';
import type { ResourceState } from './streamState.js';

/** A stream's row in a projection: everything of its state but the resources, and its hash. */
export interface ProjectedStream {
  /** The stream. */
  readonly stream: StreamId;
  /** Events of the stream the store holds (folded or not understood). */
  readonly events: number;
  /** Order-independent digest sum over its resources (see `resourcesDigest`). */
  readonly digest: string;
  /** Its state hash (`stateHash` of the state it shows). */
  readonly hash: string;
  /** Sorted `<Type>/<id>#<field>` keys of fields with an open conflict. */
  readonly conflicts: readonly string[];
  /** Sorted ids of events retracted in the stream. */
  readonly retracted: readonly EventId[];
}

/** One resource of a stream in a projection. */
export interface ProjectedResource {
  /** `<Type>/<id>`. */
  readonly key: string;
  /** The folded resource (frozen). Tables may parse it on first read (SQLite does), so read it only when needed. */
  readonly state: ResourceState;
  /** SHA-256 of its canonical JSON. */
  readonly hash: string;
  /**
   * Per field, the key of the last write folded into it: a later event is applied to the
   * field directly, an earlier one makes the field re-fold from the stream's events.
   * Bookkeeping of the projection, not part of the state or its hash.
   */
  readonly last: { readonly [field: string]: EventKey };
  /** Bytes it is estimated to take in memory ({@link heapBytesOfResource}): what a bounded cache counts it as. */
  readonly size: number;
}

/**
 * Heap bytes per byte of a resource's canonical JSON, as measured on the practice store
 * (bench/practice, 500k events): a row held as read, its body and `last` strings unparsed,
 * takes 2.0× its body's length; parsed (the body dropped) 2.8×. The cache counts the
 * larger, so its bound holds whatever the readers parse.
 */
const HEAP_BYTES_PER_JSON_BYTE = 3;

/** What a cached resource whose canonical JSON is `bodyLength` long is counted as: an estimate of its heap bytes. */
export function heapBytesOfResource(bodyLength: number): number {
  return HEAP_BYTES_PER_JSON_BYTE * bodyLength;
}

/**
 * What a stream's list of `keys` resource keys is counted as once a state was handed out:
 * the key strings, and per key a getter, its closure and a dictionary slot in the state's
 * view. About 225 bytes per key measured (the built package, the 500k practice store,
 * heap after GC per state held); 200 counted, the stream's row being the rest.
 */
export function heapBytesOfKeyList(keys: number): number {
  return 200 * keys;
}

/** A resource to write: its new value, or undefined to delete it; `body` is its canonical JSON. */
export interface ResourceChange {
  readonly key: string;
  readonly resource: ProjectedResource | undefined;
  readonly body: string | undefined;
}

/**
 * Where a projection keeps its rows (docs/architecture.md, "The persisted projection"): synchronous, so a store can fold inside
 * its own write transaction (SQLite) and a chart can read a stream when asked. Adapters:
 * `createMemoryProjectionTables`, and the SQLite store's tables in the same file as its
 * events.
 */
export interface ProjectionTables {
  /** A stream's row, or undefined when it has no events. */
  stream(stream: StreamId): ProjectedStream | undefined;
  /** Some (`keys`) or all of a stream's resources; missing keys are left out. */
  resources(stream: StreamId, keys?: readonly string[]): ProjectedResource[];
  /** A stream's resource keys, sorted (JavaScript's string order), without reading the resources. */
  keys(stream: StreamId): string[];
  /** Replaces a stream's row and writes (or deletes) some of its resources. */
  write(row: ProjectedStream, changes: readonly ResourceChange[]): void;
  /** Every stream with a row, sorted. */
  streams(): StreamId[];
  /** Every stream with an open conflict, sorted (an index, not a scan). */
  conflicted(): StreamId[];
  /** Every stream holding a resource of this key, sorted (the resource-key index, kept by {@link ProjectionTables.write}). */
  locate(key: string): StreamId[];
  /** The index entries with a key in the range, by key then stream: at most `range.limit`, plus the other streams of the last key. */
  resourceKeys(range: ResourceKeyRange): LocatedResource[];
  /** A named value of the projection itself (its schema fingerprint, digest sum, counters). */
  meta(name: string): string | undefined;
  /** Sets (or with undefined, removes) a named value. */
  setMeta(name: string, value: string | undefined): void;
  /** Removes every row and value: the start of a rebuild. */
  clear(): void;
}
