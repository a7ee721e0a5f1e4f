import type { ChartEvent } from '../event/chartEvent.js';
import type { EventHash, SiteId } from '../event/ids.js';

/**
 * Evidence of a fork: a peer offered a chain of `site` that differs from the one held
 * here at or before `seq`, validly signed by the site's key (so the origin itself signed
 * two histories, or this site was restored from a backup and wrote again). Nothing of it
 * is merged: an operator decides.
 */
export interface QuarantinedFork {
  /** The forked site. */
  readonly site: SiteId;
  /** The seq at which the offered chain was found to differ (the first offered seq whose event or `prev` disagrees). */
  readonly seq: number;
  /** Hash of the event held here at `seq` (or at `seq - 1` when the offered `prev` disagrees); null if none is held. */
  readonly heldHash: EventHash | null;
  /** Hash of the offered event at `seq`. */
  readonly offeredHash: EventHash;
  /** The offered run, as received (the evidence), in seq order. */
  readonly offered: readonly ChartEvent[];
  /** What was found, in words. */
  readonly message: string;
  /** When it was detected (local wall-clock time, ISO 8601). */
  readonly detectedAt: string;
}

/** Where forks wait for an operator: in memory, de-duplicated, with a hook. */
export interface ForkQuarantine {
  /** Every fork found so far, oldest first. */
  list(): readonly QuarantinedFork[];
  /** Records a fork; returns false when the same offer was already quarantined (a replay). */
  add(fork: QuarantinedFork): boolean;
  /** Removes a site's entries once an operator has dealt with them; returns how many. */
  clear(site: SiteId): number;
}

/**
 * Creates a {@link ForkQuarantine}.
 *
 * @example
 * ```ts
 * const quarantine = createForkQuarantine((fork) => pager.alert(fork.message));
 * ```
 */
export function createForkQuarantine(onFork?: (fork: QuarantinedFork) => void): ForkQuarantine {
  const forks: QuarantinedFork[] = [];
  const seen = new Set<string>();
  return {
    list: () => forks.slice(),
    add(fork) {
      const key = `${fork.site}\u0000${fork.seq}\u0000${fork.offeredHash}`;
      if (seen.has(key)) return false;
      seen.add(key);
      forks.push(fork);
      onFork?.(fork);
      return true;
    },
    clear(site) {
      const before = forks.length;
      for (let i = forks.length - 1; i >= 0; i--) if (forks[i]?.site === site) forks.splice(i, 1);
      for (const key of [...seen]) if (key.startsWith(`${site}\u0000`)) seen.delete(key);
      return before - forks.length;
    },
  };
}
