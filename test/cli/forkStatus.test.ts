/**
 * An operator sees quarantined forks where they look first: `chartlog status` (a real child
 * process reading a real SQLite file, after the replica that found the fork has closed it)
 * and a running server's `GET /chartlog/status`.
 */
import { describe, expect, it } from 'vitest';
import { openSqliteEventLog } from '../../src/store/sqlite/index.js';
import { createHttpSyncClient } from '../../src/sync/http/index.js';
import { useTempDir } from '../support/tempDir.js';
import { allEvents, openSite, recordMany } from '../replica/fixtures.js';
import { serveReplica, tokenOf, useServers } from '../sync/http/httpHarness.js';
import { runChartlog } from './runChartlog.js';

const NETWORK = ['practice-b', 'hospital'];
const file = useTempDir('fork-status');

/** The hospital, on a SQLite file, holding practice-b's history and offered a second one signed by the same key. */
async function hospitalWithAFork(path: string) {
  const origin = await openSite('practice-b', { network: NETWORK });
  await recordMany(origin, 3);
  await origin.signHead();
  const forked = await openSite('practice-b', { network: NETWORK, seed: 99 });
  await recordMany(forked, 2);
  await forked.signHead();
  const store = openSqliteEventLog(path);
  const hospital = await openSite('hospital', { network: NETWORK, store });
  await hospital.ingest(await allEvents(origin));
  await hospital.ingest(await allEvents(forked));
  expect(hospital.forks()).toHaveLength(1);
  return { hospital, store };
}

describe('quarantined forks in status', () => {
  const serve = useServers();

  it('chartlog status lists the forks a replica quarantined before it closed the store, in text and --json', async () => {
    const path = file('hospital.chartlog');
    const { hospital, store } = await hospitalWithAFork(path);
    const [fork] = hospital.forks();
    await store.close();
    // The CLI reads the clinical projection; this replica folded with the test schema.
    expect((await runChartlog(['replay', '--store', path])).code).toBe(0);

    const text = await runChartlog(['status', '--store', path]);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('forks      1 quarantined');
    expect(text.stdout).toContain(`practice-b seq 1: held ${fork?.heldHash?.slice(0, 12)}`);

    const json = await runChartlog(['status', '--store', path, '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      forks: {
        count: 1,
        examples: [
          {
            site: 'practice-b',
            seq: 1,
            heldHash: fork?.heldHash,
            offeredHash: fork?.offeredHash,
            detectedAt: fork?.detectedAt,
          },
        ],
      },
    });
  }, 30_000);

  it('GET /chartlog/status gives the number of forks and the first few, and chartlog status --peer shows them', async () => {
    const { hospital, store } = await hospitalWithAFork(file('served.chartlog'));
    try {
      const { url } = await serveReplica(serve, hospital, ['practice-b']);
      const status = await createHttpSyncClient({ url, token: tokenOf('practice-b'), retries: 0 }).status();
      expect(status.forks).toMatchObject({
        count: 1,
        examples: [{ site: 'practice-b', seq: 1, offeredHash: hospital.forks()[0]?.offeredHash }],
      });
      expect(JSON.stringify(status)).not.toContain('"offered"');

      const local = openSqliteEventLog(file('practice-b.chartlog'));
      await local.close();
      const shown = await runChartlog([
        'status',
        '--store',
        file('practice-b.chartlog'),
        '--peer',
        url,
        '--token',
        tokenOf('practice-b'),
      ]);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain('FORKS quarantined there: 1 (practice-b seq 1)');
    } finally {
      await store.close();
    }
  }, 30_000);
});
