import { describe, expect, it } from 'vitest';
import { createKeyring, createReplica, generateSiteKeys } from '../../src/index.js';
import { clinicalSchema, patientStream, registerPatient } from '../../src/clinical/index.js';
import { openSqliteEventLog } from '../../src/store/sqlite/index.js';
import { useTempDir } from '../support/tempDir.js';
import { runChartlog } from './runChartlog.js';

const file = useTempDir('small-store');

/** A store holding one event, recorded by one site. */
async function oneEventStore(): Promise<string> {
  const path = file('one.chartlog');
  const keys = generateSiteKeys();
  const replica = await createReplica({
    site: 'practice-a',
    keys,
    keyring: createKeyring({ 'practice-a': keys.publicKey }),
    schema: clinicalSchema,
    store: openSqliteEventLog(path),
  });
  await replica.record(
    registerPatient(replica.chart.state(patientStream('p1')), {
      patientId: 'p1',
      name: { family: 'Jones', given: ['Ann'] },
      birthDate: '1970-01-01',
      gender: 'female',
      author: { id: 'gp-1', role: 'gp' },
    }),
  );
  await replica.store.close();
  return path;
}

describe('what the CLI prints about a small store', () => {
  it('counts in the singular when there is one (1 event from 1 site, 1 own event, 1 record)', async () => {
    const store = await oneEventStore();
    const status = await runChartlog(['status', '--store', store, '--site', 'practice-a']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`${store}: 1 event from 1 site\n`);
    expect(status.stdout).toContain('practice-a: 1 own event\n');
    const verify = await runChartlog(['verify', '--store', store]);
    expect(verify.stdout).toContain(
      'ok: 1 event from 1 site; 0 signatures verified, 0 unchecked (no --keys given)\n  projection: 1 record folded',
    );
    const replay = await runChartlog(['replay', '--store', store]);
    expect(replay.stdout).toContain('events      1 in 1 record\n');
  });

  it('status --json lists the sites as an array of {site, events}, as demo --json does', async () => {
    const store = file('one.chartlog');
    const status = await runChartlog(['status', '--store', store, '--json']);
    const report = JSON.parse(status.stdout) as { sites: unknown; vector: unknown; events: number };
    expect(report).toMatchObject({
      events: 1,
      vector: { 'practice-a': 1 },
      sites: [{ site: 'practice-a', events: 1 }],
    });
  });

  it('verify --json lists the sites as an array of {site, events}, as status --json and demo --json do', async () => {
    const store = file('one.chartlog');
    const verify = await runChartlog(['verify', '--store', store, '--json']);
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({
      ok: true,
      events: 1,
      sites: [{ site: 'practice-a', events: 1 }],
    });
  });

  it('durations in JSON are seconds rounded to the millisecond', async () => {
    const store = file('one.chartlog');
    const replay = await runChartlog(['replay', '--store', store, '--json']);
    expect(replay.code).toBe(0);
    const { seconds } = JSON.parse(replay.stdout) as { seconds: number };
    expect(typeof seconds).toBe('number');
    expect(String(seconds)).toMatch(/^\d+(\.\d{1,3})?$/);
  });
});
