/**
 * The SQLite projection's rebuild with worker threads (`workers`): the same rows, replica
 * hash and conflicts as the rebuild in the store's own thread and as the pure fold, across
 * schemas (a custom rule's among them, loaded by each worker from `schemaModule`); and a
 * worker that fails ends the rebuild with a typed error and leaves the projection stale,
 * never half-written and current. Real SQLite files and real worker threads.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepareWrite, siteId, streamId, type ChartEvent, type Schema } from '../../src/index.js';
import { openSqliteEventLog } from '../../src/store/sqlite/index.js';
import {
  propertyParameters,
  scenarioArbitrary,
  testSchema,
  TEST_EVENT_TYPE,
} from '../../src/testing/index.js';
import { trailSchema } from '../support/arrivalOrderRule.js';
import { caughtError } from '../support/caughtError.js';
import { expectViewIsFold } from '../support/expectViewIsFold.js';
import { makeWriter } from '../support/storeFixtures.js';
import { useTempDir } from '../support/tempDir.js';
import { POISON, swappedSchema } from './fixtures/rebuildSchemas.js';

const file = useTempDir('parallel-rebuild');
let files = 0;
/** The module the workers import the schemas from (the same definitions as the ones imported here). */
const SCHEMA_MODULE = new URL('./fixtures/rebuildSchemas.ts', import.meta.url);

const SCHEMAS: readonly { readonly name: string; readonly schema: Schema }[] = [
  { name: 'testSchema', schema: testSchema },
  // A custom rule that claims no law: the fold must apply its writes in total order.
  { name: 'trailSchema', schema: trailSchema },
  { name: 'swappedSchema', schema: swappedSchema },
];

/** Every row of the projection's three tables, in key order. */
function projectionRows(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  try {
    return {
      streams: db.prepare('SELECT * FROM projection_streams ORDER BY stream').all(),
      // Not the rowid: it numbers rows in the order written, which workers do not fix.
      resources: db
        .prepare(
          'SELECT stream, resource, body, hash, last FROM projection_resources ORDER BY stream, resource',
        )
        .all(),
      meta: db.prepare('SELECT * FROM projection_meta ORDER BY key').all(),
    };
  } finally {
    db.close();
  }
}

/** `count` streams of `perStream` Item writes each from one site, the last one of the first stream writing `trail` as `trailValue`. */
function itemEvents(count: number, perStream: number, trailValue?: string): ChartEvent[] {
  const writer = makeWriter(siteId('practice-a'));
  const author = { id: 'gp-1', role: 'gp' };
  const events: ChartEvent[] = [];
  for (let n = 0; n < perStream; n++) {
    for (let s = 0; s < count; s++) {
      const writes: Record<string, unknown> = {
        lww: `v${n}`,
        max: n,
        trail: s === 0 && n === perStream - 1 && trailValue !== undefined ? trailValue : `t${n}`,
      };
      events.push(
        writer.append(
          prepareWrite(trailSchema, undefined, {
            stream: streamId(`patient/p${s}`),
            type: TEST_EVENT_TYPE,
            author,
            writes: { [`Item/r${n % 3}`]: writes as never },
          }),
        ),
      );
    }
  }
  return events;
}

