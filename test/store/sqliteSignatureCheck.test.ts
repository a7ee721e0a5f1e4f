/**
 * Finding 10 of issue 9: the `sig` column was not covered by the row hash, so flipped
 * signature bytes opened and rebuilt cleanly and were relayed. A signature whose stored
 * bytes no longer match their checksum is left out of every read (the event, vouched for
 * by its row hash, is still returned: nothing acknowledged is lost), reported as a typed
 * STORE_CORRUPT naming the row, and repaired by the next copy that carries it.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { isChartlogError, type ChartlogError } from '../../src/error/chartlogError.js';
import type { ChartEvent } from '../../src/event/chartEvent.js';
import { generateSiteKeys } from '../../src/event/signature.js';
import type { SiteId } from '../../src/event/ids.js';
import { createKeyring, createReplica, exportPublicKey, syncPair } from '../../src/index.js';
import { clinicalSchema } from '../../src/clinical/index.js';
import { createMemoryEventLog } from '../../src/store/memory/memoryEventLog.js';
import { openSqliteEventLog, type SqliteEventLog } from '../../src/store/sqlite/sqliteEventLog.js';
import { verifyEventLog } from '../../src/store/tools/verifyEventLog.js';
import { makeWriter, siteEvents, SITES } from '../support/storeFixtures.js';
import { useTempDir } from '../support/tempDir.js';

const file = useTempDir('sqlite-sig');
let n = 0;
const fresh = (): string => file(`s-${++n}.chartlog`);
const [A] = SITES as [SiteId];

/** A closed store holding `count` events of site A, a signed head every 2 events. */
async function signedStore(
  count = 6,
): Promise<{ path: string; events: ChartEvent[]; keys: ReturnType<typeof generateSiteKeys> }> {
  const keys = generateSiteKeys();
  const events = siteEvents(makeWriter(A, { signing: { privateKey: keys.privateKey, every: 2 } }), count);
  const path = fresh();
  const log = openSqliteEventLog(path);
  await log.append(events);
  await log.close();
  return { path, events, keys };
}

/**
 * Changes one character of the stored signature of `(site, seq)` in the file's bytes, as a
 * damaged disk would (in every copy: an updated row may leave its old bytes in a free page).
 */
function flipSignatureByte(path: string, site: string, seq: number): void {
  const raw = new Database(path, { readonly: true });
  const sig = Buffer.from(
    raw.prepare('SELECT sig FROM events WHERE site = ? AND seq = ?').pluck().get(site, seq) as string,
    'latin1',
  );
  raw.close();
  const bytes = readFileSync(path);
  let flipped = 0;
  for (let at = bytes.indexOf(sig); at >= 0; at = bytes.indexOf(sig, at + 1)) {
    const i = at + 20;
    bytes[i] = bytes[i] === 0x41 ? 0x42 : 0x41;
    flipped++;
  }
  expect(flipped).toBeGreaterThan(0);
  writeFileSync(path, bytes);
}

/** Collects what the store reports as damage while `body` runs. */
async function damageDuring(log: SqliteEventLog, body: () => Promise<unknown>): Promise<ChartlogError[]> {
  const found: ChartlogError[] = [];
  const stop = log.onDamage?.((d) => found.push(d));
  try {
    await body();
  } finally {
    stop?.();
  }
  return found;
}

