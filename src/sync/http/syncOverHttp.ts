import { randomUUID } from 'node:crypto';
import type { SyncChannel } from '../syncChannel.js';
import type { SyncEndpoint } from '../syncEndpoint.js';
import { syncOverChannel, type SyncOverChannelOptions } from '../syncOverChannel.js';
import type { SyncChannelReport } from '../syncReport.js';
import { eventBytesOf } from '../wireMessage.js';
import type { HttpSyncClient } from './createHttpSyncClient.js';
import { addRefusedLines, refusalsOfSummary } from './syncMessageNdjson.js';

/** Options for {@link syncOverHttp}. */
export interface SyncOverHttpOptions extends SyncOverChannelOptions {
  /**
   * The server's site id, as the replica's `recoveryPeers` name it: a replica in recovery
   * counts this connection as hearing from that peer. Give it when you know it.
   * @defaultValue the site the server names in its `Chartlog-Site` header (its own word)
   */
  readonly peer?: string;
}

/**
 * What a sync over HTTP did: a {@link SyncChannelReport}. `accepted`/`duplicates`/`refused`
 * count both sides, the server's from each response's trailer; `bytes` is request plus
 * response body bytes (successful attempts), trailers included; `requests` counts retries;
 * `peer` is the server's site (its `Chartlog-Site` header), its URL until it answered.
 */
export type HttpSyncReport = SyncChannelReport;

/**
 * Syncs a replica with a server, as one connection ({@link syncOverChannel} over HTTP,
 * as {@link syncPair} is in process): a fresh sync state and session id, then rounds of
 * one request each — send our next message (or nothing), take in the server's reply —
 * until a round where neither side had anything to say. Afterwards each side holds
 * everything the other held, except what was refused.
 *
 * Interrupted anywhere (a thrown timeout, a crash), it is simply run again: the next run
 * starts from fresh vectors and sends exactly what is still missing.
 *
 * @throws ChartlogError `SYNC_NOT_QUIET` (with the counts and `url` in `details`) after
 *   `maxRounds` (requests that succeeded); the client's errors (`SYNC_UNAUTHORIZED`,
 *   `SYNC_TIMEOUT`, `SYNC_HTTP_FAILED`, `MALFORMED_MESSAGE`).
 * @example
 * ```ts
 * const report = await syncOverHttp(replica, createHttpSyncClient({ url, token }), { maxEvents: 500 });
 * console.log(`${report.rounds} rounds, ${report.eventsSent} sent, ${report.eventsReceived} received`);
 * ```
 */
export function syncOverHttp(
  replica: SyncEndpoint,
  client: HttpSyncClient,
  options: SyncOverHttpOptions = {},
): Promise<HttpSyncReport> {
  return syncOverChannel(replica, httpChannel(client, options.peer), options);
}

/** One request per exchange, in one session (the server keeps its side's sync state under its id). */
function httpChannel(client: HttpSyncClient, peer: string | undefined): SyncChannel {
  const session = randomUUID();
  return {
    name: client.url,
    ...(peer === undefined ? {} : { peer }),
    details: { url: client.url },
    async exchange(message) {
      const exchange = await client.exchange(message, { session });
      const { accepted, duplicates } = exchange.ingest;
      return {
        message: exchange.message,
        ingest: { accepted, duplicates, refused: refusalsOfSummary(exchange.ingest) },
        ...(exchange.site === undefined ? {} : { site: exchange.site }),
        bytesSent: exchange.bytesSent,
        bytesReceived: exchange.bytesReceived,
        eventBytes: eventBytesOf(message) + eventBytesOf(exchange.message),
        attempts: exchange.attempts,
        completeIngest: (ingest) => addRefusedLines(ingest, exchange.refusedLines),
      };
    },
  };
}
