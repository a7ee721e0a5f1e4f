import type { IngestReport } from './ingestReport.js';
import type { VersionVector } from '../store/eventLog.js';
import { isVersionVector, seqOf } from './versionVector.js';

/**
 * What one side of a sync connection knows about the other: four version vectors and a flag, so
 * it is plain JSON and cheap to keep per peer. Nothing in it is needed for correctness
 * across connections: start each connection with {@link initSyncState}, and the first
 * exchange of vectors works out exactly what is missing (that is what makes sync
 * resumable after any interruption).
 */
export interface SyncState {
  /** The peer's vector from its latest message; null before it has sent one. */
  readonly theirVector: VersionVector | null;
  /** What we believe the peer holds: `theirVector` plus what we sent since (optimistic). */
  readonly sent: VersionVector | null;
  /** The `known` of the peer's latest message: what it believes we hold. */
  readonly theirView: VersionVector | null;
  /** Our vector as of the last message we generated; null before the first. */
  readonly lastSentVector: VersionVector | null;
  /** True when a message arrived since we last generated one: a wrong `theirView` is answered once per message, not forever. */
  readonly heard: boolean;
  /**
   * Who the peer is (its site id, or a hub's name), when the transport knows: the
   * authenticated peer on a server, the site called on a client. A replica in recovery
   * counts a connection as hearing from a configured peer only when it names it
   * (`ReplicaOptions.recoveryPeers`). Absent: the connection still syncs normally.
   */
  readonly peer?: string;
}

/** Options for {@link initSyncState}. */
export interface InitSyncStateOptions {
  /** The peer this connection talks to (see {@link SyncState.peer}). @defaultValue unnamed */
  readonly peer?: string;
}

/**
 * A fresh sync state, for a new connection to a peer; name the peer when you know it.
 *
 * @example
 * ```ts
 * let state = initSyncState({ peer: 'hospital' });
 * [state, message] = generateSyncMessage(source, state);
 * ```
 */
export function initSyncState(options: InitSyncStateOptions = {}): SyncState {
  const state: SyncState = {
    theirVector: null,
    sent: null,
    theirView: null,
    lastSentVector: null,
    heard: false,
  };
  return options.peer === undefined ? state : { ...state, peer: options.peer };
}

/**
 * Checks that a value (e.g. one kept as JSON between requests of an HTTP session) is a
 * sync state; returns a fresh one when it is not, which only costs a round trip.
 */
export function restoreSyncState(value: unknown): SyncState {
  if (typeof value !== 'object' || value === null) return initSyncState();
  const v = value as Record<string, unknown>;
  const vec = (x: unknown): VersionVector | null | undefined =>
    x === null ? null : isVersionVector(x) ? x : undefined;
  const theirVector = vec(v['theirVector']);
  const sent = vec(v['sent']);
  const theirView = vec(v['theirView']);
  const lastSentVector = vec(v['lastSentVector']);
  const peer = typeof v['peer'] === 'string' ? { peer: v['peer'] } : {};
  if (
    theirVector === undefined ||
    sent === undefined ||
    theirView === undefined ||
    lastSentVector === undefined ||
    typeof v['heard'] !== 'boolean'
  )
    return initSyncState(peer);
  return { theirVector, sent, theirView, lastSentVector, heard: v['heard'], ...peer };
}

/**
 * After an ingest: a refusal other than a gap will not be cured by a resend, so the
 * refused sites are marked as already held up to what we hold (`held`), and the peer is
 * not asked for them again in this connection (a gap, from a lost message, is asked for
 * again). Returns `state` itself when nothing was refused for good.
 */
export function stopAskingForRefused(
  state: SyncState,
  report: IngestReport,
  held: () => Promise<VersionVector>,
): Promise<SyncState> | SyncState {
  const permanent = report.refusedSites;
  if (permanent.length === 0 || state.theirView === null) return state;
  const theirView = state.theirView;
  return held().then((local) => {
    const view: Record<string, number> = { ...theirView };
    for (const site of permanent) view[site] = seqOf(local, site);
    return { ...state, theirView: view };
  });
}
