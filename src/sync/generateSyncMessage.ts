import type { ChartEvent } from '../event/chartEvent.js';
import type { VersionVector } from '../store/eventLog.js';
import { encodeWireEvent } from '../event/wireEvent.js';
import { SYNC_PROTOCOL_VERSION, type SyncMessage } from './syncMessage.js';
import { rememberEventLines } from './wireMessage.js';
import type { SyncState } from './syncState.js';
import { mergeVersionVectors, missingRanges, vectorsEqual, type SiteRange } from './versionVector.js';

/** Bounds of one sync message. */
export interface SyncOptions {
  /**
   * Most events in one message (a run may exceed it only to reach its first signed head when the message
   * would otherwise be empty). Larger messages mean fewer, larger store transactions at the receiver: a
   * catch-up of 10,000 events per site on the 500k practice took 31–32 s at 1,000, 24–26 s at 4,000 and
   * 19–21 s at 10,000 (bench/practice, `catchup`). With `lookahead` it stays under a receiver's default
   * `maxMessageEvents` (10,000).
   * @defaultValue `8000`
   */
  readonly maxEvents?: number;
  /** Most bytes of events in one message, counted as their wire lines (same exception). @defaultValue `32 MiB` */
  readonly maxBytes?: number;
  /**
   * Extra events read past `maxEvents` so a run can reach a signed head (the origin signs at least every 256
   * events).
   * @defaultValue `512`
   */
  readonly lookahead?: number;
  /**
   * Cut each site's run at a signed head (docs/architecture.md, "The event"), so the receiver can verify it with
   * one signature. `false` only between replicas that run without signatures
   * (`integrity: false`): runs are then cut anywhere. @defaultValue `true`
   */
  readonly signedHeads?: boolean;
}

/** What the generating side supplies: its vector, and its events for the ranges {@link syncRanges} named. */
export interface SyncSource {
  /** The local version vector. */
  readonly vector: VersionVector;
  /**
   * The local site, when the source is a site's replica: its own events go first in every
   * message (see {@link syncRanges}). Absent (a hub's store): sites in id order.
   */
  readonly site?: string;
  /** The local events of `range`, in seq order (fewer is fine: a run stops where they stop). */
  events(range: SiteRange): readonly ChartEvent[];
}

// A message's events are checked and stored in one transaction at the receiver, so its size is what
// amortises the pages each transaction dirties (see maxEvents). 32 MiB stays half a receiver's body limit.
const DEFAULTS = { maxEvents: 8000, maxBytes: 32 * 1024 * 1024, lookahead: 512 } as const;

/**
 * The ranges of local events the next {@link generateSyncMessage} may send: what the
 * peer lacks as far as `state` knows, limited to `maxEvents + lookahead` in all, with
 * `ownSite`'s range first (the local site's: see {@link SyncSource.site}). The caller
 * reads these from its store (the only I/O of a sync step) and passes them in a
 * {@link SyncSource} naming the same site.
 *
 * @example
 * ```ts
 * const ranges = syncRanges(state, await store.versionVector(), {}, 'practice-a');
 * ```
 */
export function syncRanges(
  state: SyncState,
  vector: VersionVector,
  options: SyncOptions = {},
  ownSite?: string,
): SiteRange[] {
  if (state.sent === null) return [];
  const { maxEvents, lookahead } = { ...DEFAULTS, ...options };
  let budget = maxEvents + lookahead;
  const out: SiteRange[] = [];
  for (const r of ownSiteFirst(missingRanges(vector, state.sent), ownSite)) {
    if (budget <= 0) break;
    const to = Math.min(r.to, r.from + budget - 1);
    out.push({ site: r.site, from: r.from, to });
    budget -= to - r.from + 1;
  }
  return out;
}

