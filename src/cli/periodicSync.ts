import { ChartlogError, isChartlogError } from '../error/chartlogError.js';
import type { SyncEndpoint } from '../sync/inProcess.js';
import {
  createHttpSyncClient,
  syncOverHttp,
  type HttpSyncClientOptions,
  type HttpSyncReport,
  type HttpSyncTlsOptions,
} from '../sync/http/index.js';

/** A peer {@link startPeriodicSync} calls: where, and with which of our tokens. */
export interface SyncPeer {
  /** The peer's site id (for logs). */
  readonly site: string;
  /** Its base URL. */
  readonly url: string;
  /** The bearer token we present to it. */
  readonly token: string;
  /** How its `https://` server is checked, and our client certificate. @defaultValue Node's public CAs */
  readonly tls?: HttpSyncTlsOptions;
}

/** What happened with one peer in one round; see {@link PeriodicSyncOptions.onEvent}. */
export type PeriodicSyncEvent =
  /** A sync that moved events (or had events refused). Quiet syncs are not reported. */
  | { readonly kind: 'synced'; readonly peer: SyncPeer; readonly report: HttpSyncReport }
  /** The first failed round of a streak, and each later one whose error code differs. */
  | {
      readonly kind: 'failed';
      readonly peer: SyncPeer;
      readonly error: { readonly code: string; readonly message: string };
      readonly failures: number;
    }
  /** The first good round after `failures` failed ones. */
  | { readonly kind: 'recovered'; readonly peer: SyncPeer; readonly failures: number };

/** Options of {@link startPeriodicSync}. */
export interface PeriodicSyncOptions {
  /** Pause between the end of one round (every peer once) and the start of the next, in ms. */
  readonly everyMs: number;
  /** The peers, synced one after another each round. */
  readonly peers: readonly SyncPeer[];
  /** Called for each {@link PeriodicSyncEvent}, for logging. @defaultValue none */
  readonly onEvent?: (event: PeriodicSyncEvent) => void;
  /** Passed to each peer's client (a test `fetch`, other timeouts). @defaultValue 10 s per attempt, one quick retry */
  readonly client?: Partial<Omit<HttpSyncClientOptions, 'url' | 'token' | 'signal'>>;
}

/** A running {@link startPeriodicSync}. */
export interface PeriodicSync {
  /** Stops the rounds: cancels requests in flight and resolves once nothing touches the replica any more. */
  stop(): Promise<void>;
}

/**
 * Syncs a replica with each peer over HTTP ({@link syncOverHttp}: pull and push until
 * quiet), one peer after another, in rounds: the first round at once, then `everyMs`
 * after the end of each. A peer that is down, slow or refuses us is reported through
 * `onEvent` and simply tried again next round (a sync interrupted anywhere is resumed
 * by the next one from fresh vectors); nothing here throws.
 *
 * @example
 * ```ts
 * const sync = startPeriodicSync(replica, {
 *   everyMs: 1000,
 *   peers: [{ site: 'hospital-d', url: 'http://hospital:8080', token }],
 *   onEvent: (e) => console.error(e.kind, e.peer.site),
 * });
 * // …
 * await sync.stop();
 * ```
 */
export function startPeriodicSync(replica: SyncEndpoint, options: PeriodicSyncOptions): PeriodicSync {
  const controller = new AbortController();
  const links = options.peers.map((peer) => ({
    peer,
    // One quick retry covers a kept-alive connection the peer closed (it restarted); the next round covers the rest.
    client: createHttpSyncClient({
      timeoutMs: 10_000,
      retries: 1,
      backoff: { initialMs: 50, maxMs: 250 },
      ...options.client,
      url: peer.url,
      token: peer.token,
      ...(peer.tls !== undefined ? { tls: peer.tls } : {}),
      signal: controller.signal,
    }),
    failures: 0,
    lastCode: '',
  }));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const emit = (event: PeriodicSyncEvent): void => {
    try {
      options.onEvent?.(event);
    } catch {
      // A logger that throws must not stop replication.
    }
  };
  // Never rejects: every failure becomes a 'failed' event.
  const round = async (): Promise<void> => {
    for (const link of links) {
      if (stopped) return;
      try {
        const report = await syncOverHttp(replica, link.client, { peer: link.peer.site });
        if (link.failures > 0) emit({ kind: 'recovered', peer: link.peer, failures: link.failures });
        link.failures = 0;
        link.lastCode = '';
        if (report.eventsSent + report.eventsReceived + report.refused.count > 0)
          emit({ kind: 'synced', peer: link.peer, report });
      } catch (error) {
        if (stopped) return;
        link.failures++;
        const code = isChartlogError(error) ? error.code : 'INTERNAL';
        const message = error instanceof Error ? error.message : String(error);
        if (link.failures === 1 || code !== link.lastCode)
          emit({ kind: 'failed', peer: link.peer, error: { code, message }, failures: link.failures });
        link.lastCode = code;
      }
    }
  };
  const schedule = (delayMs: number): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = round().finally(() => schedule(options.everyMs));
    }, delayMs);
  };
  schedule(0);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      controller.abort(new ChartlogError('SYNC_HTTP_FAILED', 'periodic sync stopped'));
      await running;
    },
  };
}
