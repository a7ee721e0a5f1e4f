import { isChartlogError, type ChartlogError } from '../../error/chartlogError.js';
import { countOpenConflicts } from '../../chart/conflicts.js';
import { clinicalSchema } from '../../clinical/clinicalSchema.js';
import { forkSummaryOf, readForkMarker, type ForkSummary } from '../../replica/forkMarker.js';
import type { VersionVector } from '../../store/eventLog.js';
import { createHttpSyncClient, type HttpSyncStatus } from '../../sync/http/index.js';
import { seqOf } from '../../sync/versionVector.js';
import { EXIT } from '../exitCodes.js';
import { out, outJson, requiredOption, stringOption, wantsJson, type CliCommand } from '../cliCommand.js';
import { openStoreFile } from '../openStoreFile.js';
import { PEER_TLS_OPTIONS, readPeerTargets } from '../peerTargets.js';
import { readStoreProjection } from '../readStoreProjection.js';
import { countOf } from '../countOf.js';
import { storeOption } from '../siteOptions.js';

/** `site:seq site:seq …`, sorted by site; `(empty)` for none. */
export function formatVector(vector: VersionVector): string {
  const entries = Object.entries(vector).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? '(empty)' : entries.map(([s, n]) => `${s}:${n}`).join(' ');
}

/** A peer's `recovery` (from its status endpoint) in words. */
function describePeerRecovery(r: HttpSyncStatus['recovery']): string {
  // The peer's own JSON: shown, never trusted to have the right shape.
  if (typeof r !== 'object' || r === null) return 'no reason given';
  const waitingFor: unknown = r.waitingFor;
  const waiting =
    Array.isArray(waitingFor) && waitingFor.length > 0
      ? `, waiting for ${waitingFor.map(String).join(', ')}`
      : '';
  return `${String(r.reason)}, holds its own events to seq ${String(r.heldOwnSeq)} (peers showed ${String(r.shownOwnSeq)})${waiting}`;
}

/** One quarantined fork, on one line. */
function describeFork(f: ForkSummary): string {
  const held = f.heldHash === null ? 'nothing held' : `held ${f.heldHash.slice(0, 12)}…`;
  const offered = `offered ${f.offeredHash.slice(0, 12)}… (the other history shown to seq ${f.offeredHead.seq})`;
  return `${f.site} seq ${f.seq}: ${held}, ${offered}, detected ${f.detectedAt}`;
}

/** A peer's `forks` (from its status endpoint) in words: untrusted JSON, shown only. */
function describePeerForks(forks: HttpSyncStatus['forks']): string | undefined {
  if (typeof forks !== 'object' || forks === null || !(Number(forks.count) > 0)) return undefined;
  const examples = Array.isArray(forks.examples)
    ? forks.examples.map((f) => `${String(f?.site)} seq ${String(f?.seq)}`)
    : [];
  if (examples.length === 0) return String(forks.count);
  const more = Number(forks.count) > examples.length ? ', …' : '';
  return `${String(forks.count)} (${examples.join(', ')}${more})`;
}

/** What holding the same events as a peer means, given both state hashes (ours unknown when the projection is stale). */
function sameEventsVerdict(theirs: string | undefined, ours: string | undefined): string {
  if (ours === undefined) return ' (same events)';
  return theirs === undefined || theirs === ours
    ? ' (in sync)'
    : ' (same events, different state hash: another schema version?)';
}

/**
 * The sites a vector names, sorted, each with the number of its events held (its seq): `sites` in
 * `status --json`, shaped as `demo --json`'s rows.
 */
function sitesOf(vector: VersionVector): { site: string; events: number }[] {
  return Object.keys(vector)
    .sort()
    .map((site) => ({ site, events: seqOf(vector, site) }));
}

/** Events one vector holds that the other lacks, summed over sites. */
function lacking(have: VersionVector, lack: VersionVector): number {
  let n = 0;
  for (const [site, seq] of Object.entries(have)) n += Math.max(0, seq - seqOf(lack, site));
  return n;
}

/** The chart's part of a status: read from the store's projection, or why it could not be. */
type ChartStatus =
  { readonly stateHash: string; readonly conflicts: number } | { readonly stale: ChartlogError };

/** State hash and number of open conflicts from the store's projection (its conflict index: no resource is read). */
async function chartStatusOf(store: Parameters<typeof readStoreProjection>[0]): Promise<ChartStatus> {
  try {
    const projection = await readStoreProjection(store, clinicalSchema);
    return {
      stateHash: projection.hash(),
      conflicts: countOpenConflicts(projection),
    };
  } catch (error) {
    // Forks, vector and peers need no projection: still shown, with the fix for the rest.
    if (isChartlogError(error) && error.code === 'PROJECTION_STALE') return { stale: error };
    throw error;
  }
}

