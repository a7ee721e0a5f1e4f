import { isChartlogError } from '../../error/chartlogError.js';
import { clinicalSchema } from '../../clinical/clinicalSchema.js';
import { NO_REFUSALS } from '../../sync/ingestReport.js';
import { addRefusals, formatRefusalCounts } from '../../sync/refusalCollector.js';
import { describeRecovery } from '../../replica/recoveryGuard.js';
import { readRecoveryMarker } from '../../replica/recoveryMarker.js';
import { createReplica } from '../../replica/replica.js';
import type { VersionVector } from '../../store/eventLog.js';
import { createHttpSyncClient, syncOverHttp, type HttpSyncReport } from '../../sync/http/index.js';
import { vectorsEqual } from '../../sync/versionVector.js';
import { EXIT } from '../exitCodes.js';
import { integerOption, out, outJson, requiredOption, wantsJson, type CliCommand } from '../cliCommand.js';
import { openStoreFile } from '../openStoreFile.js';
import { readPeersConfig } from '../peersConfig.js';
import { PEER_TLS_OPTIONS, readPeerTargets } from '../peerTargets.js';
import { readSiteKeyFile } from '../../sync/http/siteKeyFile.js';
import { syncPeerSites } from '../syncPeerSites.js';
import { formatVector } from './status.js';
import { countOf } from '../countOf.js';
import { jsonSeconds } from '../jsonSeconds.js';
import { SITE_OPTION, keyOption, storeOption } from '../siteOptions.js';

/** What one peer's sync did, over every pass. */
interface PeerSyncSummary {
  readonly url: string;
  site?: string;
  eventsSent: number;
  eventsReceived: number;
  rounds: number;
  bytes: number;
  refused: HttpSyncReport['refused'];
  vector?: VersionVector;
  converged: boolean;
  error?: { readonly code: string; readonly message: string };
}

