import type { SyncOptions } from './generateSyncMessage.js';
import type { SyncChannel } from './syncChannel.js';
import type { SyncEndpoint } from './syncEndpoint.js';
import type { SyncMessage } from './syncMessage.js';
import { addIngest, NO_INGEST, type SyncIngestCounts } from './syncReport.js';
import { initSyncState } from './syncState.js';
import { decodeSyncMessageText, eventBytesOf, syncMessageLines } from './wireMessage.js';

/**
 * A link between two endpoints, for fault injection: given a message on its way, returns
 * the messages that arrive (`[]` drops it, `[m, m]` duplicates it, an older message
 * replays it). @defaultValue delivers every message once
 */
export type SyncLink = (message: SyncMessage, from: string, to: string) => readonly SyncMessage[];

/** Options for {@link createInProcessChannel}. */
export interface InProcessChannelOptions extends SyncOptions {
  /** Pass messages through their JSON text, as a network would, and count its bytes. @defaultValue `true` */
  readonly wire?: boolean;
  /** Fault injection, both directions. @defaultValue every message delivered once */
  readonly link?: SyncLink;
}

/**
 * A {@link SyncChannel} to an endpoint in the same process: the far end takes in each
 * message with its own sync state (kept by the channel, fresh per channel) and answers at
 * once. With `wire`, messages cross as the NDJSON text an HTTP body carries (encoded once,
 * decoded once per delivery), and their bytes are counted.
 *
 * @param near - The near end's site id: the far end's sync state names it, the link sees it.
 * @example
 * ```ts
 * const report = await syncOverChannel(practice, createInProcessChannel(practice.site, hospital));
 * ```
 */
export function createInProcessChannel(
  near: string,
  far: SyncEndpoint,
  options: InProcessChannelOptions = {},
): SyncChannel {
  const wire = options.wire ?? true;
  const link: SyncLink = options.link ?? ((m) => [m]);
  let farState = initSyncState({ peer: near });
  const carry = (message: SyncMessage, from: string, to: string) => {
    const text = wire ? [...syncMessageLines(message)].join('') : '';
    const bytes = wire ? Buffer.byteLength(text, 'utf8') : 0;
    const arrived = link(message, from, to).map((copy) =>
      wire ? decodeSyncMessageText(copy === message ? text : [...syncMessageLines(copy)].join('')) : copy,
    );
    return { arrived, bytes, eventBytes: wire ? eventBytesOf(message) : 0 };
  };
  return {
    name: far.site,
    peer: far.site,
    async exchange(message) {
      let ingest: SyncIngestCounts = NO_INGEST;
      const sent = message === null ? undefined : carry(message, near, far.site);
      for (const copy of sent?.arrived ?? []) {
        const [state, report] = await far.receiveSyncMessage(farState, copy);
        farState = state;
        ingest = addIngest(ingest, report);
      }
      const [state, reply] = await far.generateSyncMessage(farState, options);
      farState = state;
      const back = reply === null ? undefined : carry(reply, far.site, near);
      return {
        message: reply,
        arrived: back?.arrived ?? [],
        ingest,
        site: far.site,
        bytesSent: sent?.bytes ?? 0,
        bytesReceived: back?.bytes ?? 0,
        eventBytes: (sent?.eventBytes ?? 0) + (back?.eventBytes ?? 0),
      };
    },
  };
}
