import type { SyncOptions } from './generateSyncMessage.js';
import type { SyncChannel } from './syncChannel.js';
import type { SyncEndpoint } from './syncEndpoint.js';
import { countExchange, countIngest, emptySyncReport, type SyncChannelReport } from './syncReport.js';
import { initSyncState, type SyncState } from './syncState.js';

/** One connection of the sync protocol, from its near end: a round at a time, its report as it goes. */
export interface SyncConnection {
  /** What the connection did so far. */
  readonly report: SyncChannelReport;
  /**
   * One round: the near end's next message (or nothing) over the channel, the far end's
   * reply taken in. True when either end said something; a round where neither did is quiet.
   */
  round(): Promise<boolean>;
}

/**
 * Opens a connection from `near` over `channel` with a fresh sync state (each connection
 * starts from the vectors, which is what makes sync resumable after any interruption).
 * Run its rounds with {@link runSyncRounds}, or use {@link syncOverChannel}.
 *
 * @example
 * ```ts
 * const connection = openSyncConnection(replica, createInProcessChannel(replica.site, hospital));
 * while (await connection.round());
 * ```
 */
export function openSyncConnection(
  near: SyncEndpoint,
  channel: SyncChannel,
  options: SyncOptions = {},
): SyncConnection {
  let state: SyncState = initSyncState(channel.peer === undefined ? {} : { peer: channel.peer });
  let report = emptySyncReport(channel.name);
  return {
    get report() {
      return report;
    },
    async round() {
      const [generated, sent] = await near.generateSyncMessage(state, options);
      state = generated;
      const reply = await channel.exchange(sent);
      // A far end that names itself is the peer a replica in recovery waits to hear from.
      if (state.peer === undefined && reply.site !== undefined) state = { ...state, peer: reply.site };
      report = countExchange(report, { ...reply, sent, reply: reply.message });
      for (const message of reply.arrived ?? (reply.message === null ? [] : [reply.message])) {
        const [received, ingest] = await near.receiveSyncMessage(state, message);
        state = received;
        report = countIngest(report, reply.completeIngest?.(ingest) ?? ingest, near.site);
      }
      report = { ...report, rounds: report.rounds + 1 };
      return sent !== null || reply.message !== null;
    },
  };
}
