import { ChartlogError } from '../error/chartlogError.js';
import { NO_REFUSALS, type IngestRefusal, type IngestReport, type RefusalSummary } from './ingestReport.js';
import { addRefusals, mapRefusals } from './refusalCollector.js';
import type { SyncOptions } from './generateSyncMessage.js';
import type { SyncMessage } from './syncMessage.js';
import { decodeSyncMessageText, syncMessageLines } from './wireMessage.js';
import { initSyncState, type SyncState } from './syncState.js';

/** What a transport needs from a replica: the two sync steps. {@link Replica} is one. */
export interface SyncEndpoint {
  /** A name for reports and errors, e.g. the site id. */
  readonly site: string;
  generateSyncMessage(state: SyncState, options?: SyncOptions): Promise<[SyncState, SyncMessage | null]>;
  receiveSyncMessage(state: SyncState, message: unknown): Promise<[SyncState, IngestReport]>;
}

/**
 * A link between two endpoints, for fault injection: given a message on its way, returns
 * the messages that arrive (`[]` drops it, `[m, m]` duplicates it, an older message
 * replays it). @defaultValue delivers every message once
 */
export type SyncLink = (message: SyncMessage, from: string, to: string) => readonly SyncMessage[];

/** Options for {@link syncPair}. */
export interface SyncPairOptions extends SyncOptions {
  /** Give up (throw `SYNC_NOT_QUIET`) after this many rounds. @defaultValue `1000` */
  readonly maxRounds?: number;
  /** Pass messages through their JSON text, as a network would, and count its bytes. @defaultValue `true` */
  readonly wire?: boolean;
  /** Fault injection. @defaultValue every message delivered once */
  readonly link?: SyncLink;
}

/** A refusal in a sync report: an {@link IngestRefusal} with the side that refused it. */
export type SyncRefusal = IngestRefusal & { readonly receiver: string };

/** What a sync did. */
export interface SyncReport {
  /** Rounds run, including the last, quiet one. */
  readonly rounds: number;
  /** Messages sent (before the link's faults). */
  readonly messages: number;
  /** Events accepted, both directions. */
  readonly accepted: number;
  /** Events received that were already held. */
  readonly duplicates: number;
  /** Refusals, both directions: counted, and the first few (20) as examples naming the receiving site. */
  readonly refused: RefusalSummary<SyncRefusal>;
  /** Bytes of message JSON sent (with `wire`). */
  readonly bytes: number;
  /** Canonical bytes of the events those messages carried (with `wire`): `bytes / eventBytes` is the wire overhead. */
  readonly eventBytes: number;
}

const EMPTY: SyncReport = {
  rounds: 0,
  messages: 0,
  accepted: 0,
  duplicates: 0,
  refused: NO_REFUSALS,
  bytes: 0,
  eventBytes: 0,
};

/**
 * Syncs two endpoints in process, as one connection: fresh sync states, then rounds of
 * `a → b`, `b → a` until neither has anything to say (as Automerge's `sync(a, b)` test
 * helper loops until quiet). Afterwards each holds everything the other held, except
 * what was refused (see `refused`).
 *
 * @throws ChartlogError `SYNC_NOT_QUIET` when still talking after `maxRounds`.
 * @example
 * ```ts
 * const report = await syncPair(practice, hospital);
 * ```
 */
