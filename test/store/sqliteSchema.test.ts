import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createEventWriter, createHybridClock, prepareWrite, siteId, streamId } from '../../src/index.js';
import { openSqliteEventLog } from '../../src/store/sqlite/index.js';
import { openSqliteProjectionFile } from '../../src/store/sqlite/openSqliteProjectionFile.js';
import { SQLITE_PAGE_SIZE, SQLITE_SCHEMA_VERSION } from '../../src/store/sqlite/sqliteSchema.js';
import { testSchema, TEST_EVENT_TYPE } from '../../src/testing/index.js';
import { pageSizeOf, rewriteWithPageSize } from '../support/sqlitePageSize.js';
import { useTempDir } from '../support/tempDir.js';

const file = useTempDir('sqlite-schema');
const P1 = streamId('patient/p1');
const P2 = streamId('patient/p2');

/** A store of schema version 3 with its projection folded: today's file without what version 4 added. */
async function versionThreeStore(path: string): Promise<void> {
  const writer = createEventWriter({ site: siteId('site-a'), clock: createHybridClock() });
  const store = openSqliteEventLog(path);
  await store.openProjection({ schema: testSchema });
  const write = (stream: typeof P1, key: string) =>
    writer.append(
      prepareWrite(testSchema, undefined, {
        stream,
        type: TEST_EVENT_TYPE,
        author: { id: 'dr-a' },
        writes: { [key]: { lww: key } },
      }),
    );
  await store.append([write(P1, 'Item/a'), write(P2, 'Item/b'), write(P2, 'Item/c')]);
  await store.close();
  const db = new Database(path);
  db.exec(
    "DROP INDEX projection_resources_resource; UPDATE meta SET value = '3' WHERE key = 'schema_version'; PRAGMA user_version = 3;",
  );
  db.close();
}

/** Asks a store file one thing on a read-only connection of its own. */
function readFile<T>(path: string, ask: (db: Database.Database) => T): T {
  const db = new Database(path, { readonly: true });
  try {
    return ask(db);
  } finally {
    db.close();
  }
}

const indexOf = (path: string): string | undefined =>
  readFile(path, (db) =>
    db
      .prepare<[], string>(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'projection_resources_resource'",
      )
      .pluck()
      .get(),
  );

describe('SQLite schema migrations', () => {
  it('a version 3 store opened for writing gets the resource-key index (version 4) and keeps its projection: no rebuild', async () => {
    const path = file('v3.chartlog');
    await versionThreeStore(path);
    expect(indexOf(path)).toBeUndefined();
    // Read-only, the file stays as it is and still answers (by a scan).
    const reader = openSqliteEventLog(path, { readOnly: true });
    expect(reader.schemaVersion).toBe(3);
    expect((await reader.openProjection({ schema: testSchema })).locate('Item/b')).toEqual([P2]);
    await reader.close();
    expect(indexOf(path)).toBeUndefined();

    const store = openSqliteEventLog(path);
    try {
      expect(store.schemaVersion).toBe(SQLITE_SCHEMA_VERSION);
      expect(SQLITE_SCHEMA_VERSION).toBe(4);
      expect(indexOf(path)).toContain('ON projection_resources (resource, stream)');
      const projection = await store.openProjection({ schema: testSchema });
      expect(projection.opening.action).toBe('current');
      expect(projection.locate('Item/b')).toEqual([P2]);
      expect(projection.resourceKeys('Item')).toEqual([
        { stream: P1, key: 'Item/a' },
        { stream: P2, key: 'Item/b' },
        { stream: P2, key: 'Item/c' },
      ]);
    } finally {
      await store.close();
    }
    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe('4');
      expect(db.pragma('user_version', { simple: true })).toBe(4);
    } finally {
      db.close();
    }
  });
});

describe('SQLite page size', () => {
  it('a new store and a new EventStoreDB projection file are made with SQLITE_PAGE_SIZE pages', async () => {
    const path = file('new-pages.chartlog');
    await versionThreeStore(path);
    expect(pageSizeOf(path)).toBe(SQLITE_PAGE_SIZE);
    const projectionPath = file('new-pages.projection');
    openSqliteProjectionFile(projectionPath, 'chartlog-test').close();
    expect(pageSizeOf(projectionPath)).toBe(SQLITE_PAGE_SIZE);
  });

  it('a store made with 4 KiB pages keeps them, and its events and projection still read and take appends', async () => {
    const path = file('old-pages.chartlog');
    await versionThreeStore(path);
    rewriteWithPageSize(path, 4096);
    expect(pageSizeOf(path)).toBe(4096);

    const store = openSqliteEventLog(path);
    const projection = await store.openProjection({ schema: testSchema });
    expect(projection.locate('Item/b')).toEqual([P2]);
    const writer = createEventWriter({ site: siteId('site-b'), clock: createHybridClock() });
    await store.append([
      writer.append(
        prepareWrite(testSchema, undefined, {
          stream: P1,
          type: TEST_EVENT_TYPE,
          author: { id: 'dr-b' },
          writes: { 'Item/d': { lww: 'd' } },
        }),
      ),
    ]);
    expect(projection.locate('Item/d')).toEqual([P1]);
    expect(Object.keys(projection.state(P1)?.resources ?? {}).sort()).toEqual(['Item/a', 'Item/d']);
    await store.close();
    expect(pageSizeOf(path)).toBe(4096);
  });
});
