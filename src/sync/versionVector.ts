import type { SiteId } from '../event/ids.js';
import { isSiteId } from '../event/ids.js';
import { isPlainObject } from '../event/json.js';
import type { VersionVector } from '../store/eventLog.js';

/** How two version vectors relate: as sets of events, is one contained in the other? */
export type VectorOrder = 'equal' | 'before' | 'after' | 'concurrent';

/** A run of one site's events, seqs `from..to` inclusive. */
export interface SiteRange {
  /** The site. */
  readonly site: SiteId;
  /** First seq (>= 1). */
  readonly from: number;
  /** Last seq (>= `from`). */
  readonly to: number;
}

/** The seq a vector holds for `site` (0 when absent). */
export function seqOf(vector: VersionVector, site: string): number {
  return vector[site] ?? 0;
}

/**
 * Compares two vectors as the sets of events they describe (docs/architecture.md, "Replication"):
 * `before` when `a` holds a strict subset of `b`, `after` for a strict superset,
 * `concurrent` when each holds something the other lacks.
 *
 * @example
 * ```ts
 * compareVersionVectors({ a: 2 }, { a: 2, b: 1 }); // 'before'
 * ```
 */
export function compareVersionVectors(a: VersionVector, b: VersionVector): VectorOrder {
  let less = false;
  let more = false;
  for (const site of unionSites(a, b)) {
    const x = seqOf(a, site);
    const y = seqOf(b, site);
    if (x < y) less = true;
    else if (x > y) more = true;
  }
  return less ? (more ? 'concurrent' : 'before') : more ? 'after' : 'equal';
}

/** True when `a` holds every event `b` describes (`a` ≥ `b` pointwise). */
export function vectorCovers(a: VersionVector, b: VersionVector): boolean {
  for (const site of Object.keys(b)) if (seqOf(a, site) < seqOf(b, site)) return false;
  return true;
}

/** True when both describe the same events (absent sites count as 0). */
export function vectorsEqual(a: VersionVector, b: VersionVector): boolean {
  return compareVersionVectors(a, b) === 'equal';
}

/**
 * The pointwise maximum: the events held by either. Sites at 0 are left out, so equal
 * knowledge always has one encoding.
 *
 * @example
 * ```ts
 * mergeVersionVectors({ a: 3 }, { a: 1, b: 2 }); // { a: 3, b: 2 }
 * ```
 */
export function mergeVersionVectors(a: VersionVector, b: VersionVector): VersionVector {
  const out: Record<string, number> = {};
  for (const site of unionSites(a, b)) {
    const n = Math.max(seqOf(a, site), seqOf(b, site));
    if (n > 0) out[site] = n;
  }
  return out;
}

/**
 * What `local` holds and `peer` lacks, as one range per site in site order: exactly the
 * events to send a peer whose vector is `peer`.
 *
 * @example
 * ```ts
 * missingRanges({ a: 5, b: 2 }, { a: 3 }); // [{ site: 'a', from: 4, to: 5 }, { site: 'b', from: 1, to: 2 }]
 * ```
 */
export function missingRanges(local: VersionVector, peer: VersionVector): SiteRange[] {
  const out: SiteRange[] = [];
  for (const site of Object.keys(local).sort()) {
    const to = seqOf(local, site);
    const from = seqOf(peer, site) + 1;
    if (to >= from) out.push({ site: site as SiteId, from, to });
  }
  return out;
}

/** Number of events a list of ranges names. */
export function rangeSize(ranges: readonly SiteRange[]): number {
  return ranges.reduce((n, r) => n + r.to - r.from + 1, 0);
}

/**
 * True when `value` is a well-formed version vector: a plain object mapping site ids to
 * non-negative safe integers. Use at the boundary before trusting a peer's vector.
 */
export function isVersionVector(value: unknown): value is VersionVector {
  if (!isPlainObject(value)) return false;
  for (const [site, seq] of Object.entries(value)) {
    if (!isSiteId(site) || typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) return false;
  }
  return true;
}

function unionSites(a: VersionVector, b: VersionVector): Set<string> {
  return new Set([...Object.keys(a), ...Object.keys(b)]);
}
