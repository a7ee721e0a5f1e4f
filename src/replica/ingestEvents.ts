import { formatPath, type ValidationIssue } from '../error/chartlogError.js';
import { withoutSignature, type ChartEvent } from '../event/chartEvent.js';
import { createEncodingHandover } from '../event/encodingHandover.js';
import { eventHash, rememberHash } from '../event/eventHash.js';
import { freezeDeep } from '../event/freezeDeep.js';
import type { HybridClock } from '../event/hybridClock.js';
import { eventNestingIssue } from '../event/nestingDepth.js';
import type { EventHash, SiteId } from '../event/ids.js';
import { checkAndEncode, checkClaimedEncoding, isOversize } from '../event/validateEvent.js';
import { takeClaimedEncoding } from '../event/wireEvent.js';
import type { EventLog } from '../store/eventLog.js';
import { checkSiteRun, type RunEntry } from './checkSiteRun.js';
import type { ForkQuarantine } from './forkQuarantine.js';
import {
  identifyRefused,
  refusalCodeOf,
  type IngestRefusal,
  type IngestReport,
  type RefusalReason,
  type SkewReport,
} from '../sync/ingestReport.js';
import type { Keyring } from './keyring.js';
import { createRefusalCollector } from '../sync/refusalCollector.js';

/** What {@link ingestEvents} works on: a replica's parts. */
export interface IngestContext {
  readonly store: EventLog;
  /** Called with each run the store appended (the replica's projection folds it, unless the store already did). */
  readonly stored: (events: readonly ChartEvent[]) => void;
  readonly keyring: Keyring;
  readonly clock: HybridClock;
  readonly quarantine: ForkQuarantine;
  /** Largest canonical event accepted, in bytes. */
  readonly maxEventBytes: number;
  /** Wall clock for quarantine timestamps. */
  readonly wallClock: () => number;
  /** Refuse a run that does not end at a head signed by its origin (`integrity: false` turns this off). */
  readonly requireSignatures: boolean;
  /** Example refusals a report keeps (all are counted). @defaultValue `20` */
  readonly maxRefusalExamples?: number;
}

/** An ingest report, plus the sites whose chains advanced. */
export interface IngestOutcome extends IngestReport {
  readonly advanced: ReadonlySet<SiteId>;
  /**
   * Per site, the last seq of its run whose chain and signature checked out, whatever
   * became of it next (accepted, duplicate, gap, a new fork): what the origin's key vouches
   * for. Left out for the other history of a fork already quarantined.
   */
  readonly verified: ReadonlyMap<SiteId, number>;
}

/**
 * The ingest pipeline (docs/architecture.md, "Replication"): validates every input, groups it per site, checks
 * each site's run ({@link checkSiteRun}) and then against the store (gap, fork), appends
 * each accepted run atomically (the store's projection folds it in the same
 * transaction), and observes every accepted
 * stamp. All-or-nothing per site run: one bad event refuses its site's whole run in the
 * batch (a signature vouches for a run only as a whole), while other sites' runs are
 * unaffected. Never throws on bad input; only a failing store (I/O, full, closed) throws.
 */
