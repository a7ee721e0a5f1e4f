/**
 * A recovering replica says why over its status endpoint, and `chartlog status --peer`
 * shows it: the reason, its own seq, and the peers it still waits for.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryEventLog } from '../../../src/index.js';
import { openSqliteEventLog } from '../../../src/store/sqlite/index.js';
import { createHttpSyncClient } from '../../../src/sync/http/index.js';
import { runChartlog } from '../../cli/runChartlog.js';
import { useTempDir } from '../../support/tempDir.js';
import { openSite, recordMany } from '../../replica/fixtures.js';
import { serveReplica, tokenOf, useServers } from './httpHarness.js';

const NETWORK = ['practice-a', 'hospital', 'practice-c'];

describe('the status of a recovering replica', () => {
  const serve = useServers();
  const file = useTempDir('recovery-status');

  it('names the reason and the peers it waits for, over HTTP and in chartlog status', async () => {
    const original = await openSite('practice-a', { network: NETWORK });
    await recordMany(original, 3);
    const backup = createMemoryEventLog();
    await backup.append(await original.store.readSite(original.site, 1, 3));
    const restored = await openSite('practice-a', {
      network: NETWORK,
      store: backup,
      restoredFromBackup: true,
    });
    const { url } = await serveReplica(serve, restored, ['hospital']);

    const status = await createHttpSyncClient({ url, token: tokenOf('hospital'), retries: 0 }).status();
    expect(status).toMatchObject({
      status: 'recovering',
      recovery: {
        reason: 'restored-from-backup',
        shownOwnSeq: 0,
        heldOwnSeq: 3,
        waitingFor: ['hospital', 'practice-c'],
      },
    });

    const local = openSqliteEventLog(file('hospital.chartlog'));
    await local.close();
    const shown = await runChartlog([
      'status',
      '--store',
      file('hospital.chartlog'),
      '--peer',
      url,
      '--token',
      tokenOf('hospital'),
    ]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(
      'RECOVERING, not recording: restored-from-backup, holds its own events to seq 3 (peers showed 0), waiting for hospital, practice-c',
    );
    const json = await runChartlog([
      'status',
      '--store',
      file('hospital.chartlog'),
      '--peer',
      url,
      '--token',
      tokenOf('hospital'),
      '--json',
    ]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      peers: [
        {
          site: 'practice-a',
          status: 'recovering',
          recovery: { reason: 'restored-from-backup', waitingFor: ['hospital', 'practice-c'] },
        },
      ],
    });
  }, 30_000);
});
