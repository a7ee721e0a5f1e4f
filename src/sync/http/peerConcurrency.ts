/** Counts each peer's requests in progress, up to a limit. */
export interface PeerConcurrency {
  /** Takes one of `peer`'s slots: a function that gives it back (once, however often called), or undefined when the peer has none free. */
  enter(peer: string): (() => void) | undefined;
  /** How many requests of `peer` are in progress. */
  active(peer: string): number;
}

/** The default most requests in progress per peer: 4. */
export const DEFAULT_MAX_CONCURRENT_PER_PEER = 4;

/**
 * Bounds the requests in progress per peer, so one peer (one token) cannot hold the
 * server's memory or its store with many requests at once; what is over the limit is
 * answered at once (429 with `Retry-After`), never queued. A sync client sends one
 * request at a time per connection, so the limit only bites a peer running many syncs
 * at once, or one misbehaving.
 *
 * @param maxPerPeer - requests in progress per peer. @defaultValue `4`
 * @example
 * ```ts
 * const concurrency = createPeerConcurrency(4);
 * const leave = concurrency.enter(peer);
 * if (leave === undefined) return busy(res);
 * res.once('close', leave);
 * ```
 */
export function createPeerConcurrency(maxPerPeer: number = DEFAULT_MAX_CONCURRENT_PER_PEER): PeerConcurrency {
  const counts = new Map<string, number>();
  return {
    enter(peer) {
      const n = counts.get(peer) ?? 0;
      if (n >= maxPerPeer) return undefined;
      counts.set(peer, n + 1);
      let left = false;
      return () => {
        if (left) return;
        left = true;
        const now = (counts.get(peer) ?? 1) - 1;
        if (now === 0) counts.delete(peer);
        else counts.set(peer, now);
      };
    },
    active: (peer) => counts.get(peer) ?? 0,
  };
}