export async function ingestEvents(ctx: IngestContext, input: unknown): Promise<IngestOutcome> {
  // Counted, with a few examples: never one object per refused item (THREAT_MODEL.md).
  const refusals = createRefusalCollector(ctx.maxRefusalExamples);
  const refusedSites = new Set<string>();
  const refuseItem = (refusal: IngestRefusal): void => {
    refusals.add(refusal);
    if (refusal.site !== undefined && refusal.reason.code !== 'gap') refusedSites.add(refusal.site);
  };
  const report = (): IngestOutcome => ({
    accepted,
    duplicates,
    refused: refusals.summary(),
    refusedSites: [...refusedSites].sort(),
    skew,
    advanced,
    verified,
  });
  const skew: SkewReport[] = [];
  const advanced = new Set<SiteId>();
  const verified = new Map<SiteId, number>();
  let accepted = 0;
  let duplicates = 0;
  if (!Array.isArray(input)) {
    refuseItem({ index: 0, reason: { code: 'malformed', message: 'ingest takes an array of events' } });
    return report();
  }

  const bySite = new Map<SiteId, RunEntry[]>();
  const checkOptions = { maxBytes: ctx.maxEventBytes };
  input.forEach((item: unknown, index) => {
    const owned = ownCopy(item);
    const event = owned.ok ? owned.event : undefined;
    // An event decoded from a wire line may bring its canonical encoding, made natively
    // from the parsed event (never the bytes it arrived as): hashed without encoding again.
    const claimed = event === undefined ? undefined : takeClaimedEncoding(event);
    const checked =
      event === undefined
        ? undefined
        : claimed !== undefined
          ? checkClaimedEncoding(event, claimed, checkOptions)
          : checkAndEncode(event, checkOptions);
    if (event === undefined || checked === undefined || checked.hash === undefined) {
      const issues = checked?.issues ?? (owned.ok ? [] : owned.issues);
      const code = isOversize(issues) ? 'oversize' : 'malformed';
      refuseItem({
        index,
        ...identifyRefused(item),
        reason: {
          code,
          message: issues
            .slice(0, 5)
            .map((i) => `${formatPath(i.path)}: ${i.message}`)
            .join('; '),
        },
      });
      return;
    }
    const entry: RunEntry = { index, event, hash: checked.hash, encoded: checked.encoded };
    const list = bySite.get(event.site);
    if (list) list.push(entry);
    else bySite.set(event.site, [entry]);
  });
  for (const site of [...bySite.keys()].sort()) {
    const entries = bySite.get(site) as RunEntry[];
    const refuse = (reason: RefusalReason): void => {
      for (const e of entries) refuseItem({ index: e.index, site, seq: e.event.seq, id: e.event.id, reason });
    };
    const key = ctx.keyring.get(site);
    const check = checkSiteRun(site, entries, key, ctx.requireSignatures);
    if (!check.ok) {
      refuse({ code: check.code, message: check.message });
      continue;
    }
    const { run, repeats } = check;
    verified.set(site, (run[run.length - 1] as RunEntry).event.seq);
    // Verified: each hash is the event's. Each is kept as the next event's `prev` string
    // (equal, checked above): a parsed event and its successor's `prev` would otherwise
    // hold two copies of it for good.
    const hashAt = (i: number): EventHash =>
      (run[i + 1]?.event.prev as EventHash | undefined) ?? (run[i] as RunEntry).hash;
    for (let i = 0; i < run.length; i++) rememberHash((run[i] as RunEntry).event, hashAt(i));
    const head = await ctx.store.head(site);
    const first = (run[0] as RunEntry).event;
    if (first.seq > head.seq + 1) {
      refuse({ code: 'gap', message: `${site} seq ${first.seq} offered where seq ${head.seq + 1} is next` });
      continue;
    }
    const overlap = run.filter((e) => e.event.seq <= head.seq);
    const fresh = run.slice(overlap.length);
    const fork = await findFork(ctx.store, site, overlap, fresh, head.hash);
    if (fork) {
      const last = run.length - 1;
      const offeredHead = { seq: (run[last] as RunEntry).event.seq, hash: hashAt(last) };
      // The offered chain's hash at a seq: of its events, or the `prev` before the first.
      const offeredHashAt = (seq: number): EventHash | undefined =>
        seq === first.seq - 1
          ? (first.prev ?? undefined)
          : seq >= first.seq && seq <= offeredHead.seq
            ? hashAt(seq - first.seq)
            : undefined;
      const isNew = ctx.quarantine.add(
        {
          site,
          ...fork,
          offeredHead,
          offered: run.map((e) => e.event),
          detectedAt: new Date(ctx.wallClock()).toISOString(),
        },
        offeredHashAt,
      );
      // The other history of a fork already quarantined says nothing new about this site's
      // seqs: an operator has it, and may have let the site record on past where it forked.
      if (!isNew) verified.delete(site);
      refuse({ code: 'fork', message: fork.message });
      continue;
    }
    const last = run[run.length - 1] as RunEntry;
    // Only the last signature was verified: others are dropped rather than kept unchecked,
    // so a relay can never plant a bad signed head that later batches would be cut at.
    const toStore = fresh.map((e) =>
      e === last || e.event.sig === undefined ? e.event : withoutSignature(e.event),
    );
    if (fresh.length === 0) toStore.push(last.event); // a duplicate may still bring a (verified) signature
    // Verified texts are canonical encodings: the store saves them without encoding again.
    // Only for what is appended (a duplicate's text is a slice of the message: not kept),
    // and only for this append: the handover goes when it returns.
    const encodings = createEncodingHandover({ maxHeld: toStore.length });
    toStore.forEach((event, k) => {
      const at = k < fresh.length ? overlap.length + k : run.length - 1;
      rememberHash(event, hashAt(at));
      encodings.remember(event, (run[at] as RunEntry).encoded, hashAt(at));
    });
    try {
      await ctx.store.append(toStore, { encodings });
    } catch (error) {
      const code = refusalCodeOf(error);
      if (code === undefined) throw error;
      refuse({ code, message: (error as Error).message });
      continue;
    }
    duplicates += overlap.length + repeats.length;
    if (fresh.length === 0) continue;
    const added = toStore.slice(0, fresh.length);
    ctx.stored(added);
    for (const e of added) {
      const seen = ctx.clock.observe(e.hlc);
      if (seen.skew)
        skew.push({
          site,
          seq: e.seq,
          id: e.id,
          hlc: e.hlc,
          aheadMs: seen.skew.aheadMs,
          boundMs: seen.skew.boundMs,
        });
    }
    accepted += fresh.length;
    advanced.add(site);
  }
  return report();
}

