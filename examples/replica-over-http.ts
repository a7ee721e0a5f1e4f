import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyring, createReplica, generateSiteKeys } from 'chartlog';
import { clinicalSchema, recordAllergy, patientStream } from 'chartlog/clinical';
import { createHttpSyncClient, createSyncHandler, syncOverHttp } from 'chartlog/http';
import { openSqliteEventLog } from 'chartlog/sqlite';

const dir = mkdtempSync(join(tmpdir(), 'chartlog-example-'));
const [practiceKeys, hospitalKeys] = [generateSiteKeys(), generateSiteKeys()];
const keyring = createKeyring({ 'practice-a': practiceKeys.publicKey, hospital: hospitalKeys.publicKey });
const open = (site: string, keys: typeof practiceKeys) =>
  createReplica({
    site,
    keys,
    keyring,
    schema: clinicalSchema,
    store: openSqliteEventLog(join(dir, `${site}.chartlog`)),
  });
const [practice, hospital] = await Promise.all([
  open('practice-a', practiceKeys),
  open('hospital', hospitalKeys),
]);

// The hospital serves sync over HTTP; each peer has its own bearer token.
const server = createServer(
  createSyncHandler(hospital, { peers: { 'token-for-practice-a-0001': 'practice-a' } }),
);
await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
const { port } = server.address() as { port: number };

// The practice records while offline, then syncs when the link is back.
const author = { id: 'gmc-7012345', role: 'gp' };
await practice.record(
  recordAllergy(practice.chart.state(patientStream('ann-jones')), {
    patientId: 'ann-jones',
    code: { text: 'Penicillin' },
    criticality: 'high',
    author,
  }),
);
const client = createHttpSyncClient({ url: `http://127.0.0.1:${port}`, token: 'token-for-practice-a-0001' });
const report = await syncOverHttp(practice, client);
console.log(report.eventsSent, practice.chart.hash() === hospital.chart.hash()); // 1 true

server.close();
await Promise.all([practice.store.close(), hospital.store.close()]);