describe('the SQLite projection rebuilt with worker threads', () => {
  it('has the rows, replica hash and conflicts of the rebuild in the store’s own thread and of the pure fold, whatever the schema and the workers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SCHEMAS).chain((choice) =>
          scenarioArbitrary({ schema: choice.schema, streams: 4 }).map((scenario) => ({
            choice,
            scenario,
          })),
        ),
        fc.integer({ min: 1, max: 3 }),
        async ({ choice, scenario }, workers) => {
          const path = file(`p${files++}.chartlog`);
          const store = openSqliteEventLog(path, { synchronous: 'normal' });
          try {
            await store.append(scenario.events);
            // No projection yet: opening rebuilds it, in worker threads.
            const projection = await store.openProjection({
              schema: choice.schema,
              workers,
              schemaModule: { url: SCHEMA_MODULE, exportName: choice.name },
            });
            expect(projection.opening).toMatchObject({
              action: 'rebuilt',
              events: scenario.events.length,
              workers,
            });
            const parallel = projectionRows(path);
            expectViewIsFold(
              projection,
              scenario.events,
              choice.schema,
              `${choice.name}, ${workers} workers`,
            );
            const serial = await projection.rebuild({ workers: 0 });
            expect(serial).toMatchObject({ events: scenario.events.length });
            expect(serial.workers).toBeUndefined();
            expect(projectionRows(path), 'the serial rebuild writes the same rows and meta').toEqual(
              parallel,
            );
            expectViewIsFold(projection, scenario.events, choice.schema, `${choice.name}, serial`);
          } finally {
            await store.close();
          }
        },
      ),
      // Each run starts worker threads (about 1.2 s): 6 keeps npm test short; CHARTLOG_PROPERTY_RUNS runs more.
      propertyParameters({ label: 'parallel rebuild vs serial and fold', runs: 6 }),
    );
  });

  it('shares many streams out among the workers and writes the rows the serial rebuild writes, with progress to the end', async () => {
    const path = file('many.chartlog');
    const events = itemEvents(40, 6);
    const store = openSqliteEventLog(path, { synchronous: 'normal' });
    try {
      await store.append(events);
      const projection = await store.openProjection({ schema: trailSchema, workers: 0 });
      const serial = projectionRows(path);
      const progress: number[] = [];
      const rebuilt = await projection.rebuild({
        workers: 3,
        schemaModule: { url: SCHEMA_MODULE, exportName: 'trailSchema' },
        onProgress: (p) => progress.push(p.done),
      });
      expect(rebuilt).toMatchObject({ events: events.length, streams: 40, workers: 3 });
      expect(progress.at(-1)).toBe(events.length);
      expect(projectionRows(path)).toEqual(serial);
      expectViewIsFold(projection, events, trailSchema, 'many streams');
    } finally {
      await store.close();
    }
  });

  it('folds in the store’s own thread when the workers cannot have the schema (not built in, no schemaModule)', async () => {
    const path = file('no-module.chartlog');
    const events = itemEvents(5, 3);
    const store = openSqliteEventLog(path, { synchronous: 'normal' });
    try {
      await store.append(events);
      const projection = await store.openProjection({ schema: trailSchema, workers: 2 });
      expect(projection.opening.action).toBe('rebuilt');
      expect(projection.opening.workers).toBeUndefined();
      expectViewIsFold(projection, events, trailSchema, 'serial fallback');
    } finally {
      await store.close();
    }
  });

  it('refuses a schemaModule whose schema is not the one folded with (INVALID_OPTION), and leaves the projection as it was', async () => {
    const path = file('other-schema.chartlog');
    const events = itemEvents(5, 3);
    const store = openSqliteEventLog(path, { synchronous: 'normal' });
    try {
      await store.append(events);
      const projection = await store.openProjection({ schema: testSchema });
      const before = projectionRows(path);
      const error = await caughtError(
        projection.rebuild({ workers: 2, schemaModule: { url: SCHEMA_MODULE, exportName: 'swappedSchema' } }),
      );
      expect(error.code).toBe('INVALID_OPTION');
      expect(error.message).toContain('another schema');
      expect(projectionRows(path)).toEqual(before);
      const missing = await caughtError(
        projection.rebuild({ workers: 1, schemaModule: { url: SCHEMA_MODULE, exportName: 'noSuchExport' } }),
      );
      expect(missing.code).toBe('INVALID_OPTION');
      expect(missing.message).toContain('noSuchExport');
      expect(projectionRows(path)).toEqual(before);
      expectViewIsFold(projection, events, testSchema, 'after the refusals');
    } finally {
      await store.close();
    }
  });

  it('refuses workers that are not a whole number >= 0 with INVALID_OPTION', async () => {
    const store = openSqliteEventLog(file('bad-workers.chartlog'), { synchronous: 'normal' });
    try {
      for (const workers of [-1, 1.5, Number.NaN])
        expect((await caughtError(store.openProjection({ schema: testSchema, workers }))).code).toBe(
          'INVALID_OPTION',
        );
    } finally {
      await store.close();
    }
  });

  for (const { exportName, code, says } of [
    { exportName: 'failingTrailSchema', code: 'STORE_FAILED', says: 'the trail rule cannot take this value' },
    { exportName: 'exitingTrailSchema', code: 'STORE_FAILED', says: 'exited (code 7)' },
  ]) {
    it(`a worker that ${exportName === 'failingTrailSchema' ? 'throws' : 'ends its thread'} mid-rebuild ends it with ${code}, leaves the projection stale, and the next open rebuilds it`, async () => {
      const path = file(`${exportName}.chartlog`);
      const events = itemEvents(30, 4, POISON);
      const store = openSqliteEventLog(path, { synchronous: 'normal' });
      try {
        await store.append(events);
        const projection = await store.openProjection({ schema: trailSchema });
        // Same names and laws, so the same fingerprint: only its code differs, as a bug would.
        const error = await caughtError(
          projection.rebuild({ workers: 2, schemaModule: { url: SCHEMA_MODULE, exportName } }),
        );
        expect(error.code).toBe(code);
        expect(error.message).toContain(says);
        expect(error.message).toContain(path);
      } finally {
        await store.close();
      }
      const reader = openSqliteEventLog(path, { readOnly: true });
      try {
        expect((await caughtError(reader.openProjection({ schema: trailSchema }))).code).toBe(
          'PROJECTION_STALE',
        );
      } finally {
        await reader.close();
      }
      const again = openSqliteEventLog(path);
      try {
        const projection = await again.openProjection({ schema: trailSchema });
        expect(projection.opening.action).toBe('rebuilt');
        expectViewIsFold(projection, events, trailSchema, 'rebuilt after the failure');
      } finally {
        await again.close();
      }
    });
  }

  it('a damaged event met by a worker ends the rebuild with STORE_CORRUPT naming the file, site and seq', async () => {
    const path = file('damaged.chartlog');
    const events = itemEvents(6, 2);
    const store = openSqliteEventLog(path, { synchronous: 'normal' });
    await store.append(events);
    await store.checkpoint();
    await store.close();
    // Flip one byte of one event's body in the file (its stored hash stays as it was).
    const victim = events[3] as ChartEvent;
    const bytes = readFileSync(path);
    const needle = `"id":"${victim.id}"`;
    expect(bytes.indexOf(needle)).toBeGreaterThanOrEqual(0);
    // Every copy: the file may hold stale ones in free pages besides the live row.
    for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + 1))
      bytes[at + 2] = (bytes[at + 2] as number) ^ 0x01;
    writeFileSync(path, bytes);
    const reopened = openSqliteEventLog(path);
    try {
      const error = await caughtError(
        reopened.openProjection({
          schema: trailSchema,
          workers: 2,
          schemaModule: { url: SCHEMA_MODULE, exportName: 'trailSchema' },
        }),
      );
      expect(error.code).toBe('STORE_CORRUPT');
      expect(error.details).toMatchObject({ path, site: victim.site, seq: victim.seq });
    } finally {
      await reopened.close();
    }
  });
});
