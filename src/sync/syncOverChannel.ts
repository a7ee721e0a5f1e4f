import type { SyncOptions } from './generateSyncMessage.js';
import { runSyncRounds } from './runSyncRounds.js';
import type { SyncChannel } from './syncChannel.js';
import { openSyncConnection } from './syncConnection.js';
import type { SyncEndpoint } from './syncEndpoint.js';
import { syncNotQuiet } from './syncNotQuiet.js';
import type { SyncChannelReport } from './syncReport.js';

/** Options for {@link syncOverChannel}. */
export interface SyncOverChannelOptions extends SyncOptions {
  /** Give up (throw `SYNC_NOT_QUIET`) after this many rounds. @defaultValue `1000` */
  readonly maxRounds?: number;
  /** Called after each round, the quiet one included, e.g. for a progress line. @defaultValue none */
  readonly onRound?: (round: number, report: SyncChannelReport) => void;
}

/**
 * Syncs `endpoint` with whatever is at the other end of `channel`, as one connection: a
 * fresh sync state, then rounds — send our next message (or nothing), take in the reply —
 * until a round where neither side had anything to say. Afterwards each side holds
 * everything the other held, except what was refused (see `refused`). `syncPair` and
 * `syncOverHttp` are this loop over their channels; bring your own transport the same way.
 *
 * @throws ChartlogError `SYNC_NOT_QUIET` (with the counts in `details`) after `maxRounds`;
 *   whatever the channel throws.
 * @example
 * ```ts
 * const report = await syncOverChannel(replica, createInProcessChannel(replica.site, hospital));
 * console.log(`${report.rounds} rounds, ${report.eventsSent} sent, ${report.eventsReceived} received`);
 * ```
 */
export async function syncOverChannel(
  endpoint: SyncEndpoint,
  channel: SyncChannel,
  options: SyncOverChannelOptions = {},
): Promise<SyncChannelReport> {
  const connection = openSyncConnection(endpoint, channel, options);
  const onRound = options.onRound;
  await runSyncRounds([connection], {
    maxRounds: options.maxRounds ?? 1000,
    notQuiet: (rounds) =>
      syncNotQuiet(`${endpoint.site} and ${channel.name}`, rounds, connection.report, channel.details),
    ...(onRound === undefined ? {} : { onRound: (round: number) => onRound(round, connection.report) }),
  });
  return connection.report;
}
