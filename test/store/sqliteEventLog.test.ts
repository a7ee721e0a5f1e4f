import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { encodeEvent, eventHash } from '../../src/event/eventHash.js';
import { openSqliteEventLog, type SqliteEventLog } from '../../src/store/sqlite/sqliteEventLog.js';
import {
  SQLITE_APPLICATION_ID,
  SQLITE_SCHEMA_VERSION,
  SQLITE_STORE_FORMAT,
} from '../../src/store/sqlite/sqliteSchema.js';
import { draftFor, makeWriter, siteEvents, SITES, STREAMS } from '../support/storeFixtures.js';
import { codeOf, filledStore } from '../support/sqliteFixtures.js';
import { useTempDir } from '../support/tempDir.js';

const file = useTempDir('sqlite');
let n = 0;
const fresh = (): string => file(`t-${++n}.chartlog`);
const [A] = SITES as [(typeof SITES)[0]];

describe('SQLite event log: the file', () => {
  it('is a WAL-mode SQLite file with a meta table naming the format and schema version', async () => {
    const { path } = await filledStore(fresh, 1);
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.pragma('application_id', { simple: true })).toBe(SQLITE_APPLICATION_ID);
      const meta = Object.fromEntries(
        raw.prepare('SELECT key, value FROM meta').raw().all() as [string, string][],
      );
      expect(meta).toMatchObject({
        format: SQLITE_STORE_FORMAT,
        schema_version: String(SQLITE_SCHEMA_VERSION),
      });
      const indexes = raw
        .prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'")
        .pluck()
        .all();
      expect(indexes.join('\n')).toMatch(/UNIQUE INDEX events_site_seq ON events \(site, seq\)/);
      expect(indexes.join('\n')).toMatch(/events_stream_order ON events \(stream, hlc, site, seq\)/);
    } finally {
      raw.close();
    }
  });

  it('stores each event as its canonical JSON and its hash, the signature apart', async () => {
    const path = fresh();
    const events = siteEvents(makeWriter(A), 3);
    const log = openSqliteEventLog(path);
    await log.append(events);
    await log.close();
    const raw = new Database(path, { readonly: true });
    const rows = raw.prepare('SELECT body, hash, sig FROM events ORDER BY pos').all() as {
      body: string;
      hash: string;
      sig: string | null;
    }[];
    raw.close();
    expect(rows).toEqual(events.map((e) => ({ body: encodeEvent(e), hash: eventHash(e), sig: null })));
  });

  it('opens an empty file, or an empty SQLite database, as a new store', async () => {
    const empty = fresh();
    writeFileSync(empty, '');
    const a = openSqliteEventLog(empty);
    expect(a.schemaVersion).toBe(SQLITE_SCHEMA_VERSION);
    await a.close();
    const blank = fresh();
    new Database(blank).close();
    const b = openSqliteEventLog(blank);
    await b.append(siteEvents(makeWriter(A), 1));
    expect(await b.count()).toBe(1);
    await b.close();
  });
});

