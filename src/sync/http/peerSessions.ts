import { initSyncState, type SyncState } from '../syncState.js';

/** The server's memory of its sync connections, one {@link SyncState} per (peer, session). */
export interface PeerSessions {
  /**
   * Runs `step` with the state of `(peer, session)` (fresh when unknown or evicted) and
   * keeps the state it returns. Steps of one (peer, session) run one at a time, in
   * arrival order, so two concurrent requests never lose each other's state.
   */
  run<T>(peer: string, session: string, step: (state: SyncState) => Promise<[SyncState, T]>): Promise<T>;
  /** How many sessions are held. */
  readonly size: number;
  /** How many sessions of `peer` are held. */
  sessionsOf(peer: string): number;
}

/** Bounds of {@link createPeerSessions}. */
export interface PeerSessionLimits {
  /** Most sessions held in all. @defaultValue `1000` */
  readonly maxSessions?: number;
  /**
   * Most sessions held per peer (per token): a peer's own least recently used goes first, so no peer can
   * evict another's.
   * @defaultValue `16`
   */
  readonly maxSessionsPerPeer?: number;
}

/** The default {@link PeerSessionLimits.maxSessions}. */
export const DEFAULT_MAX_SESSIONS = 1000;
/** The default {@link PeerSessionLimits.maxSessionsPerPeer}. */
export const DEFAULT_MAX_SESSIONS_PER_PEER = 16;

interface Entry {
  readonly peer: string;
  state: SyncState;
  tail: Promise<unknown>;
}

/**
 * Per-peer sync states in memory, least recently used evicted past `maxSessionsPerPeer`
 * for that peer and past `maxSessions` in all. Losing a state is always safe (docs/architecture.md, "Replication"):
 * a fresh state makes the next exchange of vectors work out again exactly what is
 * missing, at the cost of one round trip. So a server restart, an eviction, or a client
 * starting a new session never loses or duplicates an event; it only costs that round
 * trip. Memory is the number of sessions times a state's size, four version vectors
 * (bounded by the sites the server trusts: see `restrictVectors`).
 *
 * @example
 * ```ts
 * const sessions = createPeerSessions({ maxSessionsPerPeer: 8 });
 * const reply = await sessions.run('practice-a', sessionId, (state) => replica.generateSyncMessage(state));
 * ```
 */
export function createPeerSessions(limits: PeerSessionLimits = {}): PeerSessions {
  const maxSessions = limits.maxSessions ?? DEFAULT_MAX_SESSIONS;
  const maxPerPeer = limits.maxSessionsPerPeer ?? DEFAULT_MAX_SESSIONS_PER_PEER;
  // Map order is recency order, so each map's first key is its least recently used.
  const entries = new Map<string, Entry>();
  const byPeer = new Map<string, Set<string>>();
  const evict = (key: string): void => {
    const entry = entries.get(key);
    if (entry === undefined) return;
    entries.delete(key);
    const own = byPeer.get(entry.peer);
    own?.delete(key);
    if (own?.size === 0) byPeer.delete(entry.peer);
  };
  return {
    get size() {
      return entries.size;
    },
    sessionsOf: (peer) => byPeer.get(peer)?.size ?? 0,
    run<T>(peer: string, session: string, step: (state: SyncState) => Promise<[SyncState, T]>): Promise<T> {
      const key = `${peer}\n${session}`;
      const entry = entries.get(key) ?? { peer, state: initSyncState({ peer }), tail: Promise.resolve() };
      entries.delete(key);
      entries.set(key, entry);
      let own = byPeer.get(peer);
      if (own === undefined) byPeer.set(peer, (own = new Set()));
      own.delete(key);
      own.add(key);
      while (own.size > maxPerPeer) evict(own.values().next().value as string);
      while (entries.size > maxSessions) evict(entries.keys().next().value as string);
      const run = entry.tail.then(async () => {
        const [next, result] = await step(entry.state);
        entry.state = next;
        return result;
      });
      // A failed step leaves the state as it was, and must not stop the steps queued after it.
      entry.tail = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    },
  };
}
