/**
 * docs/architecture.md, "Stores: the EventLog port": "nothing acknowledged is ever lost: a process killed mid-write reopens with
 * every acknowledged event intact and no torn or half-written event visible".
 *
 * A real child process appends batches to a real SQLite file (synchronous=FULL, WAL) and
 * reports each acknowledged batch on stdout; we SIGKILL it at random moments, reopen the
 * file, check everything acknowledged is there byte for byte (hash verified), the chains
 * are whole, and let the next child continue the same file from its heads.
 *
 * CHARTLOG_CRASH_KILLS=1000 for a long run; CHARTLOG_CRASH_SEED to replay one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import type { SiteHead } from '../../src/event/eventWriter.js';
import type { EventHash, SiteId } from '../../src/event/ids.js';
import { eventHash } from '../../src/event/eventHash.js';
import { openSqliteEventLog } from '../../src/store/sqlite/sqliteEventLog.js';
import { verifyEventLog } from '../../src/store/tools/verifyEventLog.js';
import { seededFloats as seededRandom } from '../../src/testing/mulberry32.js';
import { runCrashChild } from '../support/crashChild.js';

// 12 kills in npm test (about 0.7 s each): the long runs are for CHARTLOG_CRASH_KILLS.
const KILLS = Number(process.env['CHARTLOG_CRASH_KILLS'] ?? 12);
const SEED = Number(process.env['CHARTLOG_CRASH_SEED'] ?? Date.now() % 1_000_000);
const FIXTURE = fileURLToPath(new URL('./fixtures/crashWriter.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'chartlog-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it(
  `crash: SIGKILL during appends loses no acknowledged event (${KILLS} kills, seed ${SEED})`,
  async () => {
    const file = join(dir, 'site.chartlog');
    const random = seededRandom(SEED);
    const acked = new Map<SiteId, { seq: number; hash: EventHash }>();
    // How far each site's chain has been checked link by link.
    const checked = new Map<SiteId, SiteHead>();
    let totalAcks = 0;
    const started = Date.now();

    for (let kill = 0; kill < KILLS; kill++) {
      // Mostly kill while appending; every fifth child dies at a random moment of its life,
      // which includes opening and recovering the file.
      const when =
        kill % 5 === 4
          ? { atMs: 50 + Math.floor(random() * 600) }
          : { afterFirstAckMs: Math.floor(random() * 120) };
      const run = await runCrashChild(FIXTURE, [file, String(SEED * 10_000 + kill)], when);
      expect(run.signal, `child ${kill} should die by SIGKILL; stderr:\n${run.stderr}`).toBe('SIGKILL');
      totalAcks += run.ackLines;
      for (const [site, a] of run.acked) {
        const before = acked.get(site);
        expect(a.seq).toBeGreaterThan(before?.seq ?? 0);
        acked.set(site, a);
      }

      const log = openSqliteEventLog(file);
      try {
        const vector = await log.versionVector();
        for (const [site, a] of acked) {
          // Every acknowledged event is there, and is the very event acknowledged.
          expect(vector[site] ?? 0, `${site} after kill ${kill}`).toBeGreaterThanOrEqual(a.seq);
          const stored = await log.get(site, a.seq);
          expect(stored && eventHash(stored), `${site} seq ${a.seq} after kill ${kill}`).toBe(a.hash);
        }
        // Chains are whole from where we last checked (each read re-hashes the row).
        for (const [site, last] of Object.entries(vector) as [SiteId, number][]) {
          let at = checked.get(site) ?? { seq: 0, hash: null };
          for (const event of await log.readSite(site, at.seq + 1)) {
            expect(event.seq).toBe(at.seq + 1);
            expect(event.prev).toBe(at.hash);
            at = { seq: event.seq, hash: eventHash(event) };
          }
          expect(at.seq).toBe(last);
          expect(await log.head(site)).toEqual(at);
          checked.set(site, at);
        }
        expect(await log.count()).toBe(Object.values(vector).reduce((a, b) => a + b, 0));
        if (kill === KILLS - 1 || kill % 100 === 99) {
          const report = await verifyEventLog(log);
          expect(report.problems).toEqual([]);
        }
      } finally {
        await log.close();
      }
    }
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(
      `crash test: ${KILLS} kills, ${totalAcks} acknowledged site runs, ${[...checked.values()].reduce((a, h) => a + h.seq, 0)} events, ${seconds.toFixed(1)} s (seed ${SEED})\n`,
    );
    expect(totalAcks).toBeGreaterThan(KILLS / 2);
  },
  Math.max(120_000, KILLS * 3_000),
);
