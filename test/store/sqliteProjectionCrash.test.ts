/**
 * The projection is folded inside each append's transaction (docs/architecture.md, "The persisted projection"), so a process
 * killed mid-append leaves the projection exactly as current as the events: never behind
 * them, never ahead. A real child process (test/e2e/fixtures/crashWriter.ts, projection
 * mode) appends to a real SQLite file with the projection open — late events, retractions,
 * concurrent writes to the same fields — and is SIGKILLed at random moments; after each
 * kill the file is opened read-only here: its projection must be `current` (a read-only
 * open refuses a stale one) and equal the pure fold of exactly the events the file holds,
 * and every acknowledged event must be there.
 *
 * CHARTLOG_CRASH_KILLS=200 for a long run; CHARTLOG_CRASH_SEED to replay one.
 */
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import {
  compareEvents,
  RETRACTION_EVENT,
  type ChartEvent,
  type EventHash,
  type SiteId,
  type StreamId,
} from '../../src/index.js';
import { eventHash } from '../../src/event/eventHash.js';
import { openSqliteEventLog } from '../../src/store/sqlite/index.js';
import { testSchema } from '../../src/testing/index.js';
import { seededFloats as seededRandom } from '../../src/testing/mulberry32.js';
import { runCrashChild } from '../support/crashChild.js';
import { expectViewIsFold } from '../support/expectViewIsFold.js';
import { useTempDir } from '../support/tempDir.js';

const KILLS = Number(process.env['CHARTLOG_CRASH_KILLS'] ?? 6);
const SEED = Number(process.env['CHARTLOG_CRASH_SEED'] ?? Date.now() % 1_000_000);
const FIXTURE = fileURLToPath(new URL('../e2e/fixtures/crashWriter.ts', import.meta.url));
const file = useTempDir('projection-crash');

/** Every event of the store, in the order it was stored. */
async function storedEvents(log: ReturnType<typeof openSqliteEventLog>): Promise<ChartEvent[]> {
  const out: ChartEvent[] = [];
  for (let cursor: string | undefined, done = false; !done;) {
    const page = await log.readAll(cursor, 5000);
    out.push(...page.events);
    cursor = page.cursor;
    done = page.done;
  }
  return out;
}

/** Events stored after a later event of their stream: what the projector had to re-fold. */
function lateEvents(stored: readonly ChartEvent[]): number {
  const latest = new Map<StreamId, ChartEvent>();
  let late = 0;
  for (const e of stored) {
    const l = latest.get(e.stream);
    if (l !== undefined && compareEvents(l, e) > 0) late++;
    else latest.set(e.stream, e);
  }
  return late;
}

it(
  `crash: a SIGKILL during appends leaves the projection current and equal to the fold of exactly the events stored (${KILLS} kills, seed ${SEED})`,
  async () => {
    const path = file('site.chartlog');
    const random = seededRandom(SEED);
    // The projection exists from the start, so every child must find it current.
    const first = openSqliteEventLog(path);
    expect((await first.openProjection({ schema: testSchema })).opening.action).toBe('rebuilt');
    await first.close();

    const acked = new Map<SiteId, { seq: number; hash: EventHash }>();
    let stored: ChartEvent[] = [];
    let readies = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      // Mostly kill while appending; every third child dies at a random moment of its life, opening included.
      const when =
        kill % 3 === 2
          ? { atMs: 50 + Math.floor(random() * 800) }
          : { afterFirstAckMs: Math.floor(random() * 150) };
      const run = await runCrashChild(FIXTURE, [path, String(SEED * 10_000 + kill), 'projection'], when);
      expect(run.signal, `child ${kill} should die by SIGKILL; stderr:\n${run.stderr}`).toBe('SIGKILL');
      // Inline means the rows committed with the events: a child never has anything to catch up.
      for (const line of run.lines) expect(line, `child ${kill}`).toBe('ready current');
      readies += run.lines.length;
      for (const [site, a] of run.acked) acked.set(site, a);

      const log = openSqliteEventLog(path, { readOnly: true });
      try {
        // A read-only open refuses a projection that is behind the events (PROJECTION_STALE).
        const projection = await log.openProjection({ schema: testSchema });
        expect(projection.opening.action, `after kill ${kill}`).toBe('current');
        stored = await storedEvents(log);
        for (const [site, a] of acked) {
          const event = await log.get(site, a.seq);
          expect(event && eventHash(event), `${site} seq ${a.seq}, acknowledged before kill ${kill}`).toBe(
            a.hash,
          );
        }
        expectViewIsFold(projection, stored, testSchema, `after kill ${kill} (${stored.length} events)`);
      } finally {
        await log.close();
      }
    }
    // A writable open finds it current too, and keeps folding.
    const log = openSqliteEventLog(path);
    try {
      expect((await log.openProjection({ schema: testSchema })).opening.action).toBe('current');
    } finally {
      await log.close();
    }
    const retractions = stored.filter((e) => e.type === RETRACTION_EVENT).length;
    const late = lateEvents(stored);
    process.stderr.write(
      `projection crash test: ${KILLS} kills, ${stored.length} events (${late} late, ${retractions} retractions), seed ${SEED}\n`,
    );
    expect(acked.size, 'acknowledged appends').toBeGreaterThan(0);
    expect(readies, 'children that opened the projection').toBeGreaterThan(0);
    expect(late, 'late events').toBeGreaterThan(0);
    expect(retractions, 'retractions').toBeGreaterThan(0);
  },
  Math.max(60_000, KILLS * 5_000),
);
