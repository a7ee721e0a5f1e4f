import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqliteEventLog } from '../../src/store/sqlite/sqliteEventLog.js';
import { SQLITE_SCHEMA_VERSION } from '../../src/store/sqlite/sqliteSchema.js';
import type { StreamId } from '../../src/event/ids.js';
import { verifyEventLog } from '../../src/store/tools/verifyEventLog.js';
import { draftFor, makeWriter, siteEvents, SITES, STREAMS } from '../support/storeFixtures.js';
import { codeOf, filledStore } from '../support/sqliteFixtures.js';
import { useTempDir } from '../support/tempDir.js';

const file = useTempDir('sqlite-failures');
let n = 0;
const fresh = (): string => file(`t-${++n}.chartlog`);
const [A, B] = SITES as [(typeof SITES)[0], (typeof SITES)[0]];

/**
 * What "left untouched" means: the database file's bytes are the same, no rollback journal
 * appears, and a write-ahead log, if SQLite's read-only check created one, holds nothing.
 */
function fileState(path: string): { main: string; journal: boolean; walBytes: number } {
  return {
    main: createHash('sha256').update(readFileSync(path)).digest('hex'),
    journal: existsSync(`${path}-journal`),
    walBytes: existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0,
  };
}

describe('SQLite event log: files it must not open, left untouched', () => {
  it('refuses a file that is not SQLite with STORE_INCOMPATIBLE', async () => {
    const path = fresh();
    writeFileSync(path, 'patient,allergy\n1,penicillin\n');
    const before = fileState(path);
    const err = await codeOf(() => openSqliteEventLog(path));
    expect(err.code).toBe('STORE_INCOMPATIBLE');
    expect('path' in err.details && err.details.path).toBe(path);
    expect(fileState(path)).toEqual(before);
  });

  it('refuses a directory with STORE_UNAVAILABLE naming it, to write or to read, not a raw EISDIR', async () => {
    const dir = file(`dir-${Math.random().toString(36).slice(2)}`);
    mkdirSync(dir);
    for (const open of [() => openSqliteEventLog(dir), () => openSqliteEventLog(dir, { readOnly: true })]) {
      const err = await codeOf(open);
      expect(err.code).toBe('STORE_UNAVAILABLE');
      expect(err.details['path']).toBe(dir);
      expect(err.message).toContain('is a directory');
    }
  });

  it("refuses another application's SQLite database with STORE_INCOMPATIBLE", async () => {
    const path = fresh();
    const raw = new Database(path);
    raw.exec("CREATE TABLE patients (id TEXT PRIMARY KEY); INSERT INTO patients VALUES ('p1');");
    raw.close();
    const before = fileState(path);
    expect((await codeOf(() => openSqliteEventLog(path))).code).toBe('STORE_INCOMPATIBLE');
    expect(fileState(path)).toEqual(before);
  });

  it('refuses a store written by a newer schema with STORE_INCOMPATIBLE, naming both versions', async () => {
    const { path } = await filledStore(fresh, 1);
    const raw = new Database(path);
    raw
      .prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'")
      .run(String(SQLITE_SCHEMA_VERSION + 1));
    raw.close();
    const before = fileState(path);
    const err = await codeOf(() => openSqliteEventLog(path));
    expect(err.code).toBe('STORE_INCOMPATIBLE');
    expect(err.details).toMatchObject({
      path,
      schemaVersion: SQLITE_SCHEMA_VERSION + 1,
      supportedVersion: SQLITE_SCHEMA_VERSION,
    });
    expect(err.message).toMatch(/newer/);
    expect(fileState(path)).toEqual(before);
  });

  it('refuses a damaged file with STORE_CORRUPT when checked on open', async () => {
    const { path } = await filledStore(fresh, 200);
    const bytes = readFileSync(path);
    // Scribble over the b-tree pages after the schema page.
    for (let i = 4096 * 2; i < bytes.length; i += 4096) bytes.fill(0xa5, i, i + 64);
    writeFileSync(path, bytes);
    const before = fileState(path);
    const err = await codeOf(() => openSqliteEventLog(path, { integrityCheck: 'quick' }));
    expect(err.code).toBe('STORE_CORRUPT');
    expect('path' in err.details && err.details.path).toBe(path);
    expect(fileState(path)).toEqual(before);
  });

  it('reports a damaged file as STORE_CORRUPT on first use even without the open check', async () => {
    const { path } = await filledStore(fresh, 200);
    const bytes = readFileSync(path);
    for (let i = 4096; i < bytes.length; i += 4096) bytes.fill(0xa5, i, i + 64);
    writeFileSync(path, bytes);
    const err = await codeOf(async () => {
      const log = openSqliteEventLog(path);
      try {
        for (const site of SITES) await log.readSite(site);
        await log.readAll(undefined, 10_000);
      } finally {
        await log.close();
      }
    });
    expect(err.code).toBe('STORE_CORRUPT');
  });
});

