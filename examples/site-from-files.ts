import { createServer } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReplica } from 'chartlog';
import { clinicalSchema, patientStream, recordAllergy } from 'chartlog/clinical';
import {
  createHttpSyncClient,
  createSyncHandler,
  readPeersFile,
  readSiteKeyFile,
  syncOverHttp,
  writeSiteKeyFiles,
} from 'chartlog/http';
import { openSqliteEventLog } from 'chartlog/sqlite';

// The files of the walkthrough: each site's key pair (as `chartlog keygen` writes it) and peers file.
const dir = mkdtempSync(join(tmpdir(), 'chartlog-files-'));
const at = (name: string) => join(dir, name);
writeSiteKeyFiles(at('hospital-d.key'));
writeSiteKeyFiles(at('practice-a.key'));
const token = 'practice-a-calls-hospital-d-7f3e9c21';
const hospitalPeers = { peers: [{ site: 'practice-a', publicKeyFile: 'practice-a.key.pub', token }] };
writeFileSync(at('hospital-d.peers.json'), JSON.stringify(hospitalPeers));

/** A site opened as `chartlog serve` opens it: its key file, its peers file, its store. */
async function openSite(site: string) {
  const peers = readPeersFile(at(`${site}.peers.json`));
  const replica = await createReplica({
    site,
    keys: readSiteKeyFile(at(`${site}.key`)),
    keyring: peers.keyring(),
    schema: clinicalSchema,
    store: openSqliteEventLog(at(`${site}.chartlog`)),
  });
  return { peers, replica };
}

// The hospital serves sync to the sites its peers file gives a token.
const hospital = await openSite('hospital-d');
const server = createServer(createSyncHandler(hospital.replica, { peers: hospital.peers.tokens }));
await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
const { port } = server.address() as { port: number };

// The practice's peers file says where it calls the hospital, and with which token.
const url = `http://127.0.0.1:${port}`;
const practicePeers = {
  peers: [{ site: 'hospital-d', publicKeyFile: 'hospital-d.key.pub', url, ourToken: token }],
};
writeFileSync(at('practice-a.peers.json'), JSON.stringify(practicePeers));
const practice = await openSite('practice-a');
await practice.replica.record(
  recordAllergy(practice.replica.chart.state(patientStream('p1')), {
    patientId: 'p1',
    code: { text: 'Penicillin' },
    criticality: 'high',
    author: { id: 'dr-okafor', role: 'gp' },
  }),
);
const link = practice.peers.peers.find((peer) => peer.site === 'hospital-d');
if (link?.url === undefined || link.ourToken === undefined) throw new Error('no url for hospital-d');
const client = createHttpSyncClient({
  url: link.url,
  token: link.ourToken,
  ...(link.tls ? { tls: link.tls } : {}),
});
const report = await syncOverHttp(practice.replica, client);
console.log(report.eventsSent, practice.replica.chart.hash() === hospital.replica.chart.hash()); // 1 true

server.close();
await Promise.all([practice.replica.store.close(), hospital.replica.store.close()]);
