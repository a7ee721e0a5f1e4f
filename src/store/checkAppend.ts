import { ChartlogError } from '../error/chartlogError.js';
import type { ChartEvent } from '../event/chartEvent.js';
import type { SiteHead } from '../event/eventWriter.js';
import type { EncodingHandover } from '../event/encodingHandover.js';
import type { EventHash, SiteId } from '../event/ids.js';
import {
  checkAndEncode,
  DEFAULT_MAX_EVENT_BYTES,
  isOversize,
  type CheckedEvent,
} from '../event/validateEvent.js';

/** What a store holds at one `(site, seq)`: enough to tell a duplicate from a fork. */
export interface StoredRef {
  /** The stored event's hash. */
  readonly hash: EventHash;
  /** Whether the stored copy carries a signature. */
  readonly signed: boolean;
}

/**
 * The store as {@link planAppend} sees it. Both lookups are synchronous: an adapter
 * with an asynchronous backend first fetches what {@link takenPositions} names.
 */
export interface AppendView {
  /** Where `site`'s chain ends in the store (`{ seq: 0, hash: null }` when it has none). */
  head(site: SiteId): SiteHead;
  /** The stored event at `(site, seq)` for a `seq` at or below the site's head. */
  stored(site: SiteId, seq: number): StoredRef | undefined;
}

/** An event of the batch that the store does not hold yet. */
export interface PlannedEvent {
  /** The event (the signed copy when the batch held it both ways). */
  readonly event: ChartEvent;
  /** Its hash. */
  readonly hash: EventHash;
  /** Its canonical encoding (what stores save and re-hash on read). */
  readonly encoded: string;
}

/** A stored event that a duplicate in the batch gives a signature. */
export interface SignatureUpdate {
  readonly site: SiteId;
  readonly seq: number;
  readonly sig: string;
}

/** What to write for a batch that passed every check. */
export interface AppendPlan {
  /** Events to store, in batch order (each site's run in seq order). */
  readonly fresh: readonly PlannedEvent[];
  /** Stored events that gain a signature. */
  readonly signatures: readonly SignatureUpdate[];
  /** Events of the batch the store (or the batch itself) already holds. */
  readonly duplicates: number;
  /** The new head of each site the batch advances. */
  readonly heads: ReadonlyMap<SiteId, SiteHead>;
}

/** {@link checkAndEncode}, or the encoding a writer or ingest handed over for the event when it is within the size limit. */
function checkOrReuse(
  event: ChartEvent,
  options: { maxBytes?: number },
  encodings: EncodingHandover | undefined,
): CheckedEvent {
  const known = encodings?.take(event);
  if (
    known !== undefined &&
    Buffer.byteLength(known.encoded, 'utf8') <= (options.maxBytes ?? DEFAULT_MAX_EVENT_BYTES)
  )
    return { issues: [], encoded: known.encoded, hash: known.hash };
  return checkAndEncode(event, options);
}

/** Options for {@link planAppend}. */
export interface PlanAppendOptions {
  /** Largest canonical event accepted, in bytes. @defaultValue 1 MiB (`DEFAULT_MAX_EVENT_BYTES`) */
  readonly maxEventBytes?: number;
  /**
   * Canonical encodings the caller's writer or ingest made or verified for events of the
   * batch ({@link AppendOptions.encodings}): those are used as they are, not encoded again.
   * @defaultValue none: every event is encoded
   */
  readonly encodings?: EncodingHandover;
}

/**
 * The append rules of the {@link EventLog} port (docs/architecture.md, "Stores: the EventLog port"), as one pure function every
 * adapter calls, so memory, SQLite and EventStoreDB refuse exactly the same batches:
 * envelope validity, per-site contiguity from the store's head, the `prev` hash chain,
 * exact duplicate (no-op, but a signature the stored copy lacks is kept) versus fork.
 *
 * Returns what to write, or throws before anything is written.
 *
 * @throws ChartlogError `MALFORMED_EVENT` / `OVERSIZE` (with `issues`), `SEQ_GAP`,
 *   `CHAIN_BROKEN` or `FORK`; `details` names the batch `index`, `site` and `seq`.
 */
