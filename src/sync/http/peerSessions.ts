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
}

interface Entry {
  state: SyncState;
  tail: Promise<unknown>;
}

/**
 * Per-peer sync states in memory, least recently used evicted past `maxSessions`.
 * Losing a state is always safe (DESIGN §6): a fresh state makes the next exchange of
 * vectors work out again exactly what is missing, at the cost of one round trip. So a
 * server restart, an eviction, or a client starting a new session never loses or
 * duplicates an event; it only costs that round trip.
 *
 * @example
 * ```ts
 * const sessions = createPeerSessions(1000);
 * const reply = await sessions.run('practice-a', sessionId, (state) => replica.generateSyncMessage(state));
 * ```
 */
export function createPeerSessions(maxSessions: number): PeerSessions {
  const entries = new Map<string, Entry>();
  return {
    get size() {
      return entries.size;
    },
    run<T>(peer: string, session: string, step: (state: SyncState) => Promise<[SyncState, T]>): Promise<T> {
      const key = `${peer}\n${session}`;
      let entry = entries.get(key);
      if (entry === undefined) entry = { state: initSyncState({ peer }), tail: Promise.resolve() };
      // Re-insert: Map order is recency order, so the first key is the least recently used.
      entries.delete(key);
      entries.set(key, entry);
      while (entries.size > maxSessions) {
        const oldest = entries.keys().next();
        if (oldest.done === true) break;
        entries.delete(oldest.value);
      }
      const held = entry;
      const run = held.tail.then(async () => {
        const [next, result] = await step(held.state);
        held.state = next;
        return result;
      });
      // A failed step leaves the state as it was, and must not stop the steps queued after it.
      held.tail = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    },
  };
}