describe('SQLite event log: one file, one writer, any number of readers', () => {
  it('a read-only connection sees what the writer commits: heads and vector stay right', async () => {
    const path = fresh();
    const writer = openSqliteEventLog(path);
    const reader: SqliteEventLog = openSqliteEventLog(path, { readOnly: true });
    try {
      const w = makeWriter(A);
      await writer.append(siteEvents(w, 3));
      expect(await reader.head(A)).toEqual(w.head);
      await writer.append(siteEvents(w, 2));
      expect(await reader.versionVector()).toEqual({ [A]: 5 });
      expect(await reader.readSite(A)).toHaveLength(5);
    } finally {
      await writer.close();
      await reader.close();
    }
  });

  it('a marker lives in the meta table of a schema 2 file: a reader sees it but cannot change it, and the schema version stays 2', async () => {
    const path = fresh();
    const writer = openSqliteEventLog(path);
    const reader = openSqliteEventLog(path, { readOnly: true });
    try {
      await writer.putMarker('chartlog.recovery', { reason: 'restored-from-backup', shownOwnSeq: 0 });
      expect(await reader.getMarker('chartlog.recovery')).toEqual({
        reason: 'restored-from-backup',
        shownOwnSeq: 0,
      });
      const refused = await codeOf(() => reader.putMarker('chartlog.recovery', undefined));
      expect(refused.code).toBe('STORE_READ_ONLY');
      expect(await writer.getMarker('chartlog.recovery')).toEqual({
        reason: 'restored-from-backup',
        shownOwnSeq: 0,
      });
    } finally {
      await writer.close();
      await reader.close();
    }
    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare("SELECT value FROM meta WHERE key = 'marker:chartlog.recovery'").pluck().get()).toBe(
        '{"reason":"restored-from-backup","shownOwnSeq":0}',
      );
      expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe(
        String(SQLITE_SCHEMA_VERSION),
      );
    } finally {
      db.close();
    }
  });

  it('a marker whose stored text is not JSON is STORE_CORRUPT naming the path', async () => {
    const path = fresh();
    const log = openSqliteEventLog(path);
    await log.putMarker('chartlog.recovery', 1);
    await log.close();
    const db = new Database(path);
    db.prepare("UPDATE meta SET value = '{' WHERE key = 'marker:chartlog.recovery'").run();
    db.close();
    const again = openSqliteEventLog(path);
    try {
      const err = await codeOf(() => again.getMarker('chartlog.recovery'));
      expect(err.code).toBe('STORE_CORRUPT');
      expect(err.details['path']).toBe(path);
    } finally {
      await again.close();
    }
  });

  it('a second writable open in the same process is STORE_LOCKED naming the path; the next writer after close continues the chains', async () => {
    const path = fresh();
    const one = openSqliteEventLog(path);
    const w = makeWriter(A);
    try {
      await one.append(siteEvents(w, 3));
      const err = await codeOf(() => openSqliteEventLog(path));
      expect(err.code).toBe('STORE_LOCKED');
      expect(err.details['path']).toBe(path);
      expect(err.message).toContain(path);
      // The same file by another name is the same store.
      const link = fresh();
      symlinkSync(path, link);
      expect((await codeOf(() => openSqliteEventLog(link))).code).toBe('STORE_LOCKED');
    } finally {
      await one.close();
    }
    const two = openSqliteEventLog(path);
    try {
      expect(await two.head(A)).toEqual(w.head);
      expect(await two.append(siteEvents(w, 2))).toEqual({ appended: 2, duplicates: 0 });
      // A different event at a taken seq is still a fork.
      const fork = siteEvents(makeWriter(A, { seed: 123 }), 4)[3]!;
      expect((await codeOf(() => two.append([fork]))).code).toBe('FORK');
    } finally {
      await two.close();
    }
  });
});

describe('SQLite event log: options and bad input', () => {
  it('refuses an event over maxEventBytes with OVERSIZE, storing nothing', async () => {
    const log = openSqliteEventLog(fresh(), { maxEventBytes: 600 });
    const w = makeWriter(A);
    const small = siteEvents(w, 1);
    const big = w.append({
      ...draftFor(STREAMS[0]!, 2),
      data: { 'DocumentReference/d': { text: 'y'.repeat(700) } },
    });
    try {
      expect((await codeOf(() => log.append([...small, big]))).code).toBe('OVERSIZE');
      expect(await log.count()).toBe(0);
    } finally {
      await log.close();
    }
  });

  it('refuses invalid options with INVALID_OPTION before touching the file', async () => {
    const path = fresh();
    expect((await codeOf(() => openSqliteEventLog(path, { synchronous: 'off' as 'full' }))).code).toBe(
      'INVALID_OPTION',
    );
    expect((await codeOf(() => openSqliteEventLog(path, { busyTimeoutMs: -1 }))).code).toBe('INVALID_OPTION');
    expect(existsSync(path)).toBe(false);
  });

  it('checkpoint folds the write-ahead log into the file', async () => {
    const path = fresh();
    const log = openSqliteEventLog(path);
    await log.append(siteEvents(makeWriter(A), 50));
    await log.checkpoint();
    expect(readFileSync(`${path}-wal`).length).toBe(0);
    await log.close();
  });
});

describe('driver isolation', () => {
  it('better-sqlite3 is imported only under src/store/sqlite', () => {
    const out = execFileSync('grep', ['-rlE', "from 'better-sqlite3'|require\\('better-sqlite3'\\)", 'src'], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n');
    expect(out.every((f) => f.startsWith('src/store/sqlite/'))).toBe(true);
  });

  it('importing the core does not load better-sqlite3', () => {
    const script =
      "await import('./src/index.ts'); const { createRequire } = await import('node:module'); const require = createRequire(import.meta.url); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('better-sqlite3'))));";
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(JSON.parse(out.trim().split('\n').pop() as string)).toEqual([]);
  });
});
