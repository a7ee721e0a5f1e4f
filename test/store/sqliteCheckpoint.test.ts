import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ChartEvent } from '../../src/event/chartEvent.js';
import type { EventWriter } from '../../src/event/eventWriter.js';
import { IDLE_CHECKPOINT_DELAY_MS, INLINE_CHECKPOINT_BYTES } from '../../src/store/sqlite/idleCheckpoints.js';
import { openSqliteProjectionFile } from '../../src/store/sqlite/openSqliteProjectionFile.js';
import { openSqliteEventLog, type SqliteEventLog } from '../../src/store/sqlite/sqliteEventLog.js';
import { makeWriter, SITES, STREAMS } from '../support/storeFixtures.js';
import { useTempDir } from '../support/tempDir.js';

const file = useTempDir('sqlite-checkpoint');
let n = 0;
const fresh = (): string => file(`c-${++n}.chartlog`);
const [A] = SITES as [(typeof SITES)[0]];

/** Events of about 40 KB each: ten or so WAL pages apiece. */
function bulkyEvents(count: number, writer = makeWriter(A)): ChartEvent[] {
  return Array.from({ length: count }, (_, i) =>
    writer.append({
      stream: STREAMS[i % STREAMS.length] as (typeof STREAMS)[number],
      type: 'observation.recorded',
      data: { [`Observation/bulky-${writer.head.seq + 1}`]: { note: `${i} ${'x'.repeat(40_000)}` } },
      author: { id: 'gmc-1' },
    }),
  );
}

/** The main database file's size: a checkpoint is what copies pages from the WAL into it. */
const mainFileBytes = (path: string): number => statSync(path).size;
/** Long enough for the idle checkpoint to have run. */
const idle = (): Promise<void> => new Promise((done) => setTimeout(done, 3 * IDLE_CHECKPOINT_DELAY_MS));

/** A new store holding one event, its WAL checkpointed: the main file's size to compare with. */
async function settledStore(): Promise<{
  path: string;
  log: SqliteEventLog;
  writer: EventWriter;
  before: number;
}> {
  const path = fresh();
  const log = openSqliteEventLog(path);
  const writer = makeWriter(A);
  await log.append(bulkyEvents(1, writer));
  await idle();
  return { path, log, writer, before: mainFileBytes(path) };
}

describe('SQLite event log: WAL checkpoints run outside appends', () => {
  it('appends back to back never checkpoint inside an append; the next idle moment does', async () => {
    const { path, log, writer, before } = await settledStore();
    try {
      // 200 appends of ~40 KB: well past the 1,000 WAL pages at which SQLite's automatic
      // checkpoint would copy them back inside whichever commit crossed the line.
      for (const event of bulkyEvents(200, writer)) await log.append([event]);
      expect(mainFileBytes(path)).toBe(before);
      await idle();
      expect(mainFileBytes(path)).toBeGreaterThan(before + 200 * 40_000);
      expect(await log.count()).toBe(201);
    } finally {
      await log.close();
    }
  });

  it('a WAL grown past the bound with no idle moment is checkpointed inline, so it stays bounded', async () => {
    const { path, log, writer, before } = await settledStore();
    try {
      // One transaction of about 48 MB, past the bound (INLINE_CHECKPOINT_BYTES, 40 MiB):
      // SQLite checkpoints inside its commit, before any idle moment.
      expect(1_200 * 40_000).toBeGreaterThan(INLINE_CHECKPOINT_BYTES);
      await log.append(bulkyEvents(1_200, writer));
      expect(mainFileBytes(path)).toBeGreaterThan(before + 1_200 * 40_000);
    } finally {
      await log.close();
    }
  });
});

describe('the EventStoreDB adapter’s local projection file: WAL checkpoints run outside its transactions', () => {
  it('transactions back to back never checkpoint inside one; the next idle moment does', async () => {
    const path = fresh();
    const projection = openSqliteProjectionFile(path, 'chartlog-test');
    try {
      projection.transact(() => projection.tables.setMeta('settled', 'x'));
      await idle();
      const before = mainFileBytes(path);
      // 200 transactions of ~40 KB each: past the 1,000 WAL pages of SQLite's automatic checkpoint.
      for (let i = 0; i < 200; i++)
        projection.transact(() => projection.tables.setMeta(`bulky-${i}`, `${i} ${'x'.repeat(40_000)}`));
      expect(mainFileBytes(path)).toBe(before);
      await idle();
      expect(mainFileBytes(path)).toBeGreaterThan(before + 200 * 40_000);
      expect(projection.tables.meta('bulky-199')?.length).toBe(40_004);
    } finally {
      projection.close();
    }
  });
});
