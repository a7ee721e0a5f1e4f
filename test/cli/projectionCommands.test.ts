/**
 * The commands that read the chart (status, conflicts, replay, verify) use the store's
 * persisted projection instead of folding every event: real child processes on real
 * SQLite files.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createKeyring,
  createMemoryEventLog,
  createReplica,
  fold,
  generateSiteKeys,
  syncPair,
  type ChartEvent,
  type Replica,
} from '../../src/index.js';
import {
  clinicalSchema,
  patientStream,
  recordAllergy,
  registerPatient,
  updateAllergy,
} from '../../src/clinical/index.js';
import { combineStateHashes } from '../../src/chart/stateHash.js';
import { readAllEvents } from '../../src/store/readEventPages.js';
import { openSqliteEventLog } from '../../src/store/sqlite/index.js';
import { useTempDir } from '../support/tempDir.js';
import { runChartlog } from './runChartlog.js';

const file = useTempDir('projection-cli');
const author = (site: string) => ({ id: `clinician-${site}`, role: 'gp' });

/** Two sites, two patients, and an open conflict on each (concurrent criticalities): every event, in one site's store order. */
async function clinicalHistory(): Promise<ChartEvent[]> {
  const keys = { 'practice-a': generateSiteKeys(), 'hospital-d': generateSiteKeys() };
  const keyring = createKeyring({
    'practice-a': keys['practice-a'].publicKey,
    'hospital-d': keys['hospital-d'].publicKey,
  });
  const open = (site: 'practice-a' | 'hospital-d'): Promise<Replica> =>
    createReplica({ site, keys: keys[site], keyring, schema: clinicalSchema, store: createMemoryEventLog() });
  const [a, d] = await Promise.all([open('practice-a'), open('hospital-d')]);
  for (const [pid, family] of [
    ['ann-jones', 'Jones'],
    ['bob-smith', 'Smith'],
  ] as const) {
    await a.record(
      registerPatient(a.chart.state(patientStream(pid)), {
        patientId: pid,
        name: { family, given: ['A'] },
        birthDate: '1970-01-01',
        gender: 'female',
        author: author('practice-a'),
      }),
    );
    await a.record(
      recordAllergy(a.chart.state(patientStream(pid)), {
        patientId: pid,
        allergyId: 'pen',
        code: { text: 'Penicillin' },
        criticality: 'low',
        author: author('practice-a'),
      }),
    );
  }
  await syncPair(a, d);
  for (const pid of ['ann-jones', 'bob-smith']) {
    const stream = patientStream(pid);
    for (const [site, replica, criticality] of [
      ['practice-a', a, 'high'],
      ['hospital-d', d, 'unable-to-assess'],
    ] as const)
      await replica.record(
        updateAllergy(replica.chart.state(stream), {
          patientId: pid,
          allergyId: 'pen',
          criticality,
          author: author(site),
        }),
      );
  }
  await syncPair(a, d);
  return readAllEvents(a.store);
}

let events: ChartEvent[] = [];
let foldedHash = '';
beforeAll(async () => {
  events = await clinicalHistory();
  foldedHash = combineStateHashes(fold(events, clinicalSchema));
});

/** A store written by a writer that keeps the projection (as a replica does), closed. */
async function projectedStore(name: string): Promise<string> {
  const path = file(name);
  const store = openSqliteEventLog(path);
  await store.openProjection({ schema: clinicalSchema });
  await store.append(events);
  await store.close();
  return path;
}