describe('SQLite event log: stored signatures are checked on read', () => {
  it('flipped signature bytes are reported as STORE_CORRUPT naming the row, and no read returns them', async () => {
    const { path, events } = await signedStore();
    flipSignatureByte(path, A, 4);
    const log = openSqliteEventLog(path);
    try {
      const reads: [string, () => Promise<readonly ChartEvent[]>][] = [
        ['get', async () => [(await log.get(A, 4))!]],
        ['readSite', () => log.readSite(A)],
        ['readAll', async () => (await log.readAll()).events],
        ['readStream', () => log.readStream(events[3]!.stream)],
      ];
      for (const [name, read] of reads) {
        let got: readonly ChartEvent[] = [];
        const damage = await damageDuring(log, async () => (got = await read()));
        const row = got.find((e) => e.seq === 4);
        expect(row, name).toBeDefined();
        // The event is returned (its row hash vouches for it), without the damaged signature.
        expect(row?.sig, name).toBeUndefined();
        expect(
          damage.map((d) => [isChartlogError(d), d.code, d.details]),
          name,
        ).toEqual([[true, 'STORE_CORRUPT', { path, site: A, seq: 4, part: 'sig' }]]);
        expect(damage[0]?.message).toContain(`${A} seq 4`);
        // The other signatures are intact.
        expect(
          got
            .filter((e) => e.seq !== 4 && e.sig !== undefined)
            .every((e) => e.sig === events[e.seq - 1]!.sig),
        ).toBe(true);
      }
    } finally {
      await log.close();
    }
  });

  it('verify reports a damaged signature as corrupt even without keys', async () => {
    const { path } = await signedStore();
    flipSignatureByte(path, A, 4);
    const log = openSqliteEventLog(path, { readOnly: true });
    try {
      const report = await verifyEventLog(log);
      expect(report.ok).toBe(false);
      expect(report.problems).toEqual([expect.objectContaining({ kind: 'corrupt', site: A, seq: 4 })]);
    } finally {
      await log.close();
    }
  });

  it('a later copy of the event that carries its signature repairs the damaged one', async () => {
    const { path, events } = await signedStore();
    flipSignatureByte(path, A, 4);
    const log = openSqliteEventLog(path);
    try {
      expect(await log.append([events[3]!])).toEqual({ appended: 0, duplicates: 1 });
      const damage = await damageDuring(log, async () =>
        expect((await log.get(A, 4))?.sig).toBe(events[3]!.sig),
      );
      expect(damage).toEqual([]);
      expect((await verifyEventLog(log)).ok).toBe(true);
    } finally {
      await log.close();
    }
  });

  it('without a listener the damage is a process warning, once per row', async () => {
    const { path } = await signedStore();
    flipSignatureByte(path, A, 4);
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    const log = openSqliteEventLog(path);
    try {
      await log.readSite(A);
      await log.readSite(A);
      // Warnings are emitted on the next tick.
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
      await log.close();
    }
    const ours = warnings.filter((w) => w.message.includes(path));
    expect(ours).toHaveLength(1);
    expect(ours[0]?.message).toContain(`${A} seq 4`);
  });

  it('a hub whose copy of a signature was damaged does not relay it: the receiving site refuses nothing', async () => {
    const keysA = generateSiteKeys();
    const keysHub = generateSiteKeys();
    const keysC = generateSiteKeys();
    const keyring = createKeyring({
      [A]: exportPublicKey(keysA.publicKey),
      hub: exportPublicKey(keysHub.publicKey),
      'practice-c': exportPublicKey(keysC.publicKey),
    });
    const events = siteEvents(makeWriter(A, { signing: { privateKey: keysA.privateKey, every: 2 } }), 6);
    const path = fresh();
    const seed = openSqliteEventLog(path);
    await seed.append(events);
    await seed.close();
    flipSignatureByte(path, A, 6);

    const hubStore = openSqliteEventLog(path);
    hubStore.onDamage?.(() => undefined);
    const hub = await createReplica({
      site: 'hub',
      keys: keysHub,
      keyring,
      schema: clinicalSchema,
      store: hubStore,
    });
    const c = await createReplica({
      site: 'practice-c',
      keys: keysC,
      keyring,
      schema: clinicalSchema,
      store: createMemoryEventLog(),
    });
    try {
      const report = await syncPair(hub, c);
      expect(report.refused.count).toBe(0);
      // What C holds of A is vouched for by A's good signatures only.
      const held = await c.store.readSite(A);
      expect(held.length).toBeGreaterThan(0);
      for (const e of held) if (e.sig !== undefined) expect(e.sig).toBe(events[e.seq - 1]!.sig);
      expect(held.some((e) => e.seq === 6 && e.sig !== undefined)).toBe(false);
    } finally {
      await hubStore.close();
    }
  });
});

describe('a store written before event ids were derived from content (schema version 1)', () => {
  // Written by the build before the trust work (commit 61257d9): random UUIDv7 ids.
  const FIXTURE = fileURLToPath(new URL('./fixtures/schema-v1.chartlog', import.meta.url));

  it('is refused with STORE_INCOMPATIBLE naming the file and why, whether opened to write or to read, and is left unchanged', async () => {
    const path = fresh();
    copyFileSync(FIXTURE, path);
    const before = readFileSync(path);
    for (const open of [() => openSqliteEventLog(path), () => openSqliteEventLog(path, { readOnly: true })]) {
      const error = (() => {
        try {
          open();
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toMatchObject({ code: 'STORE_INCOMPATIBLE', details: { path, schemaVersion: 1 } });
      expect((error as Error).message).toContain('event ids were random');
    }
    expect(readFileSync(path).equals(before)).toBe(true);
  });
});
