/**
 * A SQLite row is shown only when its id is the one its content derives: a row carrying
 * another event's id would let it stand in for that event in the chart.
 */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqliteEventLog } from '../../src/store/sqlite/sqliteEventLog.js';
import { codeOf, filledStore } from '../support/sqliteFixtures.js';
import { SITES } from '../support/storeFixtures.js';
import { useTempDir } from '../support/tempDir.js';

const file = useTempDir('sqlite-event-id');
let n = 0;
const fresh = (): string => file(`t-${++n}.chartlog`);
const [A, B] = SITES as [(typeof SITES)[0], (typeof SITES)[0]];

describe('SQLite event log: a stored event must carry the id its content derives', () => {
  it("a row re-hashed to claim another site's event id is STORE_CORRUPT on every read path, never shown", async () => {
    const { path, events } = await filledStore(fresh, 3);
    const victim = events.get(B)![1]!;
    const raw = new Database(path);
    const [body] = raw.prepare('SELECT body FROM events WHERE site = ? AND seq = 2').raw().get(A) as [string];
    const own = events.get(A)![1]!.id;
    const claiming = body.replace(own, victim.id);
    expect(claiming).not.toBe(body);
    raw
      .prepare('UPDATE events SET body = ?, hash = ? WHERE site = ? AND seq = 2')
      .run(claiming, createHash('sha256').update(claiming, 'utf8').digest('hex'), A);
    raw.close();

    const log = openSqliteEventLog(path);
    try {
      const stream = events.get(A)![1]!.stream;
      for (const read of [
        () => log.get(A, 2),
        () => log.readSite(A),
        () => log.readAll(),
        () => log.readStream(stream),
      ]) {
        const err = await codeOf(read);
        expect(err.code).toBe('STORE_CORRUPT');
        expect(err.details).toMatchObject({ path, site: A, seq: 2 });
        expect(err.message).toContain('its id is not the one its content derives');
      }
      expect(await log.readSite(B)).toHaveLength(3);
    } finally {
      await log.close();
    }
  });
});