export function planAppend(
  events: readonly ChartEvent[],
  view: AppendView,
  options: PlanAppendOptions = {},
): AppendPlan {
  if (!Array.isArray(events))
    throw new ChartlogError('MALFORMED_EVENT', 'append takes an array of events', {
      issues: [{ path: [], message: 'not an array' }],
    });
  const validateOptions = options.maxEventBytes === undefined ? {} : { maxBytes: options.maxEventBytes };
  const heads = new Map<SiteId, SiteHead>();
  // Events planned in this batch, per site by seq, so an in-batch repeat is a duplicate.
  const planned = new Map<SiteId, Map<number, number>>();
  const fresh: PlannedEvent[] = [];
  const signatures = new Map<string, SignatureUpdate>();
  let duplicates = 0;

  for (let index = 0; index < events.length; index++) {
    const event = events[index] as ChartEvent;
    const checked = checkOrReuse(event, validateOptions, options.encodings);
    const issues = checked.issues;
    if (checked.encoded === undefined) {
      const oversize = isOversize(issues);
      const at = describeAt(event);
      throw new ChartlogError(
        oversize ? 'OVERSIZE' : 'MALFORMED_EVENT',
        `${oversize ? 'event too large' : 'malformed event'} at batch index ${index}${at}; nothing was stored`,
        {
          issues,
          details: { index, ...siteSeq(event) },
        },
      );
    }
    const { site, seq } = event;
    const storedHead = view.head(site);
    const head = heads.get(site) ?? storedHead;
    const { hash, encoded } = checked;

    if (seq <= head.seq) {
      const ref =
        seq <= storedHead.seq ? view.stored(site, seq) : plannedRef(fresh, planned.get(site)?.get(seq));
      if (ref === undefined)
        throw new ChartlogError(
          'STORE_CORRUPT',
          `the store reports ${site} up to seq ${storedHead.seq} but holds no event at seq ${seq}`,
          { details: { site, seq } },
        );
      if (ref.hash !== hash) {
        throw new ChartlogError(
          'FORK',
          `fork: ${site} seq ${seq} is already held as a different event (held ${ref.hash.slice(0, 12)}…, ` +
            `offered ${hash.slice(0, 12)}…, batch index ${index}); nothing was stored`,
          {
            details: { index, site, seq, id: event.id, heldHash: ref.hash, offeredHash: hash },
          },
        );
      }
      duplicates++;
      if (event.sig !== undefined && !ref.signed) {
        if (seq <= storedHead.seq) signatures.set(`${site}\u0000${seq}`, { site, seq, sig: event.sig });
        else {
          const at = planned.get(site)?.get(seq) as number;
          fresh[at] = { event, hash, encoded };
        }
      }
      continue;
    }
    if (seq !== head.seq + 1) {
      throw new ChartlogError(
        'SEQ_GAP',
        `gap: ${site} seq ${seq} offered where seq ${head.seq + 1} is next (batch index ${index}); nothing was stored`,
        {
          details: { index, site, seq, expected: head.seq + 1 },
        },
      );
    }
    if (event.prev !== head.hash) {
      throw new ChartlogError(
        'CHAIN_BROKEN',
        `broken chain: ${site} seq ${seq} names prev ${String(event.prev).slice(0, 12)}… but seq ${head.seq} ` +
          `hashes to ${String(head.hash).slice(0, 12)}… (batch index ${index}); nothing was stored`,
        {
          details: { index, site, seq, prev: event.prev, expected: head.hash },
        },
      );
    }
    let bySeq = planned.get(site);
    if (!bySeq) planned.set(site, (bySeq = new Map()));
    bySeq.set(seq, fresh.length);
    fresh.push({ event, hash, encoded });
    heads.set(site, { seq, hash });
  }
  return { fresh, signatures: [...signatures.values()], duplicates, heads };
}

/**
 * The `(site, seq)` positions of a batch at or below the sites' stored heads: what an
 * asynchronous adapter must look up before calling {@link planAppend}. Events that fail
 * validation are skipped (planAppend reports them).
 */
export function takenPositions(
  events: readonly ChartEvent[],
  head: (site: SiteId) => SiteHead,
): { site: SiteId; seq: number }[] {
  const out: { site: SiteId; seq: number }[] = [];
  if (!Array.isArray(events)) return out;
  for (const e of events as readonly unknown[]) {
    const at = siteSeq(e);
    if (typeof at.site === 'string' && typeof at.seq === 'number' && at.seq <= head(at.site as SiteId).seq)
      out.push({ site: at.site as SiteId, seq: at.seq });
  }
  return out;
}

function plannedRef(fresh: readonly PlannedEvent[], at: number | undefined): StoredRef | undefined {
  const p = at === undefined ? undefined : fresh[at];
  return p && { hash: p.hash, signed: p.event.sig !== undefined };
}

function siteSeq(value: unknown): { site?: unknown; seq?: unknown } {
  if (typeof value !== 'object' || value === null) return {};
  const v = value as Record<string, unknown>;
  return { site: v['site'], seq: v['seq'] };
}

function describeAt(value: unknown): string {
  const { site, seq } = siteSeq(value);
  return typeof site === 'string' && typeof seq === 'number' ? ` (${site} seq ${seq})` : '';
}