/** `chartlog sync`: one-shot sync of a SQLite store with given peers. */
export const syncCommand: CliCommand = {
  name: 'sync',
  summary: 'sync a SQLite store once with the given peers over HTTP, then report',
  description: [
    'Syncs with each --peer in turn (its --token is the one given in the same position), and',
    'repeats the pass while events arrive so peers also get what the others sent (relay), up',
    'to --passes. Converged: afterwards every peer reports the same version vector as ours.',
    'Exit 1 when a peer did not converge, failed, or refused events; 4 when every peer failed.',
    'The store must not be served by a running chartlog serve at the same time (one writer).',
    'An https:// peer is checked with --tls-ca/--tls-pin when given, else with the "ca" or "pin"',
    'of the peers-file entry whose "url" is that peer, else against the public CAs; a peer that',
    'fails the check is SYNC_TLS_FAILED (exit 4 when no peer could be synced).',
    '',
    'Restored from a backup: --restored-from-backup says the store file was put back from a',
    "backup and may hold fewer of this site's own events than its peers. The store is then",
    'recovering (kept in the store, so a later sync or serve goes on recovering) until it has',
    'taken its own events back and heard from every --peer of a run; it records nothing',
    'meanwhile. A run that ends recovering exits 1 and says what it still waits for.',
  ],
  options: {
    store: storeOption('created if missing'),
    site: SITE_OPTION,
    key: keyOption('chartlog keygen'),
    peers: {
      type: 'string',
      valueName: 'PEERS.json',
      required: true,
      description: 'trusted sites and their public keys (same format as serve)',
    },
    peer: {
      type: 'string',
      valueName: 'URL',
      multiple: true,
      required: true,
      description: "a peer's base URL, e.g. https://hospital.example:8443",
    },
    token: {
      type: 'string',
      valueName: 'T',
      multiple: true,
      required: true,
      description: 'our bearer token at the peer given in the same position',
    },
    passes: { type: 'string', valueName: 'N', description: 'most passes over the peers', defaultValue: '3' },
    'restored-from-backup': {
      type: 'boolean',
      description:
        'the store was restored from a backup: it records nothing until every --peer has given back our own events ' +
        '(kept in the store until then)',
    },
    ...PEER_TLS_OPTIONS,
  },
  examples: [
    'chartlog sync --store practice-a.chartlog --site practice-a --key practice-a.key --peers peers.json ' +
      '--peer https://hospital:8443 --token "$HOSPITAL_TOKEN" --tls-ca hospital-ca.crt',
    'chartlog sync --store practice-a.chartlog --site practice-a --key practice-a.key --peers peers.json ' +
      '--peer http://127.0.0.1:8080 --token "$HOSPITAL_TOKEN"',
  ],
  async run(values) {
    const passes = integerOption(values, 'passes', 3, 1, 100);
    const keys = readSiteKeyFile(requiredOption(values, 'key'));
    const peers = readPeersConfig(requiredOption(values, 'peers'));
    const targets = readPeerTargets(values, 'sync', peers);
    const urls = targets.map((t) => t.url);
    const json = wantsJson(values);
    const store = await openStoreFile(requiredOption(values, 'store'), 'write');
    try {
      const clients = targets.map((t) => createHttpSyncClient(t));
      const restoredFromBackup = values['restored-from-backup'] === true;
      // A recovering store must hear from each peer by name: ask unlisted peers who they are first.
      const recovering = restoredFromBackup || (await readRecoveryMarker(store)) !== undefined;
      const recoveryPeers = await syncPeerSites(clients, urls, peers, recovering);
      const replica = await createReplica({
        site: requiredOption(values, 'site'),
        keys,
        keyring: peers.keyring(),
        schema: clinicalSchema,
        store,
        restoredFromBackup,
        recoveryPeers,
      });
      const summaries: PeerSyncSummary[] = urls.map((url) => ({
        url,
        eventsSent: 0,
        eventsReceived: 0,
        rounds: 0,
        bytes: 0,
        refused: NO_REFUSALS,
        converged: false,
      }));
      const started = performance.now();
      for (let pass = 1; pass <= passes; pass++) {
        let moved = 0;
        for (const [i, client] of clients.entries()) {
          const s = summaries[i] as PeerSyncSummary;
          if (s.error !== undefined) continue;
          try {
            const r = await syncOverHttp(replica, client);
            s.site = r.peer;
            s.eventsSent += r.eventsSent;
            s.eventsReceived += r.eventsReceived;
            s.rounds += r.rounds;
            s.bytes += r.bytes;
            s.refused = addRefusals(s.refused, r.refused);
            moved += r.eventsReceived;
          } catch (error) {
            if (
              !isChartlogError(error) ||
              !(error.code.startsWith('SYNC_') || error.code === 'MALFORMED_MESSAGE')
            )
              throw error;
            s.error = { code: error.code, message: error.message };
          }
        }
        // Another pass only matters when something arrived that earlier peers lack.
        if (moved === 0 || clients.length < 2) break;
      }
      const vector = await replica.versionVector();
      for (const [i, client] of clients.entries()) {
        const s = summaries[i] as PeerSyncSummary;
        if (s.error !== undefined) continue;
        try {
          const status = await client.status();
          s.site = status.site;
          s.vector = status.vector;
          s.converged = vectorsEqual(status.vector, vector);
        } catch (error) {
          if (!isChartlogError(error)) throw error;
          s.error = { code: error.code, message: error.message };
        }
      }
      const seconds = jsonSeconds((performance.now() - started) / 1000);
      const converged = summaries.every((s) => s.converged);
      const refused = summaries.reduce((n, s) => n + s.refused.count, 0);
      const recovery = replica.recovery;
      const report = {
        site: replica.site,
        converged,
        refused,
        events: await store.count(),
        stateHash: replica.chart.hash(),
        vector,
        seconds,
        status: replica.status,
        ...(recovery !== undefined ? { recovery } : {}),
        peers: summaries,
      };
      if (json) outJson(report);
      else {
        for (const s of summaries) {
          const name = s.site !== undefined ? `${s.site} (${s.url})` : s.url;
          if (s.error !== undefined) out(`${name}: FAILED ${s.error.code}: ${s.error.message}`);
          else out(`${name}: ${describePeerSync(s)}`);
          for (const r of s.refused.examples.slice(0, 10))
            out(
              `    refused ${r.site ?? '?'}#${r.seq ?? '?'} at ${r.receiver}: ${r.reason.code}: ${r.reason.message}`,
            );
        }
        const events = countOf(report.events, 'event');
        out(
          `${replica.site}: ${events}, state hash ${report.stateHash.slice(0, 16)}, vector ${formatVector(vector)}`,
        );
        if (recovery !== undefined) out(`RECOVERING: ${describeRecovery(replica.site, recovery)}`);
        out(
          converged && refused === 0
            ? `converged with ${countOf(summaries.length, 'peer')} in ${seconds.toFixed(2)} s`
            : 'NOT converged: see above',
        );
      }
      // No peer could be reached at all: a sync error, not a partial result.
      if (summaries.every((s) => s.error !== undefined)) return EXIT.sync;
      return converged && refused === 0 && recovery === undefined ? EXIT.ok : EXIT.problems;
    } finally {
      await store.close();
    }
  },
};

/** One peer's sync that reached it, in words: what moved, what was refused, whether it converged. */
function describePeerSync(s: PeerSyncSummary): string {
  const moved = `sent ${s.eventsSent}, received ${countOf(s.eventsReceived, 'event')} in ${countOf(s.rounds, 'round')}`;
  const refused = s.refused.count
    ? `, ${s.refused.count} REFUSED (${formatRefusalCounts(s.refused.byCode)})`
    : '';
  return `${moved} (${countOf(s.bytes, 'byte')})${refused}; ${s.converged ? 'converged' : 'NOT converged'}`;
}
