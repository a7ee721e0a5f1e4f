import type { KeyObject } from 'node:crypto';
import type { ChartEvent } from '../event/chartEvent.js';
import type { EventHash, SiteId } from '../event/ids.js';
import { verifyHashSignature } from '../event/signature.js';
import type { RefusalCode } from '../sync/ingestReport.js';

/** One valid envelope of an ingested batch, with its position and recomputed hash. */
export interface RunEntry {
  /** Position in the ingested array. */
  readonly index: number;
  readonly event: ChartEvent;
  /** SHA-256 of `encoded`, never taken on trust. */
  readonly hash: EventHash;
  /** The event's canonical encoding, computed here (never the bytes it arrived as). */
  readonly encoded: string;
}

/** What {@link checkSiteRun} found. */
export type SiteRunCheck =
  | { readonly ok: true; readonly run: readonly RunEntry[]; readonly repeats: readonly RunEntry[] }
  | { readonly ok: false; readonly code: RefusalCode; readonly message: string };

/**
 * The checks of one site's run that need no store (docs/architecture.md, "Replication"), in this order:
 * the site has a trusted key; seqs are contiguous (repeats of one event are folded,
 * two different events at one seq are refused as a fork); each event's `prev` is the
 * hash of the one before it; and the run's last event carries a valid signature by the
 * site's key. One signature vouches for the whole run through the hash chain, so it is
 * the only one verified.
 *
 * `entries` are one site's events in any order; the returned run is in seq order.
 * With `requireSignature` false (a replica with `integrity: false`) the key and the
 * signature are not checked: only contiguity and the chain.
 */
export function checkSiteRun(
  site: SiteId,
  entries: readonly RunEntry[],
  key: KeyObject | undefined,
  requireSignature = true,
): SiteRunCheck {
  if (key === undefined && requireSignature)
    return {
      ok: false,
      code: 'unknown-site-key',
      message: `no trusted key for site ${site}: add it to the keyring to accept its events`,
    };
  const sorted = [...entries].sort((a, b) => a.event.seq - b.event.seq || a.index - b.index);
  const run: RunEntry[] = [];
  const repeats: RunEntry[] = [];
  for (const entry of sorted) {
    const last = run[run.length - 1];
    if (last !== undefined && last.event.seq === entry.event.seq) {
      if (last.hash !== entry.hash)
        return {
          ok: false,
          code: 'fork',
          message: `two different events for ${site} seq ${entry.event.seq} in one batch`,
        };
      // Keep the copy that carries a signature, if either does.
      if (last.event.sig === undefined && entry.event.sig !== undefined) {
        run[run.length - 1] = entry;
        repeats.push(last);
      } else repeats.push(entry);
      continue;
    }
    if (last !== undefined && entry.event.seq !== last.event.seq + 1) {
      return {
        ok: false,
        code: 'gap',
        message: `${site} seq ${last.event.seq + 1} to ${entry.event.seq - 1} are missing from the batch`,
      };
    }
    if (last !== undefined && entry.event.prev !== last.hash) {
      return {
        ok: false,
        code: 'broken-chain',
        message:
          `${site} seq ${entry.event.seq} names prev ${String(entry.event.prev).slice(0, 12)}… but seq ` +
          `${last.event.seq} hashes to ${last.hash.slice(0, 12)}…: an event was altered`,
      };
    }
    run.push(entry);
  }
  const head = run[run.length - 1] as RunEntry;
  if (!requireSignature || key === undefined) return { ok: true, run, repeats };
  if (head.event.sig === undefined) {
    return {
      ok: false,
      code: 'bad-signature',
      message:
        `${site}'s run ends at seq ${head.event.seq}, which is not a signed head: a batch must end each ` +
        `site's run at an event signed by its origin`,
    };
  }
  if (!verifyHashSignature(head.hash, head.event.sig, key)) {
    return {
      ok: false,
      code: 'bad-signature',
      message:
        `the signature on ${site} seq ${head.event.seq} does not verify under ${site}'s key: the event was ` +
        'altered or signed by someone else',
    };
  }
  return { ok: true, run, repeats };
}
