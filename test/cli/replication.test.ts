import { copyFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
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
import { openSqliteEventLog } from '../../src/store/sqlite/index.js';
import { useTempDir } from '../support/tempDir.js';
import { runChartlog, startServe, type ServeProcess } from './runChartlog.js';

const file = useTempDir('cli');
const token = (site: string): string => `token-of-${site}-0123456789`;
const servers: ServeProcess[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop('SIGKILL')));
});

const author = (site: string) => ({ id: `clinician-${site}`, role: 'gp' });

/** Two sites that recorded concurrent criticalities for one allergy while cut off. */
async function seedStores(): Promise<void> {
  const peers = readPeersConfig(file('peers.json'));
  const open = (site: string): Promise<Replica> =>
    createReplica({
      site,
      keys: readSiteKeyFile(file(`${site}.key`)),
      keyring: peers.keyring(),
      schema: clinicalSchema,
      store: openSqliteEventLog(file(`${site}.chartlog`)),
    });
  const [a, b] = await Promise.all([open('practice-a'), open('hospital-d')]);
  const pid = 'ann-jones';
  await a.record(
    registerPatient(a.chart.state(patientStream(pid)), {
      patientId: pid,
      name: { family: 'Jones', given: ['Ann'] },
      birthDate: '1970-01-01',
      gender: 'female',
      author: author('practice-a'),
    }),
  );
  await a.record(
    recordAllergy(a.chart.state(patientStream(pid)), {
      patientId: pid,
      allergyId: 'pen',
      code: { text: 'Penicillin' },
      criticality: 'low',
      author: author('practice-a'),
    }),
  );
  await syncPair(a, b);
  await a.record(
    updateAllergy(a.chart.state(patientStream(pid)), {
      patientId: pid,
      allergyId: 'pen',
      criticality: 'high',
      author: author('practice-a'),
    }),
  );
  await b.record(
    updateAllergy(b.chart.state(patientStream(pid)), {
      patientId: pid,
      allergyId: 'pen',
      criticality: 'unable-to-assess',
      author: author('hospital-d'),
    }),
  );
  await Promise.all([a.store.close(), b.store.close()]);
}

