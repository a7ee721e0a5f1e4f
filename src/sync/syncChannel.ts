import type { SyncTransportDetails } from '../error/chartlogErrorDetails.js';
import type { IngestReport } from './ingestReport.js';
import type { SyncMessage } from './syncMessage.js';
import type { SyncIngestCounts } from './syncReport.js';

/**
 * A transport between the near end of a sync and its far end, as one connection: it carries
 * the near end's message (or the news that it has nothing to say) to the far end, and
 * brings back the far end's reply. In process that is two function calls
 * (`createInProcessChannel`), over HTTP one request (`syncOverHttp`); a WebSocket, a
 * message queue or a simulated network fits the same shape. The sync loop
 * ({@link syncOverChannel}) does the rest: the near end's state, the rounds, the bound and
 * the report.
 *
 * @example
 * ```ts
 * const channel: SyncChannel = {
 *   name: 'hospital',
 *   async exchange(message) {
 *     const reply = await rpc('sync', message === null ? null : encodeSyncMessage(message));
 *     return { message: reply.message === null ? null : parseSyncMessage(reply.message), ingest: reply.ingest };
 *   },
 * };
 * ```
 */
export interface SyncChannel {
  /** The far end's name in reports and errors until a reply names it (a site id, a hub's name, a URL). */
  readonly name: string;
  /**
   * The far end's site id for the near end's sync state (`SyncState.peer`, which a replica
   * in recovery checks), when known before the first reply. @defaultValue unnamed until a reply gives `site`
   */
  readonly peer?: string;
  /** Facts about the transport for the details of its errors, e.g. `{ url }`. @defaultValue none */
  readonly details?: SyncTransportDetails;
  /**
   * Carries `message` (null: the near end has nothing to say) to the far end, which takes
   * it in and answers with its own next message. Throws what the transport throws.
   */
  exchange(message: SyncMessage | null): Promise<SyncChannelReply>;
}

/** What came back over a {@link SyncChannel}. */
export interface SyncChannelReply {
  /** The far end's next message, or null when it had nothing to say (the round is quiet when both are null). */
  readonly message: SyncMessage | null;
  /**
   * The copies of `message` that reach the near end, as the near end's ingest takes them (any JSON).
   * A faulty link may lose the reply (`[]`) or duplicate it. @defaultValue `[message]` (none when null)
   */
  readonly arrived?: readonly unknown[];
  /** What the far end made of the near end's message, when the transport tells. @defaultValue nothing accepted, nothing refused */
  readonly ingest?: SyncIngestCounts;
  /** The far end's site id, when it named itself (an HTTP server's `Chartlog-Site`). @defaultValue the channel's `name` */
  readonly site?: string;
  /** Bytes of the near end's message on the wire. @defaultValue `0` */
  readonly bytesSent?: number;
  /** Bytes of the reply on the wire. @defaultValue `0` */
  readonly bytesReceived?: number;
  /**
   * Bytes of the events in both messages, as their wire lines held them (their canonical
   * encoding, for events chartlog built). @defaultValue `0`
   */
  readonly eventBytes?: number;
  /** Attempts it took (HTTP requests, retries included). @defaultValue `0` */
  readonly attempts?: number;
  /** Completes the near end's ingest report of the reply, e.g. with lines the transport could not read as events. @defaultValue none */
  readonly completeIngest?: (report: IngestReport) => IngestReport;
}
