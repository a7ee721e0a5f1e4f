import { randomUUID } from 'node:crypto';
import { ChartlogError } from '../../error/chartlogError.js';
import { encodeEvent } from '../../event/eventHash.js';
import type { SyncOptions } from '../generateSyncMessage.js';
import { NO_REFUSALS } from '../ingestReport.js';
import { addRefusals, mapRefusals } from '../refusalCollector.js';
import type { SyncEndpoint, SyncReport } from '../inProcess.js';
import type { SyncMessage } from '../syncMessage.js';
import { initSyncState } from '../syncState.js';
import type { HttpSyncClient } from './createHttpSyncClient.js';
import { addRefusedLines, refusalsOfSummary } from './syncMessageNdjson.js';

/** Options for {@link syncOverHttp}. */
export interface SyncOverHttpOptions extends SyncOptions {
  /** Give up (throw `SYNC_NOT_QUIET`) after this many rounds (requests that succeeded). @defaultValue `1000` */
  readonly maxRounds?: number;
  /** Called after each round, e.g. for a progress line. @defaultValue none */
  readonly onRound?: (round: number, report: HttpSyncReport) => void;
  /**
   * The server's site id, as the replica's `recoveryPeers` name it: a replica in recovery
   * counts this connection as hearing from that peer. Give it when you know it.
   * @defaultValue the site the server names in its `Chartlog-Site` header (its own word)
   */
  readonly peer?: string;
}

/**
 * What a sync over HTTP did. The {@link SyncReport} fields mean what they mean in process
 * (`accepted`/`duplicates`/`refused` count both sides, the server's from each response's
 * trailer; `bytes` is request plus response body bytes), plus the per-direction detail.
 */
export interface HttpSyncReport extends SyncReport {
  /** Events we sent. */
  readonly eventsSent: number;
  /** Events the server sent us. */
  readonly eventsReceived: number;
  /** Request body bytes (successful attempts). */
  readonly bytesSent: number;
  /** Response body bytes (successful attempts), trailers included. */
  readonly bytesReceived: number;
  /** HTTP requests made, retries included. */
  readonly requests: number;
  /** The server's site (its `Chartlog-Site` header), as named in its refusals (`receiver`); its URL until it answered. */
  readonly peer: string;
}

/**
 * Syncs a replica with a server, as one connection (mirrors {@link syncPair}): a fresh
 * sync state and session id, then rounds of one request each — send our next message (or
 * nothing), take in the server's reply — until a round where neither side had anything
 * to say. Afterwards each side holds everything the other held, except what was refused.
 *
 * Interrupted anywhere (a thrown timeout, a crash), it is simply run again: the next run
 * starts from fresh vectors and sends exactly what is still missing.
 *
 * @throws ChartlogError `SYNC_NOT_QUIET` after `maxRounds`; the client's errors
 *   (`SYNC_UNAUTHORIZED`, `SYNC_TIMEOUT`, `SYNC_HTTP_FAILED`, `MALFORMED_MESSAGE`).
 * @example
 * ```ts
 * const report = await syncOverHttp(replica, createHttpSyncClient({ url, token }), { maxEvents: 500 });
 * console.log(`${report.rounds} rounds, ${report.eventsSent} sent, ${report.eventsReceived} received`);
 * ```
 */
export async function syncOverHttp(
  replica: SyncEndpoint,
  client: HttpSyncClient,
  options: SyncOverHttpOptions = {},
): Promise<HttpSyncReport> {
  const maxRounds = options.maxRounds ?? 1000;
  const session = randomUUID();
  let state = initSyncState(options.peer === undefined ? {} : { peer: options.peer });
  let peer = client.url;
  let r: HttpSyncReport = {
    rounds: 0,
    messages: 0,
    accepted: 0,
    duplicates: 0,
    refused: NO_REFUSALS,
    bytes: 0,
    eventBytes: 0,
    eventsSent: 0,
    eventsReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    requests: 0,
    peer,
  };
  for (let round = 1; round <= maxRounds; round++) {
    let mine: SyncMessage | null;
    [state, mine] = await replica.generateSyncMessage(state, options);
    const exchange = await client.exchange(mine, { session });
    peer = exchange.site ?? peer;
    if (state.peer === undefined && exchange.site !== undefined) state = { ...state, peer: exchange.site };
    const theirs = exchange.message;
    const serverRefused = mapRefusals(refusalsOfSummary(exchange.ingest), (x) => ({ ...x, receiver: peer }));
    r = {
      ...r,
      rounds: round,
      messages: r.messages + (mine === null ? 0 : 1) + (theirs === null ? 0 : 1),
      accepted: r.accepted + exchange.ingest.accepted,
      duplicates: r.duplicates + exchange.ingest.duplicates,
      refused: addRefusals(r.refused, serverRefused),
      bytes: r.bytes + exchange.bytesSent + exchange.bytesReceived,
      eventBytes: r.eventBytes + canonicalBytes(mine) + canonicalBytes(theirs),
      eventsSent: r.eventsSent + (mine?.events.length ?? 0),
      eventsReceived: r.eventsReceived + (theirs?.events.length ?? 0),
      bytesSent: r.bytesSent + exchange.bytesSent,
      bytesReceived: r.bytesReceived + exchange.bytesReceived,
      requests: r.requests + exchange.attempts,
      peer,
    };
    if (theirs !== null) {
      const [next, ingested] = await replica.receiveSyncMessage(state, theirs);
      const ingest = addRefusedLines(ingested, exchange.refusedLines);
      state = next;
      r = {
        ...r,
        accepted: r.accepted + ingest.accepted,
        duplicates: r.duplicates + ingest.duplicates,
        refused: addRefusals(
          r.refused,
          mapRefusals(ingest.refused, (x) => ({ ...x, receiver: replica.site })),
        ),
      };
    }
    options.onRound?.(round, r);
    if (mine === null && theirs === null) return r;
  }
  throw new ChartlogError(
    'SYNC_NOT_QUIET',
    `${replica.site} and ${client.url} still syncing after ${maxRounds} rounds (${r.refused.count} refusals)`,
    { details: { url: client.url, refused: r.refused.examples.slice(0, 10) } },
  );
}

function canonicalBytes(message: SyncMessage | null): number {
  let n = 0;
  for (const e of message?.events ?? []) {
    try {
      n += Buffer.byteLength(encodeEvent(e), 'utf8');
    } catch {
      // An event too broken to encode: ingest refuses it; count it as sent.
      n += Buffer.byteLength(JSON.stringify(e), 'utf8');
    }
  }
  return n;
}
