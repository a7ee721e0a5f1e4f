/**
 * `compactSqliteStore` (and `chartlog compact`): a store made with SQLite's 4 KiB pages is
 * rewritten with chartlog's 8 KiB ones, holding the same events and the same record;
 * refused, changing nothing, while anything else has it open or when it is not a store;
 * and a compaction SIGKILLed half-way leaves the store as it was. Real SQLite files, a
 * real child process.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { readAllEvents } from '../../src/store/readEventPages.js';
import { compactSqliteStore, type CompactProgress } from '../../src/store/sqlite/compactSqliteStore.js';
import { openSqliteEventLog } from '../../src/store/sqlite/sqliteEventLog.js';
import { SQLITE_PAGE_SIZE } from '../../src/store/sqlite/sqliteSchema.js';
import { runChartlog } from '../cli/runChartlog.js';
import { openSite, recordMany } from '../replica/fixtures.js';
import { pageSizeOf, rewriteWithPageSize } from '../support/sqlitePageSize.js';
import { useTempDir } from '../support/tempDir.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/compactStore.ts', import.meta.url));
const file = useTempDir('compact');
const NETWORK = ['practice-a'];

/** A store of `events` recorded by a replica (its projection current), rewritten with 4 KiB pages as chartlog made them before. */
async function oldStore(name: string, events = 40): Promise<string> {
  const path = file(name);
  const store = openSqliteEventLog(path);
  await recordMany(await openSite('practice-a', { network: NETWORK, store }), events);
  await store.close();
  rewriteWithPageSize(path, 4096);
  return path;
}
const digestOf = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The store's events and the record a replica opened on it reads (its hash), and how it opened. */
async function recordOf(path: string): Promise<{ events: unknown[]; hash: string; opening: string }> {
  const store = openSqliteEventLog(path);
  try {
    const replica = await openSite('practice-a', { network: NETWORK, store });
    return {
      events: await readAllEvents(store),
      hash: replica.chart.hash(),
      opening: (await store.openProjection({ schema: replica.chart.schema })).opening.action,
    };
  } finally {
    await store.close();
  }
}

describe('compactSqliteStore', () => {
  it('rewrites a 4 KiB-page store with 8 KiB pages: the same events, the same record, its projection current', async () => {
    const path = await oldStore('old.chartlog');
    const before = await recordOf(path);
    expect(pageSizeOf(path)).toBe(4096);
    const progress: CompactProgress[] = [];
    const result = await compactSqliteStore(path, { onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ path, pageSizeBefore: 4096, pageSize: SQLITE_PAGE_SIZE, events: 40 });
    expect(result.bytesAfter).toBe(statSync(path).size);
    expect(pageSizeOf(path)).toBe(SQLITE_PAGE_SIZE);
    expect(progress.at(-1)?.bytesWritten).toBe(result.bytesAfter);
    expect(existsSync(`${path}.compacting`)).toBe(false);
    const after = await recordOf(path);
    expect(after).toEqual({ ...before, opening: 'current' });
  });

  it('refuses, changing nothing, while a writer or a reader has the store open', async () => {
    const path = await oldStore('held.chartlog');
    const digest = digestOf(path);
    const writer = openSqliteEventLog(path);
    await expect(compactSqliteStore(path)).rejects.toMatchObject({
      code: 'STORE_LOCKED',
      details: { path, lockPath: expect.any(String) },
    });
    await writer.close();
    const reader = openSqliteEventLog(path, { readOnly: true });
    await reader.versionVector();
    await expect(compactSqliteStore(path)).rejects.toMatchObject({
      code: 'STORE_LOCKED',
      details: { path, action: 'compact' },
      message: expect.stringMatching(/open in another process/),
    });
    await reader.close();
    expect(digestOf(path)).toBe(digest);
    expect(pageSizeOf(path)).toBe(4096);
    expect(existsSync(`${path}.compacting`)).toBe(false);
  });

  it('refuses a missing file and a file that is not a chartlog store, changing nothing', async () => {
    await expect(compactSqliteStore(file('missing.chartlog'))).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    });
    const notes = file('notes.txt');
    writeFileSync(notes, 'not a store');
    await expect(compactSqliteStore(notes)).rejects.toMatchObject({ code: 'STORE_INCOMPATIBLE' });
    expect(readFileSync(notes, 'utf8')).toBe('not a store');
  });

  it('SIGKILLed while it writes the new file, leaves the store as it was; the next run compacts it', async () => {
    const path = await oldStore('killed.chartlog');
    // 100 MB more to copy, so the kill lands while the copy is being written.
    const db = new Database(path);
    db.exec(
      'CREATE TABLE padding (x BLOB); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) ' +
        'INSERT INTO padding SELECT randomblob(1000) FROM n',
    );
    db.close();
    const before = await recordOf(path);
    const digest = digestOf(path);
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, path], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((done) =>
      child.once('exit', (_code, signal) => done(signal)),
    );
    const temp = `${path}.compacting`;
    for (let waited = 0; !(existsSync(temp) && statSync(temp).size > 0); waited += 5) {
      if (waited > 20_000) throw new Error('the compaction never started writing its copy');
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(digestOf(path)).toBe(digest);
    expect(await recordOf(path)).toEqual(before);
    const result = await compactSqliteStore(path);
    expect(result.pageSize).toBe(SQLITE_PAGE_SIZE);
    expect(existsSync(temp)).toBe(false);
    expect(await recordOf(path)).toEqual(before);
  });
});

describe('chartlog compact', () => {
  it('compacts a store and reports it, in text and JSON; a store held by a writer is exit 3, STORE_LOCKED', async () => {
    const path = await oldStore('cli.chartlog');
    const json = await runChartlog(['compact', '--store', path, '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      path,
      events: 40,
      pageSizeBefore: 4096,
      pageSize: SQLITE_PAGE_SIZE,
      bytesAfter: statSync(path).size,
    });
    const text = await runChartlog(['compact', '--store', path]);
    expect(text.stdout).toMatch(/pages\s+8192 → 8192 bytes/);
    const writer = openSqliteEventLog(path);
    const held = await runChartlog(['compact', '--store', path]);
    await writer.close();
    expect(held.code).toBe(3);
    expect(held.stderr).toMatch(/STORE_LOCKED.*stop chartlog serve/s);
  });
});
