/**
 * `chartlog serve|sync --restored-from-backup` and `chartlog recover`, as real child
 * processes on real SQLite files over real HTTP: a site whose store file was put back from
 * a backup records nothing until it has its own events back from its peers, and a restart
 * (even a SIGKILL) cannot clear that.
 */
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createReplica, syncPair, type Replica } from '../../src/index.js';
import {
  clinicalSchema,
  patientStream,
  recordAllergy,
  registerPatient,
  updateAllergy,
} from '../../src/clinical/index.js';
import { readPeersConfig } from '../../src/cli/peersConfig.js';
import { readSiteKeyFile } from '../../src/sync/http/siteKeyFile.js';
import { readAllEvents } from '../../src/store/readEventPages.js';
import { openSqliteEventLog } from '../../src/store/sqlite/index.js';
import { useTempDir } from '../support/tempDir.js';
import { runChartlog, startServe, type ServeProcess } from './runChartlog.js';

const file = useTempDir('restored');
const token = (site: string): string => `token-of-${site}-0123456789`;
const servers: ServeProcess[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop('SIGKILL')));
});
const A = 'practice-a';
const H = 'hospital-d';
let run = 0;

/**
 * practice-a records 5 events, all synced to the hospital; then its store file is put back
 * from a backup holding its first 2. Returns the file names of this setup.
 */
async function restoredSetup() {
  const dir = `run${++run}`;
  const name = (n: string): string => file(`${dir}-${n}`);
  for (const site of [A, H])
    expect((await runChartlog(['keygen', '--out', name(`${site}.key`)])).code).toBe(0);
  writeFileSync(
    name('peers.json'),
    JSON.stringify({
      peers: [A, H].map((site) => ({ site, publicKeyFile: `${dir}-${site}.key.pub`, token: token(site) })),
    }),
  );
  const peers = readPeersConfig(name('peers.json'));
  const open = (site: string, path: string): Promise<Replica> =>
    createReplica({
      site,
      keys: readSiteKeyFile(name(`${site}.key`)),
      keyring: peers.keyring(),
      schema: clinicalSchema,
      store: openSqliteEventLog(path),
    });
  const [a, h] = await Promise.all([open(A, name('original.chartlog')), open(H, name(`${H}.chartlog`))]);
  const pid = 'ann-jones';
  const author = { id: 'dr-a', role: 'gp' };
  await a.record(
    registerPatient(a.chart.state(patientStream(pid)), {
      patientId: pid,
      name: { family: 'Jones', given: ['Ann'] },
      birthDate: '1970-01-01',
      gender: 'female',
      author,
    }),
  );
  await a.record(
    recordAllergy(a.chart.state(patientStream(pid)), {
      patientId: pid,
      allergyId: 'pen',
      code: { text: 'Penicillin' },
      criticality: 'low',
      author,
    }),
  );
  for (const criticality of ['high', 'low', 'high'] as const)
    await a.record(
      updateAllergy(a.chart.state(patientStream(pid)), {
        patientId: pid,
        allergyId: 'pen',
        criticality,
        author,
      }),
    );
  await syncPair(a, h);
  const backup = openSqliteEventLog(name(`${A}.chartlog`));
  await backup.append((await readAllEvents(a.store)).filter((e) => e.seq <= 2));
  await Promise.all([a.store.close(), h.store.close(), backup.close()]);
  const serveA = (...extra: string[]): Promise<ServeProcess> =>
    startServe([
      '--store',
      name(`${A}.chartlog`),
      '--site',
      A,
      '--key',
      name(`${A}.key`),
      '--peers',
      name('peers.json'),
      ...extra,
    ]);
  const common = ['--peers', name('peers.json'), '--json'];
  return { name, serveA, common };
}

