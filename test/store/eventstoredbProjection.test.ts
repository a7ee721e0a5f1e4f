/**
 * The eventstoredb store's projection: a read model in a local SQLite file (or memory),
 * fed from `$all` with its checkpoint in the same local transaction. Through the real
 * client and real gRPC against the in-process server (test/support/esdb), and against a
 * real EventStoreDB/KurrentDB node when `CHARTLOG_ESDB_URL` is set.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isChartlogError, type ChartlogError } from '../../src/error/chartlogError.js';
import { defineSchema, fold, type ChartEvent } from '../../src/index.js';
import { combineStateHashes } from '../../src/chart/stateHash.js';
import { createEventStoreDbEventLog, type EventStoreDbEventLog } from '../../src/store/eventstoredb/index.js';
import { openSqliteEventLog } from '../../src/store/sqlite/index.js';
import type { ProjectionProgress, StoreProjection } from '../../src/store/storeProjection.js';
import { propertyParameters, scenarioArbitrary, type Scenario } from '../../src/testing/index.js';
import { startEsdbTestServer, type EsdbTestServer } from '../support/esdb/esdbTestServer.js';
import { interleavedBatches } from '../support/storeArrivals.js';
import { caughtError } from '../support/caughtError.js';
import { expectIndexIsScan } from '../support/expectViewIsFold.js';
import { hashCanonical } from '../../src/event/eventHash.js';
import { PROJECTION_TABLES_SQL } from '../../src/store/sqlite/sqliteSchema.js';
import { waitFor } from '../support/waitFor.js';
import { useTempDir } from '../support/tempDir.js';
import { REAL_ESDB_URL, realServerSuite } from '../support/esdb/realServer.js';

const file = useTempDir('esdb-projection');
const run = Date.now().toString(36);
let n = 0;

function expectFold(projection: StoreProjection, events: readonly ChartEvent[], s: Scenario): void {
  const expected = fold(events, s.schema);
  for (const [stream, state] of expected) expect(projection.state(stream)).toEqual(state);
  expect(projection.hash()).toBe(combineStateHashes(expected));
  expect(projection.streams()).toEqual([...expected.keys()].sort());
  expectIndexIsScan(projection, expected, 'eventstoredb projection');
}

const scenario = (seed: number): Scenario =>
  fc.sample(scenarioArbitrary({ streams: 2, minSteps: 20 }), { seed, numRuns: 1 })[0] as Scenario;

function describeProjection(label: string, connectionString: () => string): void {
  describe(`the eventstoredb store’s projection (${label})`, () => {
    const open: { close(): Promise<unknown> }[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((o) => o.close().catch(() => undefined)));
    });
    async function store(prefix: string, projectionFile?: string): Promise<EventStoreDbEventLog> {
      const log = await createEventStoreDbEventLog({
        connectionString: connectionString(),
        prefix,
        ...(projectionFile ? { projectionFile } : {}),
      });
      open.push(log);
      return log;
    }
    const prefix = (): string => `p${run}_${++n}`;

    it('equals the pure fold of the events after every append, in any arrival order (late events, retractions), and after reopening the file', async () => {
      await fc.assert(
        fc.asyncProperty(
          scenarioArbitrary({ streams: 2 }),
          fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
          fc.boolean(),
          async (s, cuts, inMemory) => {
            const p = prefix();
            const path = inMemory ? undefined : file(`${p}.projection`);
            const log = await store(p, path);
            const projection = await log.openProjection({ schema: s.schema });
            const stored: ChartEvent[] = [];
            for (const batch of interleavedBatches(s.events, cuts)) {
              await log.append(batch);
              stored.push(...batch);
              // Read-your-writes: the append resolved, so the projection shows it.
              expectFold(projection, stored, s);
            }
            await log.close();
            const again = await store(p, path);
            const reread = await again.openProjection({ schema: s.schema });
            expect(reread.opening.action).toBe(inMemory ? 'rebuilt' : 'current');
            expectFold(reread, s.events, s);
            await again.close();
          },
        ),
        propertyParameters({ label: 'eventstoredb projection vs fold', runs: 8 }),
      );
    });

    it('keeps its checkpoint across a close: a reopen catches up only with the events stored since', async () => {
      const s = scenario(1);
      const half = Math.floor(s.events.length / 2);
      const [first, second] = [
        interleavedBatches(s.events, [1]).flat().slice(0, half),
        interleavedBatches(s.events, [1]).flat().slice(half),
      ];
      const p = prefix();
      const path = file(`${p}.projection`);
      const log = await store(p, path);
      await (await log.openProjection({ schema: s.schema })).hash();
      await log.append(first);
      await log.close();
      // Stored while no projection was open: the next open folds exactly these.
      const plain = await store(p);
      await plain.append(second);
      const checkpoint = new Database(path, { readonly: true })
        .prepare("SELECT value FROM projection_meta WHERE key = 'checkpoint'")
        .pluck()
        .get() as string;
      expect(checkpoint).toMatch(/^esdb:\d+:\d+$/);
      const progress: ProjectionProgress[] = [];
      const again = await store(p, path);
      const reread = await again.openProjection({ schema: s.schema, onProgress: (x) => progress.push(x) });
      expect(reread.opening).toMatchObject({ action: 'caught-up', events: second.length });
      expect(progress.at(-1)).toMatchObject({ phase: 'catch-up', done: second.length });
      expectFold(reread, s.events, s);
    });

    it('a projection file written before the resource-key index gets the index on open and keeps its rows', async () => {
      const s = scenario(3);
      const p = prefix();
      const path = file(`${p}.projection`);
      const log = await store(p, path);
      await log.openProjection({ schema: s.schema });
      await log.append(s.events);
      await log.close();
      // The file as the previous chartlog wrote it: the same tables, no index, its layout named by those tables alone.
      const old = new Database(path);
      old.exec('DROP INDEX projection_resources_resource');
      old
        .prepare("UPDATE local_meta SET value = ? WHERE key = 'layout'")
        .run(hashCanonical(PROJECTION_TABLES_SQL));
      old.close();
      const again = await store(p, path);
      const reread = await again.openProjection({ schema: s.schema });
      expect(reread.opening.action).toBe('current');
      expectFold(reread, s.events, s);
      const db = new Database(path, { readonly: true });
      expect(
        db
          .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'projection_resources_resource'",
          )
          .pluck()
          .get(),
      ).toBe('projection_resources_resource');
      db.close();
    });

    it('folds the events a second store instance on the same database appends, each once', async () => {
      const s = scenario(2);
      const batches = interleavedBatches(s.events, [2, 0, 3]);
      const p = prefix();
      const log = await store(p, file(`${p}.projection`));
      const other = await store(p);
      const projection = await log.openProjection({ schema: s.schema });
      const stored: ChartEvent[] = [];
      // Alternate writers: this store's appends and the other's, which only the subscription reports.
      for (const [i, batch] of batches.entries()) {
        await (i % 2 === 0 ? other : log).append(batch);
        stored.push(...batch);
      }
      await waitFor(
        () => projection.size === s.events.length,
        'the projection to fold the other instance’s events',
      );
      expectFold(projection, s.events, s);
    });

    it('is rebuilt, with progress, when opened with another schema', async () => {
      const s = scenario(3);
      const p = prefix();
      const path = file(`${p}.projection`);
      const log = await store(p, path);
      await log.openProjection({ schema: s.schema });
      await log.append(interleavedBatches(s.events, [3]).flat());
      await log.close();
      const changed = defineSchema({ ...s.schema.definition, revision: 'changed-field-checks' });
      const progress: ProjectionProgress[] = [];
      const again = await store(p, path);
      const reread = await again.openProjection({ schema: changed, onProgress: (x) => progress.push(x) });
      expect(reread.opening).toMatchObject({ action: 'rebuilt', events: s.events.length });
      expect(progress.at(-1)).toMatchObject({
        phase: 'rebuild',
        done: s.events.length,
        total: s.events.length,
      });
      expectFold(reread, s.events, { ...s, schema: changed });
      // And an explicit rebuild folds the same.
      expect(await reread.rebuild()).toMatchObject({ events: s.events.length });
      expectFold(reread, s.events, { ...s, schema: changed });
    });

    it('refuses a file that is not a projection file, or is another store’s, and leaves it as it was', async () => {
      const p = prefix();
      const notSqlite = file(`${p}.txt`);
      writeFileSync(notSqlite, 'clinical notes, not a database\n'.repeat(20));
      const sqliteStore = file(`${p}.chartlog`);
      await openSqliteEventLog(sqliteStore).close();
      const s = scenario(4);
      const before = [readFileSync(notSqlite), readFileSync(sqliteStore)];
      for (const path of [notSqlite, sqliteStore]) {
        const log = await store(p, path);
        const error = await caughtError(log.openProjection({ schema: s.schema }));
        expect(error.code).toBe('STORE_INCOMPATIBLE');
        expect('path' in error.details && error.details.path).toBe(path);
        expect(error.message).toContain('projectionFile');
      }
      expect([readFileSync(notSqlite), readFileSync(sqliteStore)]).toEqual(before);
      const ours = file(`${p}.projection`);
      await (await store(p, ours)).openProjection({ schema: s.schema });
      await Promise.all(open.splice(0).map((o) => o.close()));
      const error = await caughtError((await store(`${p}x`, ours)).openProjection({ schema: s.schema }));
      expect(error.code).toBe('STORE_INCOMPATIBLE');
      expect(error.message).toContain(`prefix "${p}"`);
    });

    it('reports a projection row that fails its hash check as STORE_CORRUPT with the file and a hint, and rebuild() mends it', async () => {
      const s = scenario(5);
      const p = prefix();
      const path = file(`${p}.projection`);
      const log = await store(p, path);
      await log.openProjection({ schema: s.schema });
      await log.append(interleavedBatches(s.events, [1]).flat());
      await log.close();
      const db = new Database(path);
      const damaged = db.prepare('SELECT stream FROM projection_resources LIMIT 1').pluck().get() as string;
      db.prepare('UPDATE projection_resources SET body = ? WHERE stream = ?').run(
        '{"tampered":true}',
        damaged,
      );
      db.close();
      const again = await store(p, path);
      const reread = await again.openProjection({ schema: s.schema });
      let caught: unknown;
      try {
        // Each row is checked when its resource is first read.
        const state = reread.state(damaged as never);
        for (const key of Object.keys(state?.resources ?? {})) void state?.resources[key];
      } catch (e) {
        caught = e;
      }
      expect(isChartlogError(caught) && caught.code).toBe('STORE_CORRUPT');
      expect(isChartlogError(caught, 'STORE_CORRUPT') && caught.details.path).toBe(path);
      expect((caught as ChartlogError).message).toContain('rebuild()');
      await reread.rebuild();
      expectFold(reread, s.events, s);
    });

    it('lets one process at a time fold into a file', async () => {
      const s = scenario(6);
      const p = prefix();
      const path = file(`${p}.projection`);
      await (await store(p, path)).openProjection({ schema: s.schema });
      const error = await caughtError((await store(p, path)).openProjection({ schema: s.schema }));
      expect(error.code).toBe('STORE_LOCKED');
    });
  });
}

let server: EsdbTestServer;
beforeAll(async () => {
  server = await startEsdbTestServer();
});
afterAll(async () => {
  await server.stop();
});
describeProjection('in-process gRPC server', () => server.connectionString);

describe.skipIf(REAL_ESDB_URL === '')(realServerSuite('the projection suite'), () => {
  describeProjection('real server', () => REAL_ESDB_URL);
});