/** A fork between the offered run and the store, if any (the run's own chain is already verified). */
async function findFork(
  store: EventLog,
  site: SiteId,
  overlap: readonly RunEntry[],
  fresh: readonly RunEntry[],
  headHash: EventHash | null,
): Promise<{ seq: number; heldHash: EventHash | null; offeredHash: EventHash; message: string } | undefined> {
  const lastOverlap = overlap[overlap.length - 1];
  if (lastOverlap !== undefined) {
    // The run's chain is intact, so if its last overlapping event matches, every earlier one does.
    const held = await store.get(site, lastOverlap.event.seq);
    if (held !== undefined && eventHash(held) === lastOverlap.hash) return undefined;
    for (const e of overlap) {
      const h = await store.get(site, e.event.seq);
      const heldHash = h === undefined ? null : eventHash(h);
      if (heldHash !== e.hash)
        return {
          seq: e.event.seq,
          heldHash,
          offeredHash: e.hash,
          message:
            `fork: ${site} seq ${e.event.seq} is held as a different event (held ` +
            `${String(heldHash).slice(0, 12)}…, offered ${e.hash.slice(0, 12)}…), and the offered chain is ` +
            `signed by ${site}'s key`,
        };
    }
    return undefined;
  }
  const first = fresh[0];
  if (first !== undefined && first.event.prev !== headHash) {
    return {
      seq: first.event.seq,
      heldHash: headHash,
      offeredHash: first.hash,
      message:
        `fork: ${site} seq ${first.event.seq} chains onto a seq ${first.event.seq - 1} other than the one ` +
        `held here, and the offered chain is signed by ${site}'s key: ${site} has two histories`,
    };
  }
  return undefined;
}

/**
 * A frozen copy the caller cannot change after ingest; events already frozen (in-process
 * peers, decoded wire lines) are used as they are. Nesting is checked first, without
 * recursion: `structuredClone` and freezing recurse, and would overflow the stack.
 */
function ownCopy(
  item: unknown,
):
  | { readonly ok: true; readonly event: ChartEvent }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] } {
  if (
    typeof item === 'object' &&
    item !== null &&
    Object.isFrozen(item) &&
    Object.isFrozen((item as { data?: unknown }).data)
  )
    return { ok: true, event: item as ChartEvent };
  try {
    const tooDeep = eventNestingIssue(item);
    if (tooDeep !== undefined) return { ok: false, issues: [tooDeep] };
    const copy: unknown = structuredClone(item);
    return {
      ok: true,
      event: (typeof copy === 'object' && copy !== null ? freezeDeep(copy) : copy) as ChartEvent,
    };
  } catch {
    return {
      ok: false,
      issues: [{ severity: 'error', code: 'structure', path: [], message: 'not a JSON value' }],
    };
  }
}
