import type { SiteId } from '../event/ids.js';

/**
 * Why a replica is recovering:
 * - `restored-from-backup`: it was opened with `restoredFromBackup: true`;
 * - `behind`: a peer proved the store is behind (it gave back this site's own events, or
 *   sent a run of them verified under this site's key reaching past what the store held);
 * - `own-fork`: a peer offered a second history of this site, signed by its key, and it
 *   was quarantined. Only an operator ({@link RecoveryGuard.markRecovered}) clears it.
 */
export type RecoveryReason = 'restored-from-backup' | 'behind' | 'own-fork';

/** Why a replica refuses to record, and what it waits for (`Replica.recovery`). */
export interface ReplicaRecovery {
  /** What put it into recovery. */
  readonly reason: RecoveryReason;
  /**
   * The highest of this site's own seqs a peer has shown with this site's signature (own
   * events taken back, or a run of them verified under its key); 0 when none has. A bare
   * vector entry never counts. Recording waits until the store holds at least this much.
   */
  readonly shownOwnSeq: number;
  /** This site's own seq held in its store. */
  readonly heldOwnSeq: number;
  /**
   * Configured peers not yet heard from with nothing more of this site's events to give
   * (sorted). Empty for `own-fork`, which waits for an operator only, and when no peer is
   * configured: then any one peer heard from is enough.
   */
  readonly waitingFor: readonly string[];
}

/** The recovery state machine of one replica; pure and synchronous (the replica feeds it). */
export interface RecoveryGuard {
  /** Undefined while the replica may record. */
  readonly recovery: ReplicaRecovery | undefined;
  /**
   * A run of this site's own events up to `seq` checked out under its key (taken back,
   * or refused only because it did not follow on); `heldBefore` is what the store held
   * when it arrived. Above `heldBefore` it proves the store is behind.
   */
  shown(seq: number, heldBefore: number): void;
  /** A second history of this site, signed by its key, was quarantined: only an operator clears this. */
  ownFork(): void;
  /**
   * A sync message from `peer` (undefined: a connection that does not say who it is)
   * was taken in; `claimed` is its vector's entry for this site, `held` the own seq the
   * store now holds. A claim above `held` is not proof of anything: it only means that
   * peer has not yet shown everything it says it holds, so it is not counted as heard.
   */
  heard(peer: string | undefined, claimed: number, held: number): void;
  /** The own seq the store holds changed (recorded, taken back). */
  held(seq: number): void;
  /** Operator override: record again now. */
  markRecovered(): void;
}

/** Options for {@link createRecoveryGuard}. */
export interface RecoveryGuardOptions {
  /** This site. */
  readonly site: SiteId;
  /** The own seq the store holds at open. */
  readonly held: number;
  /** Start in recovery (`restored-from-backup`). */
  readonly restoredFromBackup: boolean;
  /**
   * Start in the recovery a store kept from an earlier run (its `chartlog.recovery`
   * marker): that reason and shown seq, with no peer heard from yet. It wins over
   * `restoredFromBackup` (an own fork stays one). @defaultValue none
   */
  readonly resume?: { readonly reason: RecoveryReason; readonly shownOwnSeq: number };
  /**
   * The peers to hear from, read whenever recovery is checked; when it returns none, any
   * one peer heard from (identified or not) is enough.
   */
  readonly peers: () => readonly string[];
}

/**
 * Creates a {@link RecoveryGuard} (docs/architecture.md, "Replication"; THREAT_MODEL.md). A site leaves recovery only on proof:
 * its store holds every own seq a peer has shown with the site's signature, and every
 * configured peer has since been heard from with nothing more of the site's events to
 * give — or an operator confirms. A lagging peer, or one sending `vector: {}`, is only
 * one of the peers to hear from; a claim above what it showed keeps that peer pending.
 * Nothing but a signed run of the site's own events (or its own fork) enters recovery.
 *
 * @example
 * ```ts
 * const guard = createRecoveryGuard({ site, held: 4, restoredFromBackup: true, peers: () => ['hospital'] });
 * guard.heard('hospital', 4, 4);
 * guard.recovery; // undefined: ready
 * ```
 */
export function createRecoveryGuard(options: RecoveryGuardOptions): RecoveryGuard {
  let reason: RecoveryReason | undefined =
    options.resume?.reason ?? (options.restoredFromBackup ? 'restored-from-backup' : undefined);
  let shownOwnSeq = options.resume?.shownOwnSeq ?? 0;
  let heldOwnSeq = options.held;
  // Peers heard with nothing more to give since recovery began ('' for an unnamed one).
  const heard = new Set<string>();

  const required = (): string[] => [...new Set(options.peers())].filter((p) => p !== options.site).sort();
  const waitingFor = (): string[] => required().filter((p) => !heard.has(p));
  const maybeLeave = (): void => {
    if (reason === undefined || reason === 'own-fork') return;
    const allHeard = required().length === 0 ? heard.size > 0 : waitingFor().length === 0;
    if (heldOwnSeq >= shownOwnSeq && allHeard) {
      reason = undefined;
      heard.clear();
    }
  };
  const enter = (why: RecoveryReason): void => {
    if (reason === undefined) heard.clear();
    if (reason !== 'own-fork') reason = reason === undefined || why === 'own-fork' ? why : reason;
  };

  return {
    get recovery() {
      if (reason === undefined) return undefined;
      return { reason, shownOwnSeq, heldOwnSeq, waitingFor: reason === 'own-fork' ? [] : waitingFor() };
    },
    shown(seq, heldBefore) {
      if (seq > shownOwnSeq) shownOwnSeq = seq;
      if (seq > heldBefore) enter('behind');
    },
    ownFork() {
      enter('own-fork');
    },
    heard(peer, claimed, held) {
      heldOwnSeq = held;
      if (reason === undefined) return; // claims are not proof: a ready site ignores them
      const name = peer ?? '';
      if (claimed <= held) heard.add(name);
      else heard.delete(name);
      maybeLeave();
    },
    held(seq) {
      heldOwnSeq = seq;
    },
    markRecovered() {
      reason = undefined;
      heard.clear();
    },
  };
}

/** The `REPLICA_RECOVERING` message: why `site` may not record, and what would let it. */
export function describeRecovery(site: string, recovery: ReplicaRecovery): string {
  const { reason, shownOwnSeq, heldOwnSeq, waitingFor } = recovery;
  if (reason === 'own-fork')
    return (
      `${site} may not record: a peer holds a second history of ${site} signed with its key (see forks()); ` +
      'an operator must decide, then markRecovered()'
    );
  const why =
    reason === 'restored-from-backup'
      ? 'it was restored from a backup'
      : `a peer gave back or showed its own events up to seq ${shownOwnSeq}`;
  const missing =
    shownOwnSeq > heldOwnSeq ? `; it holds its own events to seq ${heldOwnSeq} of ${shownOwnSeq} shown` : '';
  const waiting =
    waitingFor.length > 0 ? `; still to hear from ${waitingFor.join(', ')}` : '; waiting to hear from a peer';
  return (
    `${site} may hold fewer of its own events than its peers (${why}${missing}${waiting}): sync with ` +
    'them first, or markRecovered() once an operator has checked'
  );
}
