import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fold,
  isChartlogError,
  prepareWrite,
  siteId,
  stateHash,
  streamId,
  type ChartEvent,
} from '../../src/index.js';
import { combineStateHashes } from '../../src/chart/stateHash.js';
import { openSqliteEventLog } from '../../src/store/sqlite/index.js';
import {
  propertyParameters,
  scenarioArbitrary,
  testSchema,
  TEST_EVENT_TYPE,
} from '../../src/testing/index.js';
import { makeWriter } from '../support/storeFixtures.js';
import { interleavedBatches } from '../support/storeArrivals.js';
import { useTempDir } from '../support/tempDir.js';

const file = useTempDir('projection');
let n = 0;

describe('the SQLite store’s persisted projection', () => {
  it('equals the pure fold of the events stored, after appends in any order, and after reopening', async () => {
    await fc.assert(
      fc.asyncProperty(
        scenarioArbitrary({ streams: 2 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
        async (s, cuts) => {
          const path = file(`p${n++}.chartlog`);
          const store = openSqliteEventLog(path, { synchronous: 'normal' });
          const projection = await store.openProjection({ schema: s.schema });
          for (const batch of interleavedBatches(s.events, cuts)) await store.append(batch);
          const expected = fold(s.events, s.schema);
          for (const [stream, state] of expected) expect(projection.state(stream)).toEqual(state);
          expect(projection.hash()).toBe(combineStateHashes(expected));
          await store.close();
          const again = openSqliteEventLog(path, { readOnly: true });
          const reread = await again.openProjection({ schema: s.schema });
          expect(reread.opening.action).toBe('current');
          for (const [stream, state] of expected) expect(reread.state(stream)).toEqual(state);
          expect(reread.hash()).toBe(combineStateHashes(expected));
          await again.close();
        },
      ),
      propertyParameters({ label: 'sqlite projection vs fold', runs: 30 }),
    );
  });

  it('a damaged projection row reads as STORE_CORRUPT naming the file and the stream, never as a wrong state', async () => {
    const path = file('damaged.chartlog');
    const damaged = streamId('patient/p1');
    const intact = streamId('patient/p2');
    const writer = makeWriter(siteId('site-a'));
    const author = { id: 'gp-1', role: 'gp' };
    const events = [damaged, intact].map((stream) =>
      writer.append(
        prepareWrite(testSchema, undefined, {
          stream,
          type: TEST_EVENT_TYPE,
          author,
          writes: { 'Item/r1': { lww: `needle-of-${stream.slice(-2)}` } },
        }),
      ),
    );
    const store = openSqliteEventLog(path);
    await store.openProjection({ schema: testSchema });
    await store.append(events);
    await store.close();

    // Flip one byte of the projection's body of patient/p1 in the file itself (the event's own body is written differently).
    const db = new Database(path, { readonly: true });
    const body = db
      .prepare<[string], string>('SELECT body FROM projection_resources WHERE stream = ?')
      .pluck()
      .get(damaged) as string;
    db.close();
    const bytes = readFileSync(path);
    const at = bytes.indexOf(body);
    expect(at, 'the body is in the main file').toBeGreaterThanOrEqual(0);
    expect(bytes.indexOf(body, at + 1), 'once').toBe(-1);
    const flip = at + body.indexOf('needle') + 1;
    bytes[flip] = (bytes[flip] as number) ^ 0x01;
    writeFileSync(path, bytes);

    const reopened = openSqliteEventLog(path);
    try {
      const projection = await reopened.openProjection({ schema: testSchema });
      expect(projection.opening.action).toBe('current');
      let caught: unknown;
      try {
        // The state lists the resource; its row is checked when the resource is first read.
        caught = projection.state(damaged)?.resources['Item/r1'];
      } catch (e) {
        caught = e;
      }
      expect(
        isChartlogError(caught) && caught.code,
        `reading ${damaged} gave ${JSON.stringify(caught)}`,
      ).toBe('STORE_CORRUPT');
      if (!isChartlogError(caught)) throw caught;
      expect(caught.details).toMatchObject({ path, stream: damaged });
      expect(caught.message).toContain(path);
      expect(caught.message).toContain(damaged);
      // The other stream still reads, and equals its fold.
      const expected = fold(events, testSchema);
      expect(projection.state(intact)).toEqual(expected.get(intact));
      expect(projection.stateHash(intact)).toBe(
        stateHash(expected.get(intact) as NonNullable<ReturnType<typeof expected.get>>),
      );
      // A rebuild folds it afresh from the events.
      await projection.rebuild();
      expect(projection.state(damaged)).toEqual(expected.get(damaged));
      expect(projection.hash()).toBe(combineStateHashes(expected));
    } finally {
      await reopened.close();
    }
  });
});

describe('a read-only projection beside the writer', () => {
  it('shows what the writer appends after it opened (the file changed: its cache is dropped), and refuses reads after close', async () => {
    const s = fc.sample(scenarioArbitrary({ streams: 2, minSteps: 12 }), {
      numRuns: 1,
      seed: 7,
    })[0] as unknown as { events: ChartEvent[]; schema: Parameters<typeof fold>[1] };
    const path = file('reader.chartlog');
    const writer = openSqliteEventLog(path, { synchronous: 'normal' });
    await writer.openProjection({ schema: s.schema });
    const bySeq = [...s.events].sort((a, b) => a.seq - b.seq || (a.site < b.site ? -1 : 1));
    const half = bySeq.filter((e) => e.seq <= 2);
    await writer.append(half);
    const reader = openSqliteEventLog(path, { readOnly: true });
    const view = await reader.openProjection({ schema: s.schema });
    expect(view.hash()).toBe(combineStateHashes(fold(half, s.schema)));
    for (const stream of view.streams()) view.state(stream); // cached now
    await writer.append(bySeq.filter((e) => e.seq > 2));
    const all = fold(s.events, s.schema);
    expect(view.hash()).toBe(combineStateHashes(all));
    for (const [stream, state] of all) expect(view.state(stream)).toEqual(state);
    await reader.close();
    expect(() => view.hash()).toThrow(expect.objectContaining({ code: 'STORE_CLOSED' }));
    await writer.close();
  });
});
