import { clinicalSchema } from '../../clinical/clinicalSchema.js';
import { describeRecovery } from '../../replica/recoveryGuard.js';
import { forkSummaryOf } from '../../replica/forkMarker.js';
import { createReplica } from '../../replica/replica.js';
import type { RequestListener } from 'node:http';
import { createFhirHandler, DEFAULT_FHIR_BASE_PATH } from '../../fhir/rest/createFhirHandler.js';
import { createSyncHandler } from '../../sync/http/index.js';
import { EXIT } from '../exitCodes.js';
import {
  integerOption,
  out,
  outJson,
  requiredOption,
  stringOption,
  wantsJson,
  type CliCommand,
} from '../cliCommand.js';
import { openStoreFile } from '../openStoreFile.js';
import { readPeersConfig, recoveryPeersOf } from '../peersConfig.js';
import { createProjectionProgressPrinter } from '../projectionProgressPrinter.js';
import { readServeLimits, SERVE_LIMIT_OPTIONS } from '../serveLimits.js';
import { readServeLoops, SERVE_LOOP_OPTIONS, startServeLoops } from '../serveLoops.js';
import { listenSyncServer, readServeNetwork, SERVE_NETWORK_OPTIONS } from '../serveNetwork.js';
import { readSiteKeyFile } from '../../sync/http/siteKeyFile.js';
import { countOf } from '../countOf.js';
import { SITE_OPTION, keyOption, storeOption } from '../siteOptions.js';