/** A store whose events were appended without the projection (an older writer), closed. */
async function unprojectedStore(name: string): Promise<string> {
  const path = file(name);
  const store = openSqliteEventLog(path);
  await store.append(events);
  await store.close();
  return path;
}

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('chartlog status and conflicts read the persisted projection', () => {
  it('give the state hash and conflicts of the projection a writer kept: the same hash as replay and as the fold of every event', async () => {
    const path = await projectedStore('projected.chartlog');
    const status = await runChartlog(['status', '--store', path, '--json']);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      events: events.length,
      stateHash: foldedHash,
      conflicts: 2,
    });

    const conflicts = await runChartlog(['conflicts', '--store', path, '--json']);
    expect(conflicts.code).toBe(0);
    const queue = JSON.parse(conflicts.stdout) as {
      count: number;
      conflicts: {
        stream: string;
        field: string;
        writes: { value: unknown; author: { id: string; role?: string } }[];
      }[];
    };
    expect(queue.count).toBe(2);
    expect(queue.conflicts.map((c) => c.stream)).toEqual(['patient/ann-jones', 'patient/bob-smith']);
    expect(queue.conflicts[0]).toMatchObject({ stream: 'patient/ann-jones', field: 'criticality' });
    // Full authors, read from the store by each write's site and seq.
    expect(queue.conflicts[0]?.writes.map((w) => [w.value, w.author]).sort()).toEqual([
      ['high', { id: 'clinician-practice-a', role: 'gp' }],
      ['unable-to-assess', { id: 'clinician-hospital-d', role: 'gp' }],
    ]);

    const replay = await runChartlog(['replay', '--store', path, '--json']);
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ stateHash: foldedHash, events: events.length });
    const text = await runChartlog(['status', '--store', path]);
    expect(text.stdout).toContain(`state hash ${foldedHash}`);
  }, 30_000);

  it('page the review queue: --limit N with the token for the next page, --after it, --all; bad paging options are INVALID_OPTION', async () => {
    const path = await projectedStore('paged.chartlog');
    type Page = { count: number; conflicts: { stream: string }[]; next?: string };
    const page = async (...args: string[]): Promise<Page> => {
      const run = await runChartlog(['conflicts', '--store', path, '--json', ...args]);
      expect(run.code).toBe(0);
      return JSON.parse(run.stdout) as Page;
    };
    const first = await page('--limit', '1');
    expect(first.count).toBe(2); // every open conflict, whatever the page shows
    expect(first.conflicts.map((c) => c.stream)).toEqual(['patient/ann-jones']);
    expect(first.next).toEqual(expect.any(String));
    const second = await page('--limit', '1', '--after', first.next as string);
    expect(second.conflicts.map((c) => c.stream)).toEqual(['patient/bob-smith']);
    expect(second.next).toBeUndefined(); // the last page
    expect((await page('--all')).conflicts).toHaveLength(2);
    expect((await page()).next).toBeUndefined(); // both fit the default page

    const text = await runChartlog(['conflicts', '--store', path, '--limit', '1']);
    expect(text.stdout).toContain('2 open conflicts for clinician review');
    expect(text.stdout).toContain(
      `1 shown; next page: chartlog conflicts --store ${path} --after ${first.next}`,
    );

    const before = sha(path);
    for (const [args, says] of [
      [['--all', '--limit', '1'], '--all and --limit'],
      [['--limit', '0'], '--limit must be a whole number'],
      [['--limit', String(Number.MAX_SAFE_INTEGER)], '--limit must be a whole number'],
      [['--after', 'not-a-token'], '--after must be the token'],
      [['--after', Buffer.from('["patient/a","x"]').toString('base64url')], '--after must be the token'],
    ] as const) {
      const run = await runChartlog(['conflicts', '--store', path, '--json', ...args]);
      expect(run.code).toBe(2);
      expect(JSON.parse(run.stdout)).toMatchObject({
        ok: false,
        error: { code: 'INVALID_OPTION', message: expect.stringContaining(says) },
      });
    }
    expect(sha(path)).toBe(before);
  }, 30_000);

  it('on a store whose projection was never written: PROJECTION_STALE with the replay hint, exit 3, and the file left as it was', async () => {
    const path = await unprojectedStore('unprojected.chartlog');
    const before = sha(path);

    const status = await runChartlog(['status', '--store', path]);
    expect(status.code).toBe(3);
    expect(status.stderr).toContain('PROJECTION_STALE');
    expect(status.stderr).toContain(`chartlog replay --store ${path}`);
    // What needs no projection is still shown.
    expect(status.stdout).toContain(`${events.length} events from 2 sites`);
    expect(status.stdout).toMatch(/state hash unknown/);

    const statusJson = await runChartlog(['status', '--store', path, '--json']);
    expect(statusJson.code).toBe(3);
    const report = JSON.parse(statusJson.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ ok: false, error: { code: 'PROJECTION_STALE' }, events: events.length });
    expect(report['stateHash']).toBeUndefined();

    const conflicts = await runChartlog(['conflicts', '--store', path, '--json']);
    expect(conflicts.code).toBe(3);
    expect(JSON.parse(conflicts.stdout)).toMatchObject({
      ok: false,
      error: {
        code: 'PROJECTION_STALE',
        message: expect.stringContaining(`chartlog replay --store ${path}`),
      },
    });

    expect(sha(path)).toBe(before);
  }, 30_000);

  it('on a store with events appended after its projection (behind its checkpoint): PROJECTION_STALE too', async () => {
    const path = file('behind.chartlog');
    const store = openSqliteEventLog(path);
    await store.openProjection({ schema: clinicalSchema });
    await store.append(events.slice(0, 3));
    await store.close();
    const older = openSqliteEventLog(path);
    await older.append(events.slice(3));
    await older.close();
    const run = await runChartlog(['conflicts', '--store', path]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/PROJECTION_STALE: .*behind/);
  }, 30_000);

  it('on an empty store: the empty chart, no projection needed', async () => {
    const path = file('empty.chartlog');
    await openSqliteEventLog(path).close();
    const run = await runChartlog(['status', '--store', path, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      events: 0,
      conflicts: 0,
      stateHash: combineStateHashes([]),
    });
  }, 30_000);
});