export async function syncPair(
  a: SyncEndpoint,
  b: SyncEndpoint,
  options: SyncPairOptions = {},
): Promise<SyncReport> {
  const maxRounds = options.maxRounds ?? 1000;
  const wire = options.wire ?? true;
  const link: SyncLink = options.link ?? ((m) => [m]);
  const states = new Map<SyncEndpoint, SyncState>([
    [a, initSyncState({ peer: b.site })],
    [b, initSyncState({ peer: a.site })],
  ]);
  let report = EMPTY;
  const step = async (from: SyncEndpoint, to: SyncEndpoint): Promise<boolean> => {
    const [sent, message] = await from.generateSyncMessage(states.get(from) as SyncState, options);
    states.set(from, sent);
    if (message === null) return false;
    let bytes = 0;
    let eventBytes = 0;
    // The message as a network would carry it (the HTTP body's NDJSON): encoded once,
    // decoded once per delivery.
    const text = wire ? [...syncMessageLines(message)].join('') : '';
    if (wire) {
      bytes = Buffer.byteLength(text, 'utf8');
      eventBytes = canonicalBytesOf(message, bytes);
    }
    report = {
      ...report,
      messages: report.messages + 1,
      bytes: report.bytes + bytes,
      eventBytes: report.eventBytes + eventBytes,
    };
    for (const delivered of link(message, from.site, to.site)) {
      const [received, ingest] = await to.receiveSyncMessage(
        states.get(to) as SyncState,
        wire
          ? decodeSyncMessageText(delivered === message ? text : [...syncMessageLines(delivered)].join(''))
          : delivered,
      );
      states.set(to, received);
      report = {
        ...report,
        accepted: report.accepted + ingest.accepted,
        duplicates: report.duplicates + ingest.duplicates,
        refused: addRefusals(
          report.refused,
          mapRefusals(ingest.refused, (r) => ({ ...r, receiver: to.site })),
        ),
      };
    }
    return true;
  };
  for (let round = 1; round <= maxRounds; round++) {
    const spoke = (await step(a, b)) || false;
    const answered = await step(b, a);
    if (!spoke && !answered) return { ...report, rounds: round };
  }
  throw new ChartlogError(
    'SYNC_NOT_QUIET',
    `${a.site} and ${b.site} still syncing after ${maxRounds} rounds (${report.refused.count} refusals)`,
    { details: { refused: report.refused.examples.slice(0, 10) } },
  );
}

/**
 * The canonical bytes of a message's events, from the byte length of its wire text
 * without encoding any event again: each event line is `{"e":` + the canonical bytes +
 * `}` (or `,"sig":"…"}` when signed) + a newline.
 */
function canonicalBytesOf(message: SyncMessage, messageBytes: number): number {
  const events = message.events;
  if (events.length === 0) return 0;
  let framing = events.length * '{"e":}\n'.length;
  for (const e of events)
    if (e.sig !== undefined) framing += Buffer.byteLength(`,"sig":${JSON.stringify(e.sig)}`, 'utf8');
  const header = Buffer.byteLength([...syncMessageLines({ ...message, events: [] })].join(''), 'utf8');
  return messageBytes - header - framing;
}

/** Options for {@link syncReplicas}. */
export interface SyncReplicasOptions extends SyncPairOptions {
  /** Which pairs talk, by index into the endpoints. @defaultValue every pair */
  readonly links?: readonly (readonly [number, number])[];
  /** Give up (throw `SYNC_NOT_QUIET`) after this many passes over the links. @defaultValue endpoints + 1 */
  readonly maxPasses?: number;
}

/**
 * Syncs many endpoints in process: passes over every link with {@link syncPair} until a
 * whole pass accepts nothing. With a star of links (`[[hub, a], [hub, b]]`) events reach
 * `b` from `a` only through the hub: relaying.
 *
 * @throws ChartlogError `SYNC_NOT_QUIET` when a pass still moves events after `maxPasses`.
 * @example
 * ```ts
 * await syncReplicas([practiceA, practiceB, hospital], { links: [[2, 0], [2, 1]] });
 * ```
 */
export async function syncReplicas(
  endpoints: readonly SyncEndpoint[],
  options: SyncReplicasOptions = {},
): Promise<SyncReport & { readonly passes: number }> {
  const links =
    options.links ??
    endpoints.flatMap((_, i) => endpoints.slice(i + 1).map((__, k) => [i, i + 1 + k] as const));
  const maxPasses = options.maxPasses ?? endpoints.length + 1;
  let total = EMPTY;
  for (let pass = 1; pass <= maxPasses; pass++) {
    let moved = 0;
    for (const [i, j] of links) {
      const a = endpoints[i];
      const b = endpoints[j];
      if (a === undefined || b === undefined)
        throw new ChartlogError('INVALID_OPTION', `no endpoint for link [${i}, ${j}]`);
      const r = await syncPair(a, b, options);
      moved += r.accepted;
      total = {
        rounds: total.rounds + r.rounds,
        messages: total.messages + r.messages,
        accepted: total.accepted + r.accepted,
        duplicates: total.duplicates + r.duplicates,
        refused: addRefusals(total.refused, r.refused),
        bytes: total.bytes + r.bytes,
        eventBytes: total.eventBytes + r.eventBytes,
      };
    }
    if (moved === 0) return { ...total, passes: pass };
  }
  throw new ChartlogError(
    'SYNC_NOT_QUIET',
    `still moving events after ${maxPasses} passes over ${links.length} links`,
  );
}