/** `chartlog serve`: a replica serving sync over HTTP on a SQLite file. */
export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'serve a replica over HTTPS (or HTTP on loopback) on a SQLite store file until SIGINT/SIGTERM',
  description: [
    'Opens (creating if needed) the store and its persisted projection (folding events stored',
    'without it, or all of them after a schema change, with progress on stderr), and serves',
    'POST /chartlog/sync and GET /chartlog/status to the peers listed with a token in the peers',
    'file (bearer auth).',
    'Peers file: {"peers":[{"site":"hospital-d","publicKeyFile":"hospital-d.key.pub","token":"…16+ chars…"}]}',
    '(publicKey: PEM text instead of publicKeyFile; token optional: without it the peer is trusted',
    'for signatures but may not call us). Prints "listening on URL" (with --json: one line',
    '{"listening":true,"url":…,"site":…}) once ready; --port 0 picks a free port. On SIGINT or',
    'SIGTERM it stops accepting, finishes requests in flight, closes the store and exits 0.',
    '',
    'FHIR R4: when the peers file has a "fhirClients" list (even empty) it also answers the FHIR',
    'REST API under /fhir to those clients (bearer auth, tokens of their own, none a peer holds):',
    '"fhirClients":[{"token":"…16+ chars…","scope":"read-write","author":{"id":"ehr-service","role":"system"}}]',
    '(scope: "read", "read-write", or SMART v1 scopes such as "patient/*.read" with "patient":"<id>";',
    'author: required for a scope that writes, every write is recorded under it).',
    '',
    'TLS: --tls-cert/--tls-key serve HTTPS (a URL https://…); --tls-client-ca also requires every',
    'client to present a certificate from that CA. Plain HTTP on an address other than loopback',
    'works but prints a WARNING: health data must not cross a network in clear text. A peer we',
    'call over https:// is checked against its "ca" (a CA file) or "pin" (the SHA-256 fingerprint',
    'of its certificate) in the peers file, else against the public CAs; "clientCert" and',
    '"clientKey" are the certificate we present to a peer that requires mutual TLS.',
    '',
    'With --sync-every MS it also calls each peer that has "url" and "ourToken" in the peers file',
    "(ourToken: the token that peer's own peers file lists for us), pulling and pushing until",
    'quiet, one peer after another, then waits MS; a peer that is down is logged on stderr once',
    '(and again when it is back) and retried next round. With --demo-activity RATE it records',
    'synthetic events (patients registered, allergies and doses changed, heart rates) about',
    'shared demo patients, so sites edit the same records concurrently; --demo-events N stops',
    "once this site's own chain holds N events. With --json each recorded event is one line",
    '{"recorded":true,"seq":…,"id":…} printed once it is durable; syncs, failures and the end',
    'of the demo are lines too ({"synced":true,…}, {"syncFailed":true,…}, {"demoDone":true,…}).',
    '',
    "Recovery: when a peer gives back this site's own events (its store is behind, e.g. restored",
    'from a backup) or shows a second history of it, it stops recording until every peer with a',
    'token or url in the peers file has been heard from with nothing more of its events (a fork',
    'waits for an operator). GET /chartlog/status then says "recovering" and why (chartlog status --peer).',
    '',
    'Restored from a backup: start with --restored-from-backup when the store file was put back',
    "from a backup (or copied from another machine) and may hold fewer of this site's own events",
    'than its peers. It then records nothing (demo activity included) until it has taken its own',
    'events back from its peers and heard from each of them, so it never reuses a seq a peer',
    'holds. Recovery is kept in the store: a serve restarted while recovering, with or without',
    'the flag, is still recovering. To end it by hand once you have checked, stop the server',
    'and run chartlog recover.',
  ],
  options: {
    store: storeOption('created if missing'),
    site: SITE_OPTION,
    key: keyOption('chartlog keygen'),
    peers: {
      type: 'string',
      valueName: 'PEERS.json',
      required: true,
      description: 'trusted peers: site ids, public keys, tokens (and urls to call with --sync-every)',
    },
    port: {
      type: 'string',
      valueName: 'P',
      description: 'TCP port (0: any free port)',
      defaultValue: '8080',
    },
    host: {
      type: 'string',
      valueName: 'HOST',
      description: 'address to listen on',
      defaultValue: '127.0.0.1',
    },
    'restored-from-backup': {
      type: 'boolean',
      description:
        'the store was restored from a backup: record nothing until every peer has given back our own events ' +
        '(kept in the store until then)',
    },
    ...SERVE_NETWORK_OPTIONS,
    ...SERVE_LOOP_OPTIONS,
    ...SERVE_LIMIT_OPTIONS,
  },
  examples: [
    'chartlog serve --store hospital-d.chartlog --site hospital-d --key hospital-d.key --peers peers.json ' +
      '--host 0.0.0.0 --port 8443 --tls-cert hospital-d.crt --tls-key hospital-d.tls.key',
    'chartlog serve --store hospital-d.chartlog --site hospital-d --key hospital-d.key --peers peers.json --port 8080',
    'chartlog serve --store practice-a.chartlog --site practice-a --key practice-a.key --peers practice-a.peers.json ' +
      '--port 8081 --sync-every 1000 --demo-activity 5 --demo-events 200',
  ],
  async run(values) {
    const json = wantsJson(values);
    const keys = readSiteKeyFile(requiredOption(values, 'key'));
    const peers = readPeersConfig(requiredOption(values, 'peers'));
    const port = integerOption(values, 'port', 8080, 0, 65535);
    const host = stringOption(values, 'host') ?? '127.0.0.1';
    const loops = readServeLoops(values, peers, requiredOption(values, 'site'));
    const network = readServeNetwork(values);
    const limits = readServeLimits(values);
    const store = await openStoreFile(requiredOption(values, 'store'), 'write');
    try {
      const site = requiredOption(values, 'site');
      const recoveryPeers = recoveryPeersOf(peers, site);
      // onProgress: the replica's open reports folding its projection (a rebuild after a schema change, a catch-up).
      const options: Parameters<typeof createReplica>[0] = {
        site,
        keys,
        keyring: peers.keyring(),
        schema: clinicalSchema,
        store,
        recoveryPeers,
        restoredFromBackup: values['restored-from-backup'] === true,
        ...(limits.maxRefusalExamples !== undefined ? { maxRefusalExamples: limits.maxRefusalExamples } : {}),
        onFork: (fork) =>
          process.stderr.write(`chartlog serve: FORK quarantined: ${JSON.stringify(forkSummaryOf(fork))}\n`),
        onDamage: (damage) => process.stderr.write(`chartlog serve: ${damage.code}: ${damage.message}\n`),
        onProgress: createProjectionProgressPrinter('chartlog serve: projection', process.stderr),
      };
      const replica = await createReplica(options);
      const onError = (error: unknown): void =>
        void process.stderr.write(
          `chartlog serve: ${error instanceof Error ? error.message : String(error)}\n`,
        );
      const sync = createSyncHandler(replica, { peers: peers.tokens, ...limits, onError });
      // FHIR is served exactly when the peers file lists fhirClients (even none): other paths go on to sync.
      const fhir =
        peers.fhirClients !== undefined
          ? createFhirHandler(replica, { clients: peers.fhirClients, onError })
          : undefined;
      const handler: RequestListener =
        fhir === undefined ? sync : (req, res) => fhir(req, res, () => sync(req, res));
      const { server, url } = await listenSyncServer(handler, network, host, port);
      if (replica.recovery !== undefined)
        process.stderr.write(
          `chartlog serve: RECOVERING: ${describeRecovery(replica.site, replica.recovery)}\n`,
        );
      const fhirUrl = fhir !== undefined ? `${url}${DEFAULT_FHIR_BASE_PATH}` : undefined;
      if (json)
        outJson({
          listening: true,
          url,
          site: replica.site,
          events: await store.count(),
          status: replica.status,
          ...(fhirUrl !== undefined ? { fhir: fhirUrl } : {}),
        });
      else {
        const held = countOf(await store.count(), 'event');
        const callers = countOf(Object.keys(peers.tokens).length, 'peer');
        const calling = loops.sync
          ? `, calling ${loops.sync.peers.length} every ${loops.sync.everyMs} ms`
          : '';
        out(`${replica.site} listening on ${url} (${held}, ${callers} may call${calling})`);
        if (fhirUrl !== undefined)
          out(`FHIR R4 API at ${fhirUrl} (${countOf(peers.fhirClients?.length ?? 0, 'client')} may call)`);
      }
      const running = startServeLoops(replica, loops, { json });
      const signal = await new Promise<NodeJS.Signals>((stop) => {
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
      await running.stop();
      // Finish requests in flight, then drop idle keep-alive connections so close() returns.
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeIdleConnections();
      await closed;
      if (!json) out(`${replica.site} stopped (${signal})`);
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};
