import type { IngestRefusal, IngestReport, RefusalSummary } from './ingestReport.js';
import { NO_REFUSALS } from './ingestReport.js';
import { addRefusals, mapRefusals } from './refusalCollector.js';
import type { SyncMessage } from './syncMessage.js';

/** A refusal in a sync report: an {@link IngestRefusal} with the side that refused it. */
export type SyncRefusal = IngestRefusal & { readonly receiver: string };

/** What a sync did. */
export interface SyncReport {
  /** Rounds run, including the last, quiet one. */
  readonly rounds: number;
  /** Messages sent, both directions (before a link's faults). */
  readonly messages: number;
  /** Events accepted, both directions. */
  readonly accepted: number;
  /** Events received that were already held. */
  readonly duplicates: number;
  /** Refusals, both directions: counted, and the first few (20) as examples naming the receiving site. */
  readonly refused: RefusalSummary<SyncRefusal>;
  /** Bytes of message text sent, both directions (0 when the transport does not measure them). */
  readonly bytes: number;
  /**
   * Bytes of the events those messages carried, as their wire lines held them (their canonical
   * encoding, for events chartlog built): `bytes / eventBytes` is the wire overhead.
   */
  readonly eventBytes: number;
}

/**
 * What a sync over a {@link SyncChannel} did, seen from the near end: the {@link SyncReport}
 * fields (both sides' ingest counted, the far side's as the channel reported it), plus the
 * per-direction detail. Every sync loop accumulates this one report.
 *
 * @example
 * ```ts
 * const { rounds, eventsSent, eventsReceived, refused }: SyncChannelReport = await syncOverChannel(replica, channel);
 * ```
 */
export interface SyncChannelReport extends SyncReport {
  /** Events the near end sent. */
  readonly eventsSent: number;
  /** Events the far end sent back. */
  readonly eventsReceived: number;
  /** Bytes of the near end's messages (0 when the channel does not measure them). */
  readonly bytesSent: number;
  /** Bytes of the far end's replies, framing included (0 when the channel does not measure them). */
  readonly bytesReceived: number;
  /** Attempts the transport made (HTTP requests, retries included; 0 in process). */
  readonly requests: number;
  /** The far end, as named in its refusals (`receiver`): the site it named itself, else the channel's name. */
  readonly peer: string;
}

/** What the far end made of the near end's message (several copies, when a link duplicated it, summed). */
export type SyncIngestCounts = Pick<IngestReport, 'accepted' | 'duplicates' | 'refused'>;

/** No events, no refusals. */
export const NO_INGEST: SyncIngestCounts = Object.freeze({
  accepted: 0,
  duplicates: 0,
  refused: NO_REFUSALS,
});

/** The report of a sync that has not started, with the far end called `peer`. */
export function emptySyncReport(peer: string): SyncChannelReport {
  return {
    rounds: 0,
    messages: 0,
    accepted: 0,
    duplicates: 0,
    refused: NO_REFUSALS,
    bytes: 0,
    eventBytes: 0,
    eventsSent: 0,
    eventsReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    requests: 0,
    peer,
  };
}

/** What one exchange over a channel moved: the near end's message, the far end's reply, and their measures. */
export interface CountedExchange {
  readonly sent: SyncMessage | null;
  readonly reply: SyncMessage | null;
  /** The far end's name, when it gave one. */
  readonly site?: string | undefined;
  /** What the far end did with `sent`. @defaultValue {@link NO_INGEST} */
  readonly ingest?: SyncIngestCounts | undefined;
  readonly bytesSent?: number | undefined;
  readonly bytesReceived?: number | undefined;
  readonly eventBytes?: number | undefined;
  readonly attempts?: number | undefined;
}

/** Adds one exchange: both messages, their bytes, and the far end's ingest (refusals named after it). */
export function countExchange(report: SyncChannelReport, exchange: CountedExchange): SyncChannelReport {
  const peer = exchange.site ?? report.peer;
  const bytesSent = exchange.bytesSent ?? 0;
  const bytesReceived = exchange.bytesReceived ?? 0;
  return {
    ...countIngest(report, exchange.ingest ?? NO_INGEST, peer),
    messages: report.messages + (exchange.sent === null ? 0 : 1) + (exchange.reply === null ? 0 : 1),
    bytes: report.bytes + bytesSent + bytesReceived,
    eventBytes: report.eventBytes + (exchange.eventBytes ?? 0),
    eventsSent: report.eventsSent + (exchange.sent?.events.length ?? 0),
    eventsReceived: report.eventsReceived + (exchange.reply?.events.length ?? 0),
    bytesSent: report.bytesSent + bytesSent,
    bytesReceived: report.bytesReceived + bytesReceived,
    requests: report.requests + (exchange.attempts ?? 0),
    peer,
  };
}

/** Adds what `receiver` stored from one message. */
export function countIngest<R extends SyncReport>(report: R, ingest: SyncIngestCounts, receiver: string): R {
  return {
    ...report,
    accepted: report.accepted + ingest.accepted,
    duplicates: report.duplicates + ingest.duplicates,
    refused: addRefusals(
      report.refused,
      mapRefusals(ingest.refused, (r) => ({ ...r, receiver })),
    ),
  };
}

/** Adds two ingests of the same receiver (copies of one message, say). */
export function addIngest(a: SyncIngestCounts, b: SyncIngestCounts): SyncIngestCounts {
  return {
    accepted: a.accepted + b.accepted,
    duplicates: a.duplicates + b.duplicates,
    refused: addRefusals(a.refused, b.refused),
  };
}

/** Sums the reports of several connections (rounds too: use the loop's own count where rounds ran side by side). */
export function addSyncReports(a: SyncChannelReport, b: SyncChannelReport): SyncChannelReport {
  return {
    rounds: a.rounds + b.rounds,
    messages: a.messages + b.messages,
    accepted: a.accepted + b.accepted,
    duplicates: a.duplicates + b.duplicates,
    refused: addRefusals(a.refused, b.refused),
    bytes: a.bytes + b.bytes,
    eventBytes: a.eventBytes + b.eventBytes,
    eventsSent: a.eventsSent + b.eventsSent,
    eventsReceived: a.eventsReceived + b.eventsReceived,
    bytesSent: a.bytesSent + b.bytesSent,
    bytesReceived: a.bytesReceived + b.bytesReceived,
    requests: a.requests + b.requests,
    peer: a.peer,
  };
}

/** Only the {@link SyncReport} fields (what `syncPair` and `syncReplicas` have always returned). */
export function syncReportOf(report: SyncReport): SyncReport {
  const { rounds, messages, accepted, duplicates, refused, bytes, eventBytes } = report;
  return { rounds, messages, accepted, duplicates, refused, bytes, eventBytes };
}
