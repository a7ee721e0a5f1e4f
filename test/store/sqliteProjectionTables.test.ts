import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isChartlogError, prepareWrite, siteId, streamId, type StreamId } from '../../src/index.js';
import type { ProjectedResource } from '../../src/chart/projectionTables.js';
import { openSqliteEventLog } from '../../src/store/sqlite/index.js';
import { createSqliteProjectionTables } from '../../src/store/sqlite/sqliteProjectionTables.js';
import {
  propertyParameters,
  scenarioArbitrary,
  testSchema,
  TEST_EVENT_TYPE,
} from '../../src/testing/index.js';
import { makeWriter } from '../support/storeFixtures.js';
import { useTempDir } from '../support/tempDir.js';

const file = useTempDir('projection-tables');
let n = 0;

/** A connection whose whole-stream read fails as SQLite fails a string longer than V8 allows. */
function tooBigForOneString(db: Database.Database): Database.Database {
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== 'prepare') return Reflect.get(target, prop, receiver) as unknown;
      return (sql: string) => {
        const statement = target.prepare(sql);
        if (!sql.includes('group_concat')) return statement;
        return new Proxy(statement, {
          get(st, name, r) {
            if (name === 'raw') return () => r as unknown;
            if (name === 'get')
              return () => {
                throw new Database.SqliteError('string or blob too big', 'SQLITE_TOOBIG');
              };
            return Reflect.get(st, name, r) as unknown;
          },
        });
      };
    },
  });
}

/** What a reader sees of a stream's rows, in key order. */
function rowsOf(rows: readonly ProjectedResource[]): unknown[] {
  return [...rows]
    .sort((a, b) => (a.key < b.key ? -1 : 1))
    .map((r) => ({ key: r.key, hash: r.hash, state: r.state, last: r.last, size: r.size }));
}

async function storeOf(events: Parameters<Awaited<ReturnType<typeof openSqliteEventLog>>['append']>[0]) {
  const path = file(`t${n++}.chartlog`);
  const store = openSqliteEventLog(path, { synchronous: 'normal' });
  await store.openProjection({ schema: testSchema });
  await store.append(events);
  await store.close();
  return path;
}

describe('the SQLite projection tables’ whole-stream read', () => {
  it('gives every resource of a stream as the row-by-row read does, and as it does when SQLite says the stream is too big for one string', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary({ streams: 3 }), async (s) => {
        const path = file(`p${n++}.chartlog`);
        const store = openSqliteEventLog(path, { synchronous: 'normal' });
        await store.openProjection({ schema: s.schema });
        await store.append(s.events);
        await store.close();
        const db = new Database(path, { readonly: true });
        try {
          const whole = createSqliteProjectionTables(db, path);
          const rowByRow = createSqliteProjectionTables(tooBigForOneString(db), path);
          for (const stream of whole.streams()) {
            const keys = whole.resourceKeys({ from: '', to: '\uffff', limit: 1e6, stream });
            const one = keys.map(({ key }) => whole.resources(stream, [key])[0] as ProjectedResource);
            expect(rowsOf(whole.resources(stream))).toEqual(rowsOf(one));
            expect(rowsOf(rowByRow.resources(stream))).toEqual(rowsOf(one));
          }
          expect(whole.resources(streamId('patient/none'))).toEqual([]);
        } finally {
          db.close();
        }
      }),
      propertyParameters({ label: 'whole-stream read vs row by row', runs: 10 }),
    );
  });

  it('passes on any other SQLite failure of the whole-stream read', async () => {
    const writer = makeWriter(siteId('site-a'));
    const stream = streamId('patient/p1');
    const path = await storeOf([
      writer.append(
        prepareWrite(testSchema, undefined, {
          stream,
          type: TEST_EVENT_TYPE,
          author: { id: 'gp-1', role: 'gp' },
          writes: { 'Item/r1': { lww: 'a' } },
        }),
      ),
    ]);
    const db = new Database(path, { readonly: true });
    try {
      const failing = new Proxy(db, {
        get(target, prop, receiver) {
          if (prop !== 'prepare') return Reflect.get(target, prop, receiver) as unknown;
          return (sql: string) => {
            const statement = target.prepare(sql);
            if (!sql.includes('group_concat')) return statement;
            return {
              raw: () => ({
                get: () => {
                  throw new Database.SqliteError('disk I/O error', 'SQLITE_IOERR');
                },
              }),
            };
          };
        },
      });
      const tables = createSqliteProjectionTables(failing, path);
      expect(() => tables.resources(stream)).toThrow(expect.objectContaining({ code: 'SQLITE_IOERR' }));
    } finally {
      db.close();
    }
  });

  it('reads a body holding a separator character as STORE_CORRUPT, never as another resource', async () => {
    const writer = makeWriter(siteId('site-a'));
    const stream: StreamId = streamId('patient/p1');
    const path = await storeOf([
      writer.append(
        prepareWrite(testSchema, undefined, {
          stream,
          type: TEST_EVENT_TYPE,
          author: { id: 'gp-1', role: 'gp' },
          writes: { 'Item/r1': { lww: 'first' }, 'Item/r2': { lww: 'second' } },
        }),
      ),
    ]);
    const tamper = new Database(path);
    // A forged body that, split at the separators, would read as two rows.
    tamper
      .prepare(
        "UPDATE projection_resources SET body = replace(body, 'first', 'fir' || char(2) || 'st') WHERE resource = 'Item/r1'",
      )
      .run();
    tamper.close();
    const db = new Database(path, { readonly: true });
    try {
      const tables = createSqliteProjectionTables(db, path);
      let caught: unknown;
      try {
        tables.resources(stream);
      } catch (e) {
        caught = e;
      }
      expect(isChartlogError(caught) && caught.code, String(caught)).toBe('STORE_CORRUPT');
    } finally {
      db.close();
    }
  });
});