/** `chartlog status`: what a store holds, and how far peers are from it. */
export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'show a store: site, version vector, state hash, open conflicts, and lag per peer',
  description: [
    'Opens the store read-only (safe next to a running chartlog serve) and reads its persisted',
    'projection (nothing is folded): its state hash (equal on two sites exactly when they show',
    "the same records) and open conflicts. With --peer/--token asks each peer's GET /chartlog/status",
    'for its vector and state hash (both printed): "they lack" is events we hold that the peer does',
    'not, "we lack" the reverse.',
    'A peer that is recovering (not recording) says why: its reason, its own seq, the peers it waits for.',
    "Forks (two histories signed by one site's key) the store's replica quarantined are listed, and",
    'counted for each peer that has any.',
    'A store whose projection is missing or out of date (written by an older chartlog, or folded',
    'with another schema) shows everything else, says PROJECTION_STALE with the fix',
    '(chartlog replay --store FILE) and exits 3. Exit 1 when a peer could not be asked.',
  ],
  options: {
    store: storeOption(),
    site: { type: 'string', valueName: 'ID', description: "this site's id, to show its own chain length" },
    peer: {
      type: 'string',
      valueName: 'URL',
      multiple: true,
      description: "a peer's base URL to compare with",
    },
    token: {
      type: 'string',
      valueName: 'T',
      multiple: true,
      description: 'our bearer token at the peer given in the same position',
    },
    ...PEER_TLS_OPTIONS,
  },
  examples: [
    'chartlog status --store practice-a.chartlog --site practice-a',
    'chartlog status --store practice-a.chartlog --peer http://hospital:8080 --token "$HOSPITAL_TOKEN" --json',
  ],
  async run(values) {
    const targets = readPeerTargets(values, 'status');
    const path = requiredOption(values, 'store');
    const site = stringOption(values, 'site');
    const store = await openStoreFile(path, 'read');
    let vector: VersionVector;
    let events: number;
    let chart: ChartStatus;
    let forks: Awaited<ReturnType<typeof readForkMarker>>;
    try {
      forks = await readForkMarker(store);
      vector = await store.versionVector();
      // Each site's seqs are contiguous from 1 in a store, so the vector's sum is the count, without a scan.
      events = Object.values(vector).reduce((n, seq) => n + seq, 0);
      chart = await chartStatusOf(store);
    } finally {
      await store.close();
    }
    const peers = [];
    for (const target of targets) {
      const url = target.url;
      try {
        const status = await createHttpSyncClient({ ...target, retries: 1 }).status();
        peers.push({
          url,
          site: status.site,
          status: status.status,
          vector: status.vector,
          ...(status.stateHash !== undefined ? { stateHash: status.stateHash } : {}),
          ...(status.recovery !== undefined ? { recovery: status.recovery } : {}),
          ...(status.forks !== undefined ? { forks: status.forks } : {}),
          theyLack: lacking(vector, status.vector),
          weLack: lacking(status.vector, vector),
        });
      } catch (error) {
        if (!isChartlogError(error)) throw error;
        peers.push({ url, error: { code: error.code, message: error.message } });
      }
    }
    const forkReport = {
      count: forks.forks.length,
      examples: forks.forks.map(forkSummaryOf),
      ...(forks.damage !== undefined
        ? { damaged: { code: forks.damage.code, message: forks.damage.message } }
        : {}),
    };
    const stateHash = 'stale' in chart ? undefined : chart.stateHash;
    const chartReport =
      'stale' in chart
        ? { ok: false, error: { code: chart.stale.code, message: chart.stale.message } }
        : chart;
    const report = {
      store: path,
      ...(site !== undefined ? { site, ownSeq: seqOf(vector, site) } : {}),
      events,
      sites: sitesOf(vector),
      vector,
      ...chartReport,
      forks: forkReport,
      peers,
    };
    if (wantsJson(values)) outJson(report);
    else {
      out(`store      ${path}: ${countOf(events, 'event')} from ${countOf(report.sites.length, 'site')}`);
      if (site !== undefined) out(`site       ${site}: ${countOf(seqOf(vector, site), 'own event')}`);
      out(`vector     ${formatVector(vector)}`);
      if ('stale' in chart) {
        out('state hash unknown: the projection is missing or out of date (PROJECTION_STALE, see stderr)');
        out(`conflicts  unknown: chartlog replay --store ${path} rebuilds the projection`);
      } else {
        out(`state hash ${chart.stateHash}`);
        out(`conflicts  ${chart.conflicts} open (chartlog conflicts --store ${path})`);
      }
      if (forkReport.count > 0)
        out(
          `forks      ${forkReport.count} quarantined: a site's key signed two histories; nothing of the other was merged`,
        );
      for (const f of forkReport.examples) out(`           ${describeFork(f)}`);
      if (forks.damage !== undefined) out(`forks      DAMAGED marker: ${forks.damage.message}`);
      for (const p of peers) {
        if ('error' in p) out(`peer       ${p.url}: UNREACHABLE ${p.error.code}: ${p.error.message}`);
        else {
          const verdict = p.theyLack + p.weLack > 0 ? '' : sameEventsVerdict(p.stateHash, stateHash);
          out(`peer       ${p.site} (${p.url}): they lack ${p.theyLack}, we lack ${p.weLack}${verdict}`);
          if (p.stateHash !== undefined) out(`           state hash ${p.stateHash}`);
          if (p.status === 'recovering')
            out(`           RECOVERING, not recording: ${describePeerRecovery(p.recovery)}`);
          const peerForks = describePeerForks(p.forks);
          if (peerForks !== undefined) out(`           FORKS quarantined there: ${peerForks}`);
        }
      }
    }
    if ('stale' in chart) {
      // The same line runCli prints for a failed command, so scripts read one format.
      process.stderr.write(`chartlog status: ${chart.stale.code}: ${chart.stale.message}\n`);
      return EXIT.store;
    }
    return peers.some((p) => 'error' in p) ? EXIT.problems : EXIT.ok;
  },
};
