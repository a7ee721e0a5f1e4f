import { describe, expect, it } from 'vitest';
import {
  createEventWriter,
  createKeyring,
  createReplica,
  siteId,
  type ChartEvent,
  type HybridClock,
  type Hlc,
} from '../../src/index.js';
import { parseHlc } from '../../src/event/hlc.js';
import { openSqliteEventLog } from '../../src/store/sqlite/sqliteEventLog.js';
import { testSchema } from '../../src/testing/index.js';
import { useTempDir } from '../support/tempDir.js';
import { draft, keysOf, publicKeys } from './fixtures.js';

const NETWORK = ['hospital', 'practice-b'];
const LAST_STAMP = '9999-12-31T23:59:59.999Z-999990' as Hlc;
const SKEW_BOUND_MS = 300_000;
const file = useTempDir('clock-bound');

/** A signed event by practice-b stamped at the end of year 9999 (a broken or hostile clock). */
function farFutureEvent(): ChartEvent {
  const stuck: HybridClock = {
    now: () => LAST_STAMP,
    peek: () => LAST_STAMP,
    observe: () => ({ clock: LAST_STAMP }),
  };
  const writer = createEventWriter({
    site: siteId('practice-b'),
    clock: stuck,
    signing: { privateKey: keysOf('practice-b').privateKey, every: 1 },
  });
  return writer.append(draft('practice-b', 0));
}

/** The hospital's replica on its SQLite file, with the default clock (the wall clock, as `chartlog serve` runs it). */
async function openHospital(path: string) {
  const store = openSqliteEventLog(path);
  return {
    store,
    replica: await createReplica({
      site: 'hospital',
      keys: keysOf('hospital'),
      store,
      schema: testSchema,
      keyring: createKeyring(publicKeys(NETWORK)),
    }),
  };
}

describe('a far-future stamp does not take over the clock', () => {
  it('after ingesting an event stamped 9999-12-31 and a restart, the site stamps its records near now and keeps recording', async () => {
    const path = file('hospital.sqlite');
    const first = await openHospital(path);
    const report = await first.replica.ingest([farFutureEvent()]);
    expect(report).toMatchObject({ accepted: 1, refused: { count: 0 } });
    expect(report.skew).toHaveLength(1);
    await first.store.close();

    const second = await openHospital(path);
    try {
      for (let i = 0; i < 25; i++) {
        const before = Date.now();
        const event = await second.replica.record(draft('hospital', i));
        const { wallMs } = parseHlc(event.hlc);
        expect(wallMs).toBeGreaterThanOrEqual(before);
        expect(wallMs).toBeLessThanOrEqual(Date.now() + SKEW_BOUND_MS + 25);
      }
    } finally {
      await second.store.close();
    }
  });
});
