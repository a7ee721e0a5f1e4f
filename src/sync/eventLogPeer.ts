import type { ChartEvent } from '../event/chartEvent.js';
import { identifyRefused, refusalCodeOf, type IngestReport } from './ingestReport.js';
import { createRefusalCollector } from './refusalCollector.js';
import type { EventLog } from '../store/eventLog.js';
import { generateSyncMessage as generateStep, syncRanges, type SyncOptions } from './generateSyncMessage.js';
import type { SyncEndpoint } from './inProcess.js';
import { receiveSyncMessage as receiveStep } from './receiveSyncMessage.js';
import { parseSyncMessage, type SyncMessage } from './syncMessage.js';
import { stopAskingForRefused, type SyncState } from './syncState.js';

/** Options for {@link createEventLogPeer}. */
export interface EventLogPeerOptions {
  /** The peer's name in reports (e.g. `SyncReport.refused[].receiver`). @defaultValue `'hub'` */
  readonly name?: string;
}

/**
 * A store as a passive sync peer: a {@link SyncEndpoint} that answers from an
 * {@link EventLog} and stores what it is sent, with no site, keys, clock or chart of its
 * own. It is how replicas share durable storage — an EventStoreDB cluster, say — as a
 * hub: each replica syncs with the shared log as it would with a peer, one
 * {@link SyncState} per connection, so batches stay bounded, each site's run ends at a
 * signed head, and an interrupted sync resumes from the vectors. `syncWithHub` is the
 * public entry point; this peer stays internal because it stores whatever its caller
 * sends, so only a local replica (which checked those events when it ingested them) may
 * drive it.
 *
 * The hub is trusted for nothing: what it is sent is stored under the store's own rules
 * (contiguity, `prev` chain, exact duplicate is a no-op, a different event at a taken
 * `(site, seq)` is a `FORK`), so several replicas may push at once and relay the same
 * third site's events; replicas check every hash, chain and signature when they ingest
 * what it answers, so whatever was planted in the store directly is refused there.
 *
 * What the store refuses is reported per site run, as ingest reports it (`fork`, `gap`,
 * `broken-chain`, `malformed`, `oversize`), and not asked for again in this connection;
 * a failing store (`STORE_UNAVAILABLE`, …) throws.
 *
 * @example
 * ```ts
 * const report = await syncPair(replica, createEventLogPeer(hub), { wire: false }); // what syncWithHub does
 * ```
 */
export function createEventLogPeer(log: EventLog, options: EventLogPeerOptions = {}): SyncEndpoint {
  return {
    site: options.name ?? 'hub',
    async generateSyncMessage(
      state: SyncState,
      syncOptions: SyncOptions = {},
    ): Promise<[SyncState, SyncMessage | null]> {
      const vector = await log.versionVector();
      const ranges = syncRanges(state, vector, syncOptions);
      const runs = new Map(
        await Promise.all(
          ranges.map(async (r) => [r.site, await log.readSite(r.site, r.from, r.to - r.from + 1)] as const),
        ),
      );
      return generateStep({ vector, events: (r) => runs.get(r.site) ?? [] }, state, syncOptions);
    },
    async receiveSyncMessage(state: SyncState, message: unknown): Promise<[SyncState, IngestReport]> {
      const [received, { events }] = receiveStep(state, parseSyncMessage(message));
      const report = await appendRuns(log, events);
      // As a replica does: what the store refused for good is not asked for again.
      return [await stopAskingForRefused(received, report, () => log.versionVector()), report];
    },
  };
}

/**
 * Appends a message's events one site run at a time, so one site's refused run does not
 * hold back another's; each append is atomic for its site.
 */
async function appendRuns(log: EventLog, events: readonly ChartEvent[]): Promise<IngestReport> {
  const runs = new Map<unknown, { index: number; event: ChartEvent }[]>();
  events.forEach((event, index) => {
    const site = typeof event === 'object' && event !== null ? (event as { site?: unknown }).site : undefined;
    const run = runs.get(site);
    if (run) run.push({ index, event });
    else runs.set(site, [{ index, event }]);
  });
  let accepted = 0;
  let duplicates = 0;
  const refused = createRefusalCollector();
  const refusedSites = new Set<string>();
  for (const run of runs.values()) {
    try {
      const result = await log.append(run.map((r) => r.event));
      accepted += result.appended;
      duplicates += result.duplicates;
    } catch (error) {
      const code = refusalCodeOf(error);
      if (code === undefined) throw error;
      const message = (error as Error).message;
      for (const { index, event } of run) {
        const refusal = { index, ...identifyRefused(event), reason: { code, message } };
        refused.add(refusal);
        if (refusal.site !== undefined && code !== 'gap') refusedSites.add(refusal.site);
      }
    }
  }
  return {
    accepted,
    duplicates,
    refused: refused.summary(),
    refusedSites: [...refusedSites].sort(),
    skew: [],
  };
}
