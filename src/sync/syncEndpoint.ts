import type { SyncOptions } from './generateSyncMessage.js';
import type { IngestReport } from './ingestReport.js';
import type { SyncMessage } from './syncMessage.js';
import type { SyncState } from './syncState.js';

/**
 * What a sync loop needs from one end: the two sync steps, with the sync state passed in
 * and handed back. A `Replica` from `createReplica` is one; so is a store acting as a
 * passive peer (`syncWithHub`), or anything speaking for one.
 *
 * @example
 * ```ts
 * const end: SyncEndpoint = replica;
 * const [state, message] = await end.generateSyncMessage(initSyncState({ peer: 'hospital' }));
 * ```
 */
export interface SyncEndpoint {
  /** A name for reports and errors, e.g. the site id. */
  readonly site: string;
  /** The next message to the peer this state is about, or null when there is nothing to say. */
  generateSyncMessage(state: SyncState, options?: SyncOptions): Promise<[SyncState, SyncMessage | null]>;
  /** Takes in a message from that peer (any JSON: it is checked), and reports what it stored. */
  receiveSyncMessage(state: SyncState, message: unknown): Promise<[SyncState, IngestReport]>;
}
