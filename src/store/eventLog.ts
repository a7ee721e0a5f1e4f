import type { ChartlogError } from '../error/chartlogError.js';
import type { ChartEvent } from '../event/chartEvent.js';
import type { EncodingHandover } from '../event/encodingHandover.js';
import type { SiteHead } from '../event/eventWriter.js';
import type { SiteId, StreamId } from '../event/ids.js';
import type { Json } from '../event/json.js';
import type { StoreProjection, StoreProjectionOptions } from './storeProjection.js';

/** For each site, the highest seq held contiguously from 1 (docs/architecture.md, "Replication"). */
export type VersionVector = { readonly [site: string]: number };

/** What an {@link EventLog.append} did. */
export interface AppendResult {
  /** Events newly stored. */
  readonly appended: number;
  /** Exact duplicates of stored events (same hash): no-ops. */
  readonly duplicates: number;
}

/** A page of events in local insertion order, for catch-up readers. */
export interface EventPage {
  /** The events, in the order this store first stored them. */
  readonly events: readonly ChartEvent[];
  /** Pass to the next `readAll` to continue after this page; opaque. */
  readonly cursor: string;
  /** True when the page reached the end of what is stored now. */
  readonly done: boolean;
}

/** Options for {@link EventLog.append}. */
export interface AppendOptions {
  /**
   * The canonical encodings the caller's writer or ingest already made or verified for
   * events of the batch (its {@link EncodingHandover}): the store saves those as they are
   * instead of encoding each event again, and takes them (they are not handed over twice).
   * An adapter passes it to `planAppend`. @defaultValue none: the store encodes every event
   */
  readonly encodings?: EncodingHandover;
}

/**
 * The storage port (docs/architecture.md, "Stores: the EventLog port"). Every adapter — memory, sqlite, eventstoredb — passes
 * the same conformance suite (test/conformance).
 *
 * Contract:
 * - `append` is atomic: every event of the batch is stored, or none is and it throws.
 * - Each event must pass envelope validation (`MALFORMED_EVENT` / `OVERSIZE`).
 * - Per site, seqs are contiguous from 1: an event whose seq is past the site's head + 1
 *   is a gap (`SEQ_GAP`); its `prev` must equal the hash of the site's event seq − 1
 *   (`CHAIN_BROKEN`). A batch may hold runs of several sites, each in seq order.
 * - An exact duplicate (same `(site, seq)` and same hash) is a no-op; if it carries a
 *   `sig` the stored copy lacks, the signature is kept. A different event at a taken
 *   `(site, seq)` is a fork: refused with `FORK`, nothing stored.
 * - Nothing acknowledged is ever lost; no torn event is ever visible.
 * - Appends are applied one at a time, in call order, even when a caller does not await
 *   one before issuing the next.
 * - Refusals carry `details.index` (position in the batch), `site` and `seq`. Adapters get
 *   all of these rules from one function, `planAppend` (src/store/checkAppend.ts).
 * - `readAll` refuses a cursor it did not issue with `INVALID_OPTION`; without a `limit`
 *   it returns at most 1000 events.
 */
export interface EventLog {
  /** Stores a batch atomically. */
  append(events: readonly ChartEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** One site's events with seq >= `fromSeq`, in seq order, at most `limit`. */
  readSite(site: SiteId, fromSeq?: number, limit?: number): Promise<ChartEvent[]>;
  /** One stream's events in total order `(hlc, site, seq)`. */
  readStream(stream: StreamId): Promise<ChartEvent[]>;
  /** Events in local insertion order after `cursor` (from the start when omitted), at most `limit`. */
  readAll(cursor?: string, limit?: number): Promise<EventPage>;
  /** The event at `(site, seq)`, if held. */
  get(site: SiteId, seq: number): Promise<ChartEvent | undefined>;
  /** Highest contiguous seq per site. */
  versionVector(): Promise<VersionVector>;
  /** Where a site's chain ends here: its last seq and that event's hash. */
  head(site: SiteId): Promise<SiteHead>;
  /** Number of events stored. */
  count(): Promise<number>;
  /** Releases the store; later calls fail with `STORE_CLOSED`. Idempotent. */
  close(): Promise<void>;
  /**
   * Optional (every built-in store has it): saves a small named record about the store
   * itself, outside its events, replacing any earlier value; `undefined` removes it. A
   * replica keeps its recovery state here (`chartlog.recovery`), so a restart cannot
   * clear it. The value is stored as canonical JSON and read back equal; it is never
   * synced. Memory keeps it in a map, SQLite in its `meta` table (key `marker:<name>`),
   * EventStoreDB in the stream `<prefix>-marker-<name>` (the last event wins).
   * Stores without it lose such state when their process ends.
   *
   * @throws ChartlogError `INVALID_OPTION` for a name that does not match
   *   `MARKER_NAME_PATTERN`; `STORE_READ_ONLY` on a read-only store.
   */
  putMarker?(name: string, value: Json | undefined): Promise<void>;
  /**
   * Optional, with {@link EventLog.putMarker}: the named record's value, or undefined
   * when none is saved.
   * @throws ChartlogError `STORE_CORRUPT` when the saved bytes are not JSON.
   */
  getMarker?(name: string): Promise<Json | undefined>;
  /**
   * Optional: subscribes to damage a read found and worked around, returning a function
   * that unsubscribes. A stored signature whose bytes fail their checksum is left out of
   * what the read returns (the event itself is intact: its row hash vouches for it) and
   * reported as a `STORE_CORRUPT` error with `details` `{ path?, stream?, site, seq, part: 'sig' }`
   * (SQLite names its file, EventStoreDB the stream that held the signature).
   * `verifyEventLog` listens, so such damage fails a verification. Stores whose reads
   * never work around damage leave it out.
   */
  onDamage?(listener: (damage: ChartlogError) => void): () => void;
  /**
   * Optional (every built-in store has it): opens the store's persisted projection
   * (docs/architecture.md, "The persisted projection") and keeps it folded as events are appended. SQLite keeps it in the same
   * file, written in the same transaction as the events; memory keeps it in maps;
   * EventStoreDB in a local read model. Opening catches up with events stored without
   * it, and rebuilds it (streaming, with progress) when it was folded with another schema.
   * A replica uses it when the store has it, and otherwise folds everything in memory.
   */
  openProjection?(options: StoreProjectionOptions): Promise<StoreProjection>;
}