describe('chartlog replay rebuilds the persisted projection', () => {
  it('folds every event with progress on stderr and prints the hash of the fold; status then reads it', async () => {
    const path = await unprojectedStore('replayed.chartlog');
    const run = await runChartlog(['replay', '--store', path, '--json']);
    expect(run.code).toBe(0);
    // Not a terminal: plain lines with done/total, rate and (at the end) the time taken.
    expect(run.stderr).toMatch(
      new RegExp(
        `replay rebuild: 100% \\(${events.length}/${events.length} events, \\d+ events/s, \\d+\\.\\d s\\)`,
      ),
    );
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ stateHash: foldedHash, events: events.length, streams: 2 });
    expect(typeof report['seconds']).toBe('number');
    expect(typeof report['eventsPerSecond']).toBe('number');

    const status = await runChartlog(['status', '--store', path, '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ stateHash: foldedHash, conflicts: 2 });

    const text = await runChartlog(['replay', '--store', path]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`state hash  ${foldedHash}`);
    expect(text.stdout).toMatch(new RegExp(`events      ${events.length} in 2 records`));
  }, 30_000);

  it('--workers 2 folds in worker threads to the same projection: the hash of the fold, on a store without one and again on a current one', async () => {
    const path = await unprojectedStore('replayed-workers.chartlog');
    const first = await runChartlog(['replay', '--store', path, '--workers', '2', '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(
      new RegExp(`replay rebuild: 100% \\(${events.length}/${events.length} events`),
    );
    expect(JSON.parse(first.stdout)).toMatchObject({
      stateHash: foldedHash,
      events: events.length,
      streams: 2,
      workers: 2,
    });
    const again = await runChartlog(['replay', '--store', path, '--workers', '2', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      stateHash: foldedHash,
      events: events.length,
      streams: 2,
      workers: 2,
    });
    const status = await runChartlog(['status', '--store', path, '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ stateHash: foldedHash, conflicts: 2 });
    const bad = await runChartlog(['replay', '--store', path, '--workers', 'two', '--json']);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION' } });
  }, 60_000);

  it('refuses a store another process writes with STORE_LOCKED, and a missing file without creating it', async () => {
    const path = await projectedStore('held.chartlog');
    const writer = openSqliteEventLog(path);
    try {
      const run = await runChartlog(['replay', '--store', path, '--json']);
      expect(run.code).toBe(3);
      expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, error: { code: 'STORE_LOCKED' } });
    } finally {
      await writer.close();
    }
    const missing = await runChartlog(['replay', '--store', file('typo.chartlog')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('STORE_UNAVAILABLE');
    expect(existsSync(file('typo.chartlog'))).toBe(false);
  }, 30_000);
});

describe('chartlog verify checks the projection against the fold of each stream', () => {
  it('a projection that matches the events passes, with its hash reported', async () => {
    const path = await projectedStore('verified.chartlog');
    const run = await runChartlog(['verify', '--store', path, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: true,
      events: events.length,
      projection: { status: 'checked', streams: 2, hash: foldedHash },
    });
  }, 30_000);

  it('a projection row whose bytes were changed is STORE_CORRUPT damage naming the record: exit 1', async () => {
    const path = await projectedStore('flipped.chartlog');
    const db = new Database(path);
    const changed = db
      .prepare(
        "UPDATE projection_resources SET body = replace(body, 'Penicillin', 'Penicillim') WHERE stream = 'patient/bob-smith'",
      )
      .run();
    db.close();
    expect(changed.changes).toBeGreaterThan(0);
    const run = await runChartlog(['verify', '--store', path, '--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as {
      ok: boolean;
      problems: { kind: string; stream?: string; message: string }[];
    };
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({
        kind: 'corrupt',
        stream: 'patient/bob-smith',
        message: expect.stringContaining('chartlog replay'),
      }),
    ]);
    const text = await runChartlog(['verify', '--store', path]);
    expect(text.stdout).toMatch(/^DAMAGED: /);
    expect(text.stdout).toContain('patient/bob-smith');
  }, 30_000);

  it('a projection row changed together with its hash (well-formed but not what the events fold to) is a projection mismatch: exit 1', async () => {
    const path = await projectedStore('rewritten.chartlog');
    const db = new Database(path);
    const rows = db
      .prepare<[], { stream: string; resource: string; body: string }>(
        "SELECT stream, resource, body FROM projection_resources WHERE body LIKE '%Penicillin%' AND stream = 'patient/bob-smith'",
      )
      .all();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const body = row.body.replace('Penicillin', 'Penicillim');
      db.prepare('UPDATE projection_resources SET body = ?, hash = ? WHERE stream = ? AND resource = ?').run(
        body,
        createHash('sha256').update(body).digest('hex'),
        row.stream,
        row.resource,
      );
    }
    db.close();
    const run = await runChartlog(['verify', '--store', path, '--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { problems: { kind: string; stream?: string }[] };
    expect(report.problems).toContainEqual(
      expect.objectContaining({ kind: 'projection-mismatch', stream: 'patient/bob-smith' }),
    );
  }, 30_000);

  it('a store without a current projection is a warning (exit 0), and a failure with --require-projection (exit 1)', async () => {
    const path = await unprojectedStore('unverified.chartlog');
    const run = await runChartlog(['verify', '--store', path]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ok: /);
    expect(run.stdout).toContain('projection missing or out of date');
    expect(run.stdout).toContain(`chartlog replay --store ${path}`);
    const json = await runChartlog(['verify', '--store', path, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: true,
      projection: { status: 'stale', code: 'PROJECTION_STALE' },
    });
    const strict = await runChartlog(['verify', '--store', path, '--require-projection']);
    expect(strict.code).toBe(1);
  }, 30_000);
});