describe('SQLite event log: every read re-hashes the row', () => {
  async function corruptOneRow(): Promise<{ path: string; site: string; seq: number; stream: StreamId }> {
    const { path, events } = await filledStore(fresh, 5);
    const victim = events.get(B)![2]!;
    const bytes = readFileSync(path);
    // The event's own top-level id (projection rows and other events' preds name it too),
    // wherever the file holds it: a page the row left when SQLite moved it may keep a copy.
    const member = Buffer.from(`"id":"${victim.id}","pred":{`);
    let copies = 0;
    for (let at = bytes.indexOf(member); at >= 0; at = bytes.indexOf(member, at + 1)) {
      // Change one hex digit of the stored id: still valid JSON, no longer the hashed event.
      const digit = at + '"id":"'.length + 35;
      bytes[digit] = bytes[digit] === 0x30 ? 0x31 : 0x30;
      copies++;
    }
    expect(copies).toBeGreaterThan(0);
    writeFileSync(path, bytes);
    return { path, site: victim.site, seq: victim.seq, stream: victim.stream };
  }

  it('a row whose content no longer matches its hash is STORE_CORRUPT naming site and seq, on every read path', async () => {
    const { path, site, seq, stream } = await corruptOneRow();
    const log = openSqliteEventLog(path);
    try {
      for (const read of [
        () => log.get(B, 3),
        () => log.readSite(B),
        () => log.readAll(),
        () => log.readStream(stream),
      ]) {
        const err = await codeOf(read);
        expect(err.code).toBe('STORE_CORRUPT');
        expect(err.details).toMatchObject({ path, site, seq });
      }
      // The rest of the store still reads.
      expect(await log.get(B, 2)).toBeDefined();
      expect(await log.readSite(A)).toHaveLength(5);
    } finally {
      await log.close();
    }
  });

  it('verifyEventLog reports the corrupt row, and checks everything else', async () => {
    const { path, site, seq } = await corruptOneRow();
    const log = openSqliteEventLog(path);
    const report = await verifyEventLog(log, { pageSize: 2 });
    await log.close();
    expect(report.ok).toBe(false);
    expect(report.events).toBe(15);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'corrupt', site, seq })]);
  });

  it('a row whose indexed columns disagree with its content is STORE_CORRUPT', async () => {
    const { path } = await filledStore(fresh, 3);
    const raw = new Database(path);
    raw.prepare('UPDATE events SET stream = ? WHERE site = ? AND seq = 1').run(STREAMS[2], A);
    raw.close();
    const log = openSqliteEventLog(path);
    try {
      expect((await codeOf(() => log.readStream(STREAMS[2]!))).code).toBe('STORE_CORRUPT');
    } finally {
      await log.close();
    }
  });
});

