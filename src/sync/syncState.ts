import type { IngestReport } from '../replica/ingestReport.js';
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
}

/**
 * A fresh sync state, for a new connection to a peer.
 *
 * @example
 * ```ts
 * let state = initSyncState();
 * [state, message] = generateSyncMessage(source, state);
 * ```
 */
export function initSyncState(): SyncState {
  return { theirVector: null, sent: null, theirView: null, lastSentVector: null, heard: false };
}

/**
 * Checks that a value (e.g. one kept as JSON between requests of an HTTP session) is a
 * sync state; returns a fresh one when it is not, which only costs a round trip.
 */
export function restoreSyncState(value: unknown): SyncState {
  if (typeof value !== 'object' || value === null) return initSyncState();
  const v = value as Record<string, unknown>;
  const vec = (x: unknown): VersionVector | null | undefined => (x === null ? null : isVersionVector(x) ? x : undefined);
  const theirVector = vec(v['theirVector']);
  const sent = vec(v['sent']);
  const theirView = vec(v['theirView']);
  const lastSentVector = vec(v['lastSentVector']);
  if (theirVector === undefined || sent === undefined || theirView === undefined || lastSentVector === undefined || typeof v['heard'] !== 'boolean') return initSyncState();
  return { theirVector, sent, theirView, lastSentVector, heard: v['heard'] };
}

/**
 * After an ingest: a refusal other than a gap will not be cured by a resend, so the
 * refused sites are marked as already held up to what we hold (`held`), and the peer is
 * not asked for them again in this connection (a gap, from a lost message, is asked for
 * again). Returns `state` itself when nothing was refused for good.
 */
export function stopAskingForRefused(state: SyncState, report: IngestReport, held: () => Promise<VersionVector>): Promise<SyncState> | SyncState {
  const permanent = report.refusedSites;
  if (permanent.length === 0 || state.theirView === null) return state;
  const theirView = state.theirView;
  return held().then((local) => {
    const view: Record<string, number> = { ...theirView };
    for (const site of permanent) view[site] = seqOf(local, site);
    return { ...state, theirView: view };
  });
}
