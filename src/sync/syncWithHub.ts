import type { IngestReport, RefusalSummary } from './ingestReport.js';
import type { EventLog } from '../store/eventLog.js';
import { createEventLogPeer } from './eventLogPeer.js';
import { syncPair, type SyncEndpoint, type SyncPairOptions, type SyncRefusal } from './inProcess.js';

/** Options for {@link syncWithHub}. */
export interface SyncWithHubOptions extends SyncPairOptions {
  /** The hub's name in reports. @defaultValue `'hub'` */
  readonly hubName?: string;
}

/** What one {@link syncWithHub} did. */
export interface HubSyncReport {
  /**
   * Events the hub stored from this replica: its own, and other sites' it relayed. When
   * another replica pushes the same events at the same instant, EventStoreDB may take both
   * appends as one (a retry of the same events at the same revisions), and both count them.
   */
  readonly pushed: number;
  /** Events the replica accepted from the hub. */
  readonly pulled: number;
  /** Events either side already held (another replica got there first, or a retry): no-ops. */
  readonly duplicates: number;
  /**
   * What was refused, counted, the first few with the side that refused it: `receiver` is the replica's site
   * for events it would not ingest from the hub (bad signature, broken chain, fork,
   * unknown site key…), the hub's name for events the hub's store refused (a fork: two
   * histories of one site). Refused events changed nothing.
   */
  readonly refused: RefusalSummary<SyncRefusal>;
  /** Protocol rounds, including the last, quiet one. */
  readonly rounds: number;
  /** Messages exchanged, both directions. */
  readonly messages: number;
}

/**
 * Syncs a replica with a shared {@link EventLog} used as a hub — e.g. an EventStoreDB
 * cluster that every site reaches, as durable storage rather than as a trusted peer
 * (docs/architecture.md, "Replication"). One call is one connection of the sync protocol between the replica and
 * the hub's store acting as a passive peer: exactly what the hub lacks is pushed (the replica's
 * own events and any other site's it holds: relaying), exactly what the replica lacks is
 * pulled, in bounded batches (`maxEvents`, `maxBytes`), each site's run ending at a
 * signed head; the replica signs its own head first, so its whole chain can travel.
 *
 * - Pulled events go through the replica's ingest like any peer's: every hash, chain and
 *   signature is checked, and what fails is refused (in `refused`) and changes nothing.
 * - Many replicas may sync with one hub at once, from as many processes: two relaying the
 *   same third site's events store them once (the store treats the second copy as a
 *   duplicate), so the hub holds every event exactly once.
 * - Idempotent and resumable: if the hub becomes unreachable mid-way the call throws the
 *   store's error (`STORE_UNAVAILABLE` from the EventStoreDB adapter); what was stored
 *   stays stored, and the next call starts from the vectors and sends only the rest.
 * - A replica restored from a backup takes its own events back from the hub first, as
 *   from any peer; its `status` returns to `ready` once every peer of its
 *   `recoveryPeers` has been heard from: name the hub there (`hubName`, `'hub'` by
 *   default) when the hub is the peer it syncs with.
 * - Whoever can write to the hub's storage directly cannot forge or alter a site's
 *   events unnoticed, but can block them: a planted or altered event makes every pull
 *   refuse the rest of that site's run (reported each time) until the hub is repaired;
 *   `verifyEventLog(hub, { keys })` finds it.
 *
 * @param replica - What the sync calls on a replica, a {@link SyncEndpoint}: a `Replica` from
 *   `createReplica` is one, as is anything speaking for one.
 * @param hub - The shared store, e.g. from `createEventStoreDbEventLog`; each process its own connection.
 *
 * @throws ChartlogError from the hub's store (`STORE_UNAVAILABLE` is safe to retry), or
 *   `SYNC_NOT_QUIET` after `maxRounds` (other sites kept the hub moving).
 * @example
 * ```ts
 * import { syncWithHub } from 'chartlog';
 * import { createEventStoreDbEventLog } from 'chartlog/eventstoredb';
 * const hub = await createEventStoreDbEventLog({ connectionString: 'esdb://hub1:2113,hub2:2113,hub3:2113?tls=true' });
 * const { pushed, pulled, refused } = await syncWithHub(replica, hub);
 * ```
 */
export async function syncWithHub(
  replica: SyncEndpoint,
  hub: EventLog,
  options: SyncWithHubOptions = {},
): Promise<HubSyncReport> {
  const peer = createEventLogPeer(hub, options.hubName === undefined ? {} : { name: options.hubName });
  let pushed = 0;
  const counted: SyncEndpoint = {
    site: peer.site,
    generateSyncMessage: (state, syncOptions) => peer.generateSyncMessage(state, syncOptions),
    async receiveSyncMessage(state, message) {
      const result: [typeof state, IngestReport] = await peer.receiveSyncMessage(state, message);
      pushed += result[1].accepted;
      return result;
    },
  };
  // In process the messages need no JSON round trip: ingest copies what it keeps.
  const report = await syncPair(replica, counted, { wire: false, ...options });
  return {
    pushed,
    pulled: report.accepted - pushed,
    duplicates: report.duplicates,
    refused: report.refused,
    rounds: report.rounds,
    messages: report.messages,
  };
}