describe('chartlog keygen, serve, sync, status, verify, conflicts, replay over real HTTP', () => {
  it('a third site syncs with two served sites, relays between them, and every command agrees on the result', async () => {
    const sites = ['practice-a', 'hospital-d', 'practice-c'];
    const keygens = await Promise.all(
      sites.map((s) => runChartlog(['keygen', '--out', file(`${s}.key`), '--json'])),
    );
    for (const k of keygens) expect(k.code).toBe(0);
    expect(JSON.parse(keygens[0]?.stdout ?? '')).toMatchObject({ publicKeyFile: file('practice-a.key.pub') });
    expect((await runChartlog(['keygen', '--out', file('practice-a.key')])).code).toBe(2); // never overwrites a key
    writeFileSync(
      file('peers.json'),
      JSON.stringify(
        { peers: sites.map((site) => ({ site, publicKeyFile: `${site}.key.pub`, token: token(site) })) },
        null,
        2,
      ),
    );
    await seedStores();

    const serve = (site: string): Promise<ServeProcess> =>
      startServe([
        '--store',
        file(`${site}.chartlog`),
        '--site',
        site,
        '--key',
        file(`${site}.key`),
        '--peers',
        file('peers.json'),
      ]);
    const [a, d] = await Promise.all([serve('practice-a'), serve('hospital-d')]);
    servers.push(a, d);

    const synced = await runChartlog([
      'sync',
      '--store',
      file('practice-c.chartlog'),
      '--site',
      'practice-c',
      '--key',
      file('practice-c.key'),
      '--peers',
      file('peers.json'),
      '--peer',
      a.url,
      '--token',
      token('practice-c'),
      '--peer',
      d.url,
      '--token',
      token('practice-c'),
      '--json',
    ]);
    expect(synced.stderr).toBe('');
    expect(synced.code).toBe(0);
    const report = JSON.parse(synced.stdout) as {
      converged: boolean;
      refused: number;
      events: number;
      stateHash: string;
      peers: { site: string; converged: boolean }[];
    };
    expect(report).toMatchObject({ converged: true, refused: 0, events: 4 });
    expect(report.peers.map((p) => [p.site, p.converged])).toEqual([
      ['practice-a', true],
      ['hospital-d', true],
    ]);

    const status = await runChartlog([
      'status',
      '--store',
      file('practice-c.chartlog'),
      '--site',
      'practice-c',
      '--peer',
      a.url,
      '--token',
      token('practice-c'),
      '--json',
    ]);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      events: 4,
      ownSeq: 0,
      conflicts: 1,
      stateHash: report.stateHash,
      vector: { 'practice-a': 3, 'hospital-d': 1 },
      peers: [{ site: 'practice-a', theyLack: 0, weLack: 0, stateHash: report.stateHash }],
    });

    // status read the projection sync's replica kept; a replay from the events agrees.
    const replayC = await runChartlog(['replay', '--store', file('practice-c.chartlog'), '--json']);
    expect(replayC.code).toBe(0);
    expect(JSON.parse(replayC.stdout)).toMatchObject({ events: 4, stateHash: report.stateHash });

    // The README's promise: status prints our state hash and each peer's.
    const shown = await runChartlog([
      'status',
      '--store',
      file('practice-c.chartlog'),
      '--peer',
      a.url,
      '--token',
      token('practice-c'),
    ]);
    expect(shown.stdout).toContain(`state hash ${report.stateHash}\n`);
    expect(shown.stdout).toContain(
      `peer       practice-a (${a.url}): they lack 0, we lack 0 (in sync)\n           state hash ${report.stateHash}\n`,
    );

    const human = await runChartlog([
      'status',
      '--store',
      file('practice-c.chartlog'),
      '--peer',
      d.url,
      '--token',
      'not-a-token-anyone-has',
    ]);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain('UNREACHABLE SYNC_UNAUTHORIZED');

    const verified = await runChartlog([
      'verify',
      '--store',
      file('practice-c.chartlog'),
      '--keys',
      file('peers.json'),
      '--json',
    ]);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({
      ok: true,
      events: 4,
      sites: [{ site: expect.any(String) }, { site: expect.any(String) }],
      signatures: { unchecked: 0 },
    });

    const conflicts = await runChartlog(['conflicts', '--store', file('practice-c.chartlog'), '--json']);
    expect(conflicts.code).toBe(0);
    const queue = JSON.parse(conflicts.stdout) as {
      count: number;
      conflicts: {
        resource: string;
        field: string;
        writes: { value: unknown; site: string; author: { id: string } }[];
      }[];
    };
    expect(queue.count).toBe(1);
    expect(queue.conflicts[0]).toMatchObject({ resource: 'AllergyIntolerance/pen', field: 'criticality' });
    expect(queue.conflicts[0]?.writes.map((w) => [w.value, w.site, w.author.id]).sort()).toEqual([
      ['high', 'practice-a', 'clinician-practice-a'],
      ['unable-to-assess', 'hospital-d', 'clinician-hospital-d'],
    ]);
    const listed = await runChartlog(['conflicts', '--store', file('practice-c.chartlog')]);
    expect(listed.stdout).toContain('"unable-to-assess"  by clinician-hospital-d (gp) at hospital-d');

    // Replay rebuilds the projection in the store file: not while serve writes it.
    const held = await runChartlog(['replay', '--store', file('practice-a.chartlog'), '--json']);
    expect(held.code).toBe(3);
    expect(JSON.parse(held.stdout)).toMatchObject({ ok: false, error: { code: 'STORE_LOCKED' } });

    // SIGTERM: the server finishes, closes its store and exits 0.
    const stopped = await a.stop('SIGTERM');
    expect(stopped.code).toBe(0);

    // The served store's replay agrees with the client's.
    const replayA = await runChartlog(['replay', '--store', file('practice-a.chartlog'), '--json']);
    expect(replayA.code).toBe(0);
    expect(JSON.parse(replayA.stdout)).toMatchObject({ events: 4, stateHash: report.stateHash });
    expect(replayA.stderr).toContain('replay rebuild: 100% (4/4 events'); // not a TTY: plain progress lines
  });

  it('verify exits 1 and names the site and seq of a row whose bytes were changed (on a copy of the store synced above)', async () => {
    copyFileSync(file('practice-c.chartlog'), file('damaged.chartlog'));
    const db = new Database(file('damaged.chartlog'));
    db.prepare(
      "UPDATE events SET body = replace(body, 'Penicillin', 'Penicillim') WHERE site = 'practice-a' AND seq = 2",
    ).run();
    db.close();
    const run = await runChartlog([
      'verify',
      '--store',
      file('damaged.chartlog'),
      '--keys',
      file('peers.json'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^DAMAGED: /);
    expect(run.stdout).toContain('practice-a#2');
  });
});