/**
 * One pure step of the sync protocol (after Automerge's `generateSyncMessage`): the next
 * message to send a peer, or `null` when there is nothing to say. No I/O: the events come
 * from `source`, read by the caller for {@link syncRanges}.
 *
 * A message is sent when there are events the peer lacks, when we have never spoken,
 * when our vector changed since our last message, or when the peer's latest message
 * (answered once) shows it believes we hold something other than what we hold — a lost
 * message or a gap: our vector makes it send again from where we are.
 *
 * Batches: the source's own site first (`SyncSource.site`), then the others in id order,
 * each site's events in seq order, at most `maxEvents` / `maxBytes`; each site's run is
 * cut at its last signed event within the bounds (an unsigned tail is left for a later
 * message, once its origin has signed a head). When even the first run has no signed
 * event within the bounds, it runs on to its first signed head, so a message always
 * makes progress.
 *
 * @example
 * ```ts
 * const [next, message] = generateSyncMessage({ vector, events: (r) => held(r) }, state);
 * if (message) send(encodeSyncMessage(message));
 * ```
 */
export function generateSyncMessage(
  source: SyncSource,
  state: SyncState,
  options: SyncOptions = {},
): [SyncState, SyncMessage | null] {
  const { maxEvents, maxBytes } = { ...DEFAULTS, ...options };
  const signedHeads = options.signedHeads ?? true;
  const lines: string[] = [];
  const vector = source.vector;
  const events: ChartEvent[] = [];
  let sent = state.sent;
  if (sent !== null) {
    const advanced: Record<string, number> = {};
    let count = 0;
    let bytes = 0;
    for (const range of syncRanges(state, vector, options, source.site)) {
      const run = contiguous(source.events(range), range);
      let take = 0; // events of this run up to and including its last signed one so far
      let takeBytes = 0;
      let runBytes = 0;
      let full = false;
      const runLines: string[] = [];
      for (let i = 0; i < run.length; i++) {
        const e = run[i] as ChartEvent;
        // The wire line is needed for the size anyway: keep it for the encoder.
        const line = encodeWireEvent(e);
        const size = Buffer.byteLength(line, 'utf8') + 1;
        const over = count + i + 1 > maxEvents || bytes + runBytes + size > maxBytes;
        // Over budget: stop at the last signed event; an empty message runs on to its first one.
        if (over && (take > 0 || events.length > 0)) {
          full = true;
          break;
        }
        runBytes += size;
        runLines.push(line);
        if (e.sig !== undefined || !signedHeads) {
          take = i + 1;
          takeBytes = runBytes;
        }
      }
      for (let k = 0; k < take; k++) {
        events.push(run[k] as ChartEvent);
        lines.push(runLines[k] as string);
      }
      if (take > 0) advanced[range.site] = (run[take - 1] as ChartEvent).seq;
      count += take;
      bytes += takeBytes;
      if (full) break;
    }
    sent = mergeVersionVectors(sent, advanced);
  }

  const mustSpeak =
    events.length > 0 ||
    state.lastSentVector === null ||
    !vectorsEqual(vector, state.lastSentVector) ||
    (state.heard && (state.theirView === null || !vectorsEqual(vector, state.theirView)));
  if (!mustSpeak) return [state, null];
  const message: SyncMessage =
    sent === null
      ? { protocol: SYNC_PROTOCOL_VERSION, vector, events }
      : { protocol: SYNC_PROTOCOL_VERSION, vector, known: sent, events };
  rememberEventLines(message, lines);
  return [{ ...state, sent, lastSentVector: vector, heard: false }, message];
}

/**
 * `ranges` with `ownSite`'s (if any) moved to the front, the others in their order. A
 * site's own new events exist nowhere else until it sends them, while a third site's may
 * reach the peer from that site as well: sending the own first gets the events an outage
 * would lose off-site soonest, and gives a peer syncing with that third site at the same
 * time the chance to take its events from it, so they are not sent twice.
 */
function ownSiteFirst(ranges: SiteRange[], ownSite: string | undefined): SiteRange[] {
  const i = ownSite === undefined ? -1 : ranges.findIndex((r) => r.site === ownSite);
  return i <= 0 ? ranges : [ranges[i] as SiteRange, ...ranges.slice(0, i), ...ranges.slice(i + 1)];
}

/** The prefix of `events` that is exactly `range.site`'s seqs `range.from`, `from + 1`, … (defensive against a short or odd read). */
function contiguous(events: readonly ChartEvent[], range: SiteRange): readonly ChartEvent[] {
  let n = 0;
  while (n < events.length && n <= range.to - range.from) {
    const e = events[n] as ChartEvent;
    if (e.site !== range.site || e.seq !== range.from + n) break;
    n++;
  }
  return n === events.length ? events : events.slice(0, n);
}
