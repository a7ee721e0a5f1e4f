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
  /** The last event of the offered run: how far the other history was shown, and how it is recognised when offered again. */
  readonly offeredHead: { readonly seq: number; readonly hash: EventHash };
  /**
   * The offered run, as received (the evidence), in seq order. Empty for a fork read back
   * from the store after a restart: only the hashes are kept there (the peer that offered
   * it still holds the events).
   */
  readonly offered: readonly ChartEvent[];
  /** What was found, in words. */
  readonly message: string;
  /** When it was detected (local wall-clock time, ISO 8601). */
  readonly detectedAt: string;
}

/**
 * Forks listed per site, at most. A site's key can sign any number of histories of that
 * site, but only of that site: the bound keeps one hostile (or broken) site from growing
 * the list, the memory holding the offered runs and the store's `chartlog.forks` marker
 * without limit, and it can never take another site's place.
 */
export const MAX_FORKS_PER_SITE = 16;

/** Options for {@link createForkQuarantine}. */
export interface ForkQuarantineOptions {
  /** Forks found before (read back from the store), listed first and not reported again. @defaultValue none */
  readonly known?: readonly QuarantinedFork[];
  /**
   * Forks listed per site; later new forks of a full site are reported to `onFork` but not listed.
   * @defaultValue {@link MAX_FORKS_PER_SITE}
   */
  readonly maxPerSite?: number;
}

/** Where forks wait for an operator: in memory, de-duplicated, bounded per site, with a hook. */
export interface ForkQuarantine {
  /** Every fork listed, oldest first. */
  list(): readonly QuarantinedFork[];
  /**
   * Records a fork; returns false when it is one already listed, i.e. the same other
   * history offered again (see {@link sameOtherHistory}). `offeredHashAt` gives the hash
   * of the offered chain at a seq (of the offered run, or the `prev` before it) and lets an
   * offer that starts later or reaches further be recognised; without it only the fork's
   * own hashes are compared.
   */
  add(fork: QuarantinedFork, offeredHashAt?: (seq: number) => EventHash | undefined): boolean;
  /** Removes a site's entries once an operator has dealt with them; returns how many. */
  clear(site: SiteId): number;
}

/**
 * True when an offer whose chain has `offeredHashAt(seq)` at each seq is the other history
 * of `listed` again: it passes through the event offered at `listed.seq` or the last
 * event `listed` was shown. A store holds one chain per site and only ever extends it, so
 * the same offered chain found against it is the same fork, wherever it is found: after
 * this site records on, the peer offers that chain from a later seq, and the first seq
 * that disagrees (and both hashes) moves with it.
 */
export function sameOtherHistory(
  listed: QuarantinedFork,
  site: SiteId,
  offeredHashAt: (seq: number) => EventHash | undefined,
): boolean {
  if (listed.site !== site) return false;
  return (
    offeredHashAt(listed.seq) === listed.offeredHash ||
    offeredHashAt(listed.offeredHead.seq) === listed.offeredHead.hash
  );
}

/**
 * Creates a {@link ForkQuarantine}.
 *
 * @example
 * ```ts
 * const quarantine = createForkQuarantine((fork) => pager.alert(fork.message), { known: await readForkMarker(store).forks });
 * ```
 */
export function createForkQuarantine(
  onFork?: (fork: QuarantinedFork) => void,
  options: ForkQuarantineOptions = {},
): ForkQuarantine {
  const maxPerSite = options.maxPerSite ?? MAX_FORKS_PER_SITE;
  const forks: QuarantinedFork[] = [];
  const listedOf = (site: SiteId): number => forks.reduce((n, f) => (f.site === site ? n + 1 : n), 0);
  for (const fork of options.known ?? []) if (listedOf(fork.site) < maxPerSite) forks.push(fork);
  return {
    list: () => forks.slice(),
    add(fork, offeredHashAt) {
      const at =
        offeredHashAt ??
        ((seq: number) =>
          seq === fork.seq
            ? fork.offeredHash
            : seq === fork.offeredHead.seq
              ? fork.offeredHead.hash
              : undefined);
      if (forks.some((listed) => sameOtherHistory(listed, fork.site, at))) return false;
      if (listedOf(fork.site) < maxPerSite) forks.push(fork);
      onFork?.(fork);
      return true;
    },
    clear(site) {
      const before = forks.length;
      for (let i = forks.length - 1; i >= 0; i--) if (forks[i]?.site === site) forks.splice(i, 1);
      return before - forks.length;
    },
  };
}
