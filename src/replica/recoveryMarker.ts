import { isChartlogError } from '../error/chartlogError.js';
import type { EventLog } from '../store/eventLog.js';
import type { RecoveryReason, ReplicaRecovery } from './recoveryGuard.js';

/** The name of the store marker ({@link EventLog.putMarker}) a replica keeps while it is recovering. */
export const RECOVERY_MARKER = 'chartlog.recovery';

/**
 * What a recovering replica keeps in its store, so that a restart cannot clear it: why
 * it is recovering and the highest own seq a peer has shown. Which peers were heard from
 * is not kept: after a restart every peer must be heard from again.
 */
export interface StoredRecovery {
  readonly reason: RecoveryReason;
  readonly shownOwnSeq: number;
}

const REASONS: readonly string[] = ['restored-from-backup', 'behind', 'own-fork'] satisfies RecoveryReason[];

/** The part of a recovery that is kept; undefined when ready. */
export function storedRecoveryOf(recovery: ReplicaRecovery | undefined): StoredRecovery | undefined {
  return recovery === undefined ? undefined : { reason: recovery.reason, shownOwnSeq: recovery.shownOwnSeq };
}

/**
 * Reads the recovery marker of a store; undefined when none is set or the store keeps no
 * markers. A marker that cannot be read or understood counts as `restored-from-backup`:
 * a damaged marker must not let a site that may be behind record over its peers.
 */
export async function readRecoveryMarker(store: EventLog): Promise<StoredRecovery | undefined> {
  if (store.getMarker === undefined) return undefined;
  let value: unknown;
  try {
    value = await store.getMarker(RECOVERY_MARKER);
  } catch (error) {
    if (isChartlogError(error) && error.code === 'STORE_CORRUPT')
      return { reason: 'restored-from-backup', shownOwnSeq: 0 };
    throw error;
  }
  if (value === undefined) return undefined;
  const { reason, shownOwnSeq } = (typeof value === 'object' && value !== null ? value : {}) as {
    reason?: unknown;
    shownOwnSeq?: unknown;
  };
  if (typeof reason !== 'string' || !REASONS.includes(reason))
    return { reason: 'restored-from-backup', shownOwnSeq: 0 };
  return {
    reason: reason as RecoveryReason,
    shownOwnSeq:
      Number.isSafeInteger(shownOwnSeq) && (shownOwnSeq as number) > 0 ? (shownOwnSeq as number) : 0,
  };
}

/** Sets (or, with undefined, clears) the recovery marker; a store without markers keeps nothing. */
export async function writeRecoveryMarker(
  store: EventLog,
  recovery: StoredRecovery | undefined,
): Promise<void> {
  await store.putMarker?.(
    RECOVERY_MARKER,
    recovery === undefined ? undefined : { reason: recovery.reason, shownOwnSeq: recovery.shownOwnSeq },
  );
}
