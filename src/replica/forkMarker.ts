import { ChartlogError, isChartlogError } from '../error/chartlogError.js';
import { isEventHash, isSiteId } from '../event/ids.js';
import type { Json } from '../event/json.js';
import type { EventLog } from '../store/eventLog.js';
import type { QuarantinedFork } from './forkQuarantine.js';

/** The name of the store marker ({@link EventLog.putMarker}) that lists a replica's quarantined forks. */
export const FORK_MARKER = 'chartlog.forks';

/** A quarantined fork without its offered events: what the store keeps, and what status endpoints show. */
export type ForkSummary = Omit<QuarantinedFork, 'offered'>;

/** What {@link readForkMarker} found: the forks it could read, and the damage it worked around. */
export interface ReadForks {
  /** The forks listed in the marker that could be read, oldest first (`offered` empty). */
  readonly forks: readonly QuarantinedFork[];
  /** A `STORE_CORRUPT` error when the marker, or some of its entries, could not be read. */
  readonly damage?: ChartlogError;
}

/** Longest `message` read back: what ingest writes is a few hundred characters. */
const MAX_MESSAGE = 2000;

/** The fork without its offered events. */
export function forkSummaryOf(fork: QuarantinedFork): ForkSummary {
  const { site, seq, heldHash, offeredHash, offeredHead, message, detectedAt } = fork;
  return {
    site,
    seq,
    heldHash,
    offeredHash,
    offeredHead: { seq: offeredHead.seq, hash: offeredHead.hash },
    message,
    detectedAt,
  };
}

const isSeq = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;

/** One entry of the marker, checked field by field; undefined when it is not one. */
function forkOf(entry: unknown): QuarantinedFork | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const { site, seq, heldHash, offeredHash, offeredHead, message, detectedAt } = entry as Record<
    string,
    unknown
  >;
  const head = (typeof offeredHead === 'object' && offeredHead !== null ? offeredHead : {}) as Record<
    string,
    unknown
  >;
  if (
    !isSiteId(site) ||
    !isSeq(seq) ||
    !(heldHash === null || isEventHash(heldHash)) ||
    !isEventHash(offeredHash)
  )
    return undefined;
  if (
    !isSeq(head['seq']) ||
    !isEventHash(head['hash']) ||
    typeof message !== 'string' ||
    message.length > MAX_MESSAGE
  )
    return undefined;
  if (typeof detectedAt !== 'string' || Number.isNaN(Date.parse(detectedAt))) return undefined;
  return {
    site,
    seq,
    heldHash,
    offeredHash,
    offeredHead: { seq: head['seq'], hash: head['hash'] },
    offered: [],
    message,
    detectedAt,
  };
}

/**
 * Reads the forks a store keeps (`{ v: 1, forks: [ForkSummary…] }` under {@link FORK_MARKER});
 * none when no marker is set or the store keeps no markers. Never throws for a damaged
 * marker: bytes that are not JSON, or a value or entries it does not understand, are
 * reported as `damage` (a `STORE_CORRUPT` error naming the marker) and left out, so a
 * replica still opens. Other store errors are thrown.
 */
export async function readForkMarker(store: EventLog): Promise<ReadForks> {
  if (store.getMarker === undefined) return { forks: [] };
  let value: Json | undefined;
  try {
    value = await store.getMarker(FORK_MARKER);
  } catch (error) {
    if (isChartlogError(error) && error.code === 'STORE_CORRUPT') return { forks: [], damage: error };
    throw error;
  }
  if (value === undefined) return { forks: [] };
  const damaged = (what: string): ChartlogError =>
    new ChartlogError(
      'STORE_CORRUPT',
      `the store's ${FORK_MARKER} marker ${what}: those forks are not listed (the peers holding the other histories will offer them again)`,
      { details: { marker: FORK_MARKER } },
    );
  const marker = (typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {}) as {
    readonly v?: Json;
    readonly forks?: Json;
  };
  const entries = marker.v === 1 ? marker.forks : undefined;
  if (!Array.isArray(entries))
    return { forks: [], damage: damaged('is not a list of forks this version understands') };
  const forks = entries.map(forkOf).filter((f): f is QuarantinedFork => f !== undefined);
  const unread = entries.length - forks.length;
  return unread === 0
    ? { forks }
    : { forks, damage: damaged(`holds ${unread} entr${unread === 1 ? 'y' : 'ies'} that could not be read`) };
}

/** Keeps `forks` (their summaries, without the offered events) in the store; a store without markers keeps nothing. */
export async function writeForkMarker(store: EventLog, forks: readonly QuarantinedFork[]): Promise<void> {
  await store.putMarker?.(
    FORK_MARKER,
    forks.length === 0 ? undefined : ({ v: 1, forks: forks.map(forkSummaryOf) } as unknown as Json),
  );
}
