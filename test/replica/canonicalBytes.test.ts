import { sign } from 'node:crypto';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  createKeyring,
  createReplica,
  eventHash,
  syncPair,
  type ChartEvent,
  type Replica,
} from '../../src/index.js';
import { decodeWireEvent } from '../../src/event/wireEvent.js';
import { encodeEvent } from '../../src/event/eventHash.js';
import { hashCanonical } from '../../src/event/eventHash.js';
import { verifyEventLog } from '../../src/store/tools/verifyEventLog.js';
import { openSqliteEventLog } from '../../src/store/sqlite/sqliteEventLog.js';
import { testSchema } from '../../src/testing/index.js';
import { useTempDir } from '../support/tempDir.js';
import { allEvents, keysOf, openSite, publicKeys, recordMany } from './fixtures.js';

const NETWORK = ['practice-a', 'hospital', 'practice-b'];
const file = useTempDir('canonical-bytes');

/** The JSON of `value` with every object's keys in reverse order: valid, equal, not canonical. */
function reversedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(reversedJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .reverse()
      .map((k) => `${JSON.stringify(k)}:${reversedJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Ways to spell an event's canonical text `c` that are not canonical; each names what the `e` slice of the line is. */
const SPELLINGS: Record<string, (c: string) => { line: (sig: string) => string; claimed: string }> = {
  // The slice after `{"e":` is not JSON by itself: JSON.parse keeps the last `e`.
  'a line whose e text is not JSON by itself (C,"e":C)': (c) => ({
    claimed: `${c},"e":${c}`,
    line: (sig) => `{"e":${c},"e":${c},"sig":"${sig}"}`,
  }),
  'duplicate keys': (c) => {
    const claimed = c.replace('"data":', '"data":{},"data":');
    return { claimed, line: (sig) => `{"e":${claimed},"sig":"${sig}"}` };
  },
  'extra whitespace': (c) => {
    const claimed = c.replace('{"author":', '{"author": ').replace(',"v":', ', "v":');
    return { claimed, line: (sig) => `{"e":${claimed},"sig":"${sig}"}` };
  },
  'unsorted keys': (c) => {
    const claimed = reversedJson(JSON.parse(c));
    return { claimed, line: (sig) => `{"e":${claimed},"sig":"${sig}"}` };
  },
  'an alternative number spelling': (c) => {
    const claimed = c.replace(/,"v":1}$/, ',"v":1.0}');
    return { claimed, line: (sig) => `{"e":${claimed},"sig":"${sig}"}` };
  },
};

/** practice-a's key signing the SHA-256 of `text`, as a hostile (or buggy) origin signs whatever it hashed. */
function signText(text: string): string {
  return sign(null, Buffer.from(hashCanonical(text), 'hex'), keysOf('practice-a').privateKey).toString(
    'base64',
  );
}

/**
 * practice-a's first two events (its head signed) and its third event's canonical text,
 * which the tests send spelled otherwise.
 */
async function originEvents(): Promise<{ honest: ChartEvent[]; third: ChartEvent }> {
  const origin = await openSite('practice-a', { network: NETWORK });
  await recordMany(origin, 2);
  await origin.signHead();
  const honest = await allEvents(origin);
  const [third] = await recordMany(origin, 1);
  return { honest, third: third as ChartEvent };
}

async function openHospital(path: string): Promise<Replica> {
  return openSite('hospital', { network: NETWORK, store: openSqliteEventLog(path) });
}

/** The `body` column of every stored event, as the file holds it. */
function storedBodies(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT body FROM events ORDER BY pos').all() as { body: string }[]).map(
      (r) => r.body,
    );
  } finally {
    db.close();
  }
}

/** Asserts the store at `path` reopens, reads back every event, verifies, and holds only canonical bytes. */
async function expectReadableAndCanonical(path: string): Promise<ChartEvent[]> {
  const log = openSqliteEventLog(path);
  try {
    const reopened = await createReplica({
      site: 'hospital',
      keys: keysOf('hospital'),
      store: log,
      schema: testSchema,
      keyring: createKeyring(publicKeys(NETWORK)),
    });
    const events = await allEvents(reopened);
    expect((await verifyEventLog(log)).ok).toBe(true);
    expect(storedBodies(path)).toEqual(events.map((e) => encodeEvent(e)));
    return events;
  } finally {
    await log.close();
  }
}

describe('non-canonical wire bytes never reach a store', () => {
  for (const [name, spell] of Object.entries(SPELLINGS)) {
    it(`a line with ${name}, signed as it is by a hostile origin, is refused; the store stays readable, re-sending raises no fork, and a relay passes on what it holds`, async () => {
      const { honest, third } = await originEvents();
      const { claimed, line } = spell(encodeEvent(third));
      expect(claimed).not.toBe(encodeEvent(third));
      const path = file(`hostile-${Object.keys(SPELLINGS).indexOf(name)}.sqlite`);
      const hospital = await openHospital(path);
      expect(await hospital.ingest(honest)).toMatchObject({ accepted: 2, refused: { count: 0 } });

      const hostile = line(signText(claimed));
      for (let attempt = 0; attempt < 2; attempt++) {
        const report = await hospital.ingest([decodeWireEvent(hostile)]);
        expect(report.accepted).toBe(0);
        expect(report.refused.examples.map((r) => r.reason.code)).toEqual(['bad-signature']);
      }
      expect(hospital.forks()).toEqual([]);
      expect(await hospital.versionVector()).toEqual({ 'practice-a': 2 });

      // A third site syncing from the hospital over the wire gets exactly what it holds.
      const b = await openSite('practice-b', { network: NETWORK });
      const sync = await syncPair(hospital, b);
      expect(sync.refused.count).toBe(0);
      expect(await b.versionVector()).toEqual({ 'practice-a': 2 });
      await hospital.store.close();
      expect((await expectReadableAndCanonical(path)).map(eventHash)).toEqual(honest.map(eventHash));
    });

    it(`a line with ${name} whose signature covers the canonical encoding is taken re-encoded, stored canonical, and relayed unchanged`, async () => {
      const { honest, third } = await originEvents();
      const canonical = encodeEvent(third);
      const { line } = spell(canonical);
      const path = file(`respelled-${Object.keys(SPELLINGS).indexOf(name)}.sqlite`);
      const hospital = await openHospital(path);
      expect(await hospital.ingest(honest)).toMatchObject({ accepted: 2, refused: { count: 0 } });
      expect(await hospital.ingest([decodeWireEvent(line(signText(canonical)))])).toMatchObject({
        accepted: 1,
        refused: { count: 0 },
      });
      // The canonical line again is a duplicate, not a fork.
      expect(
        await hospital.ingest([decodeWireEvent(`{"e":${canonical},"sig":"${signText(canonical)}"}`)]),
      ).toMatchObject({ accepted: 0, duplicates: 1, refused: { count: 0 } });
      expect(hospital.forks()).toEqual([]);

      const b = await openSite('practice-b', { network: NETWORK });
      expect((await syncPair(hospital, b)).refused.count).toBe(0);
      expect((await allEvents(b)).map(eventHash)).toEqual([...honest, third].map(eventHash));
      await hospital.store.close();
      expect((await expectReadableAndCanonical(path)).map(eventHash)).toEqual(
        [...honest, third].map(eventHash),
      );
    });
  }

  it('a replica without signatures stores an event a relay re-spelled in its canonical encoding, so the origin chains on', async () => {
    const path = file('integrity-off.sqlite');
    const origin = await openSite('practice-a', { network: NETWORK, integrity: false });
    const [first] = await recordMany(origin, 1);
    const hospital = await openSite('hospital', {
      network: NETWORK,
      integrity: false,
      store: openSqliteEventLog(path),
    });
    const spaced = encodeEvent(first as ChartEvent).replace('{"author":', '{"author": ');
    expect(await hospital.ingest([decodeWireEvent(`{"e":${spaced}}`)])).toMatchObject({
      accepted: 1,
      refused: { count: 0 },
    });
    await recordMany(origin, 1);
    const report = await syncPair(origin, hospital);
    expect(report.refused.count).toBe(0);
    expect(hospital.forks()).toEqual([]);
    expect(await hospital.versionVector()).toEqual({ 'practice-a': 2 });
    await hospital.store.close();
    expect(storedBodies(path)).toEqual((await allEvents(origin)).map((e) => encodeEvent(e)));
  });
});