/** GET /chartlog/status as the hospital. */
async function statusOf(server: ServeProcess): Promise<{
  status: string;
  vector: Record<string, number>;
  recovery?: { reason: string; waitingFor: string[] };
}> {
  const response = await fetch(`${server.url}/chartlog/status`, {
    headers: { authorization: `Bearer ${token(H)}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as never;
}

/** Resolves with the next stdout line of `server` that satisfies `match`. */
function nextLine(
  server: ServeProcess,
  match: (line: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    let buffer = '';
    const onData = (s: string): void => {
      buffer += s;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (match(parsed)) {
          server.child.stdout?.off('data', onData);
          resolve(parsed);
          return;
        }
      }
    };
    server.child.stdout?.on('data', onData);
  });
}

describe('chartlog serve --restored-from-backup', () => {
  it('reports recovering and records nothing; after SIGKILL it is still recovering without the flag; syncing with the hospital that holds its events makes it ready', async () => {
    const { name, serveA, common } = await restoredSetup();
    const first = await serveA('--restored-from-backup', '--demo-activity', '20');
    servers.push(first);
    expect(await statusOf(first)).toMatchObject({
      status: 'recovering',
      vector: { [A]: 2 },
      recovery: { reason: 'restored-from-backup', waitingFor: [H] },
    });
    const refused = await nextLine(first, (l) => l['recordFailed'] === true);
    expect(refused).toMatchObject({ error: { code: 'REPLICA_RECOVERING' } });
    expect((await statusOf(first)).vector[A]).toBe(2); // the demo recorded nothing

    await first.stop('SIGKILL');
    const second = await serveA(); // no flag
    servers.push(second);
    expect(await statusOf(second)).toMatchObject({
      status: 'recovering',
      recovery: { reason: 'restored-from-backup', waitingFor: [H] },
    });

    // The hospital pushes practice-a's own events back to it.
    const synced = await runChartlog([
      'sync',
      '--store',
      name(`${H}.chartlog`),
      '--site',
      H,
      '--key',
      name(`${H}.key`),
      ...common,
      '--peer',
      second.url,
      '--token',
      token(H),
    ]);
    expect(synced.stderr).toBe('');
    expect(synced.code).toBe(0);
    expect(await statusOf(second)).toMatchObject({ status: 'ready', vector: { [A]: 5 } });
    expect((await statusOf(second)).recovery).toBeUndefined();

    // Ready is kept too: a restart stays ready.
    await second.stop('SIGTERM');
    const third = await serveA();
    servers.push(third);
    expect((await statusOf(third)).status).toBe('ready');
  });
});

describe('chartlog sync --restored-from-backup', () => {
  it('takes its own events back from the peer it syncs with and ends ready; without them it ends recovering, exit 1, and stays so', async () => {
    const { name, common } = await restoredSetup();
    const hospital = await startServe([
      '--store',
      name(`${H}.chartlog`),
      '--site',
      H,
      '--key',
      name(`${H}.key`),
      '--peers',
      name('peers.json'),
    ]);
    servers.push(hospital);
    const syncA = (...extra: string[]) =>
      runChartlog([
        'sync',
        '--store',
        name(`${A}.chartlog`),
        '--site',
        A,
        '--key',
        name(`${A}.key`),
        ...common,
        ...extra,
      ]);
    // A peer that does not answer: the store was marked recovering and stays so.
    const unreachable = await syncA(
      '--restored-from-backup',
      '--peer',
      'http://127.0.0.1:9',
      '--token',
      token(A),
    );
    expect(unreachable.code).toBe(4);
    const stillRecovering = await syncA(
      '--peer',
      'http://127.0.0.1:9',
      '--token',
      token(A),
      '--peer',
      hospital.url,
      '--token',
      token(A),
    );
    expect(stillRecovering.code).toBe(1);
    expect(JSON.parse(stillRecovering.stdout)).toMatchObject({
      status: 'recovering',
      recovery: { reason: 'restored-from-backup', waitingFor: ['http://127.0.0.1:9'] },
      vector: { [A]: 5 },
    });

    const synced = await syncA('--peer', hospital.url, '--token', token(A));
    expect(synced.stderr).toBe('');
    expect(synced.code).toBe(0);
    expect(JSON.parse(synced.stdout)).toMatchObject({ status: 'ready', converged: true, vector: { [A]: 5 } });
  });
});

describe('chartlog recover', () => {
  it("clears a store's recovery by an operator's word, says what it did, and the next serve is ready", async () => {
    const { name, serveA } = await restoredSetup();
    const first = await serveA('--restored-from-backup');
    servers.push(first);
    await first.stop('SIGTERM');

    const recover = (...extra: string[]) =>
      runChartlog([
        'recover',
        '--store',
        name(`${A}.chartlog`),
        '--site',
        A,
        '--key',
        name(`${A}.key`),
        '--peers',
        name('peers.json'),
        ...extra,
      ]);
    const done = await recover();
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(done.stdout).toContain(
      `${A} was recovering: ${A} may hold fewer of its own events than its peers (it was restored from a backup; still to hear from ${H})`,
    );
    expect(done.stdout).toContain(`${A} is ready`);
    const again = await recover('--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ site: A, recovered: false, status: 'ready' });

    const second = await serveA();
    servers.push(second);
    expect((await statusOf(second)).status).toBe('ready');
  });

  it('refuses a store file that does not exist (exit 3) rather than create a ready one', async () => {
    const { name } = await restoredSetup();
    const missing = await runChartlog([
      'recover',
      '--store',
      name('nowhere.chartlog'),
      '--site',
      A,
      '--key',
      name(`${A}.key`),
      '--peers',
      name('peers.json'),
    ]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('STORE_UNAVAILABLE');
  });
});
