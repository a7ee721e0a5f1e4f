import { describe, expect, it } from 'vitest';
import {
  createMemoryEventLog,
  fold,
  verifyEventLog,
  verifyProjection,
  type ChartView,
} from '../../../src/index.js';
import { clinicalSchema } from '../../../src/clinical/index.js';
import { combineStateHashes } from '../../../src/chart/stateHash.js';
import { interleave, makeHistory, STREAMS } from '../../support/storeFixtures.js';

async function projectedMemoryStore() {
  const { events } = makeHistory(6);
  const all = interleave([...events.values()]);
  const log = createMemoryEventLog();
  const projection = await log.openProjection({ schema: clinicalSchema });
  await log.append(all);
  return { log, projection, all };
}

describe('verifyProjection: the persisted projection is exactly the fold of the events', () => {
  it("a store's own projection passes, and its hash is the hash over every stream's fold", async () => {
    const { log, projection, all } = await projectedMemoryStore();
    const progress: number[] = [];
    const report = await verifyProjection(log, projection, { onProgress: (p) => progress.push(p.checked) });
    expect(report).toMatchObject({
      ok: true,
      problemCount: 0,
      events: all.length,
      streams: STREAMS.length,
      hash: combineStateHashes(fold(all, clinicalSchema)),
      projectedHash: projection.hash(),
    });
    expect(progress.at(-1)).toBe(all.length);
  });

  it('a view whose stream hash or replica hash differs from the fold is a projection-mismatch naming the stream, and fails verifyEventLog', async () => {
    const { log, projection } = await projectedMemoryStore();
    const wrong = STREAMS[1];
    const lying: ChartView = {
      ...projection,
      schema: projection.schema,
      size: projection.size,
      state: (s) => projection.state(s),
      stateHash: (s) => (s === wrong ? '0'.repeat(64) : projection.stateHash(s)),
      hash: () => projection.hash(),
      streams: () => projection.streams(),
      conflictStreams: () => projection.conflictStreams(),
    };
    const report = await verifyProjection(log, lying);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'projection-mismatch', stream: wrong }),
    ]);

    const full = await verifyEventLog(log, { projection: lying });
    expect(full).toMatchObject({
      ok: false,
      problemCount: 1,
      projection: { status: 'checked', problemCount: 1 },
    });

    const offHash: ChartView = {
      ...lying,
      stateHash: (s) => projection.stateHash(s),
      hash: () => 'f'.repeat(64),
    };
    expect((await verifyProjection(log, offHash)).problems).toEqual([
      expect.objectContaining({
        kind: 'projection-mismatch',
        message: expect.stringContaining('replica hash'),
      }),
    ]);
  });
});