describe('SQLite event log: read-only, locked, full — typed errors with the path', () => {
  it('opened read-only, reads work and writes fail with STORE_READ_ONLY', async () => {
    const { path, events } = await filledStore(fresh, 3);
    const log = openSqliteEventLog(path, { readOnly: true });
    try {
      expect(log.readOnly).toBe(true);
      expect(await log.readSite(A)).toEqual(events.get(A));
      const next = siteEvents(makeWriter(A, { head: await log.head(A) }), 1);
      for (const write of [
        () => log.append(next),
        () => log.putMarker('chartlog.recovery', { reason: 'behind', shownOwnSeq: 1 }),
      ]) {
        const err = await codeOf(write);
        expect(err.code).toBe('STORE_READ_ONLY');
        expect('path' in err.details && err.details.path).toBe(path);
      }
    } finally {
      await log.close();
    }
    expect((await codeOf(() => openSqliteEventLog(fresh(), { readOnly: true }))).code).toBe(
      'STORE_UNAVAILABLE',
    );
    expect((await codeOf(() => openSqliteEventLog(file('no/such/dir/x.chartlog')))).code).toBe(
      'STORE_UNAVAILABLE',
    );
  });

  it('a SQLite-level read-only refusal (SQLITE_READONLY) is translated to STORE_READ_ONLY', async () => {
    // A second, read-only-at-the-driver connection writing directly: the driver's own error.
    const { path } = await filledStore(fresh, 1);
    const raw = new Database(path, { readonly: true });
    const { translateSqliteError } = await import('../../src/store/sqlite/translateSqliteError.js');
    let caught: unknown;
    try {
      raw.prepare("INSERT INTO meta (key, value) VALUES ('x', 'y')").run();
    } catch (e) {
      caught = e;
    } finally {
      raw.close();
    }
    expect((caught as { code?: string }).code).toBe('SQLITE_READONLY');
    const err = translateSqliteError(caught, path, 'append');
    expect(err.code).toBe('STORE_READ_ONLY');
    expect('path' in err.details && err.details.path).toBe(path);
  });

  it.skipIf(process.getuid?.() === 0)(
    'a copy of the file made read-only (chmod 0444) refuses writes with STORE_READ_ONLY',
    async () => {
      const { path } = await filledStore(fresh, 2);
      const copy = fresh();
      copyFileSync(path, copy);
      chmodSync(copy, 0o444);
      const err = await codeOf(async () => {
        const log = openSqliteEventLog(copy);
        try {
          await log.append(siteEvents(makeWriter(A, { head: await log.head(A) }), 1));
        } finally {
          await log.close();
        }
      });
      expect(err.code).toBe('STORE_READ_ONLY');
      expect(err.details['path']).toBe(copy);
    },
  );

  it('a write lock held by another connection past the busy timeout fails with STORE_LOCKED, storing nothing', async () => {
    const { path } = await filledStore(fresh, 2);
    const log = openSqliteEventLog(path, { busyTimeoutMs: 50 });
    const other = new Database(path);
    try {
      other.exec('BEGIN IMMEDIATE');
      const next = siteEvents(makeWriter(A, { head: await log.head(A) }), 3);
      const started = Date.now();
      const err = await codeOf(() => log.append(next));
      expect(err.code).toBe('STORE_LOCKED');
      expect('path' in err.details && err.details.path).toBe(path);
      expect(Date.now() - started).toBeGreaterThanOrEqual(40);
      other.exec('ROLLBACK');
      expect(await log.count()).toBe(6);
      // Once the lock is gone the same batch goes in.
      expect(await log.append(next)).toEqual({ appended: 3, duplicates: 0 });
    } finally {
      other.close();
      await log.close();
    }
  });

  it('a full disk (here: the size cap) fails with STORE_FULL, storing nothing of the batch', async () => {
    const path = fresh();
    const log = openSqliteEventLog(path, { maxSizeBytes: 256 * 1024 });
    const w = makeWriter(A);
    let stored = 0;
    let err: Awaited<ReturnType<typeof codeOf>> | undefined;
    try {
      for (let i = 0; i < 200 && !err; i++) {
        const batch = siteEvents(w, 0);
        for (let k = 0; k < 20; k++)
          batch.push(
            w.append({
              ...draftFor(STREAMS[0]!, w.head.seq + 1),
              data: { 'DocumentReference/d': { text: 'x'.repeat(1000) } },
            }),
          );
        try {
          await log.append(batch);
          stored += batch.length;
        } catch (e) {
          err = await codeOf(() => {
            throw e;
          });
        }
      }
      expect(err?.code).toBe('STORE_FULL');
      expect(err?.details['path']).toBe(path);
      expect(await log.count()).toBe(stored);
      expect(await log.versionVector()).toEqual({ [A]: stored });
      const report = await verifyEventLog(log);
      expect(report.problems).toEqual([]);
    } finally {
      await log.close();
    }
  });
});

// A real full disk: a 512 KiB tmpfs. Needs root and mount(8), so it runs only when asked
// (CHARTLOG_TEST_TMPFS=1); the size-cap test above covers the same path everywhere.
describe.runIf(process.env['CHARTLOG_TEST_TMPFS'] === '1')('SQLite event log: a real full disk', () => {
  it('fills a 512 KiB tmpfs: STORE_FULL with the path, every acknowledged event kept', async () => {
    const mount = file('tmpfs');
    execFileSync('mkdir', ['-p', mount]);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', mount]);
    try {
      const path = `${mount}/full.chartlog`;
      const log = openSqliteEventLog(path);
      const w = makeWriter(A);
      let stored = 0;
      const err = await codeOf(async () => {
        for (;;) {
          const batch = siteEvents(w, 50);
          await log.append(batch);
          stored += batch.length;
        }
      });
      expect(err.code).toBe('STORE_FULL');
      expect('path' in err.details && err.details.path).toBe(path);
      expect(await log.count()).toBe(stored);
      await log.close().catch(() => undefined);
      const again = openSqliteEventLog(path, { readOnly: true });
      expect(await again.count()).toBe(stored);
      await again.close();
    } finally {
      execFileSync('umount', [mount]);
    }
  });
});
