import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { PassThrough, Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ChartEvent } from '../../src/event/chartEvent.js';
import { generateSiteKeys } from '../../src/event/signature.js';
import type { EventLog } from '../../src/store/eventLog.js';
import { createMemoryEventLog } from '../../src/store/memory/memoryEventLog.js';
import { openSqliteEventLog } from '../../src/store/sqlite/sqliteEventLog.js';
import { exportNdjson } from '../../src/store/tools/exportNdjson.js';
import { importNdjson } from '../../src/store/tools/importNdjson.js';
import { verifyEventLog } from '../../src/store/tools/verifyEventLog.js';
import { interleave, makeHistory, makeWriter, siteEvents, SITES, STREAMS } from '../support/storeFixtures.js';
import { useTempDir } from '../support/tempDir.js';
import { readAllEvents } from '../../src/store/readEventPages.js';

const file = useTempDir('ndjson');

const everything = readAllEvents;

async function signedStore(): Promise<{ log: EventLog; keys: ReturnType<typeof generateSiteKeys> }> {
  const keys = generateSiteKeys();
  const log = createMemoryEventLog();
  const a = siteEvents(makeWriter(SITES[0]!, { signing: { privateKey: keys.privateKey, every: 10 } }), 95);
  const { events } = makeHistory(40);
  // Unicode in the payload, so a multi-byte character may straddle chunk boundaries.
  const b = makeWriter(SITES[1]!, { seed: 3 });
  const accents = Array.from({ length: 20 }, (_, i) =>
    b.append({
      stream: STREAMS[0]!,
      type: 'note.added',
      data: { [`Note/n${i}`]: { text: `résumé ✓ 患者 ${i}` } },
      author: { id: 'gp-é' },
    }),
  );
  await log.append(interleave([a, accents, events.get(SITES[2]!)!]));
  return { log, keys };
}

describe('exportNdjson / importNdjson', () => {
  it('round-trips a store through a file into a SQLite store: same events, order, signatures and heads', async () => {
    const { log } = await signedStore();
    const path = file('export.ndjson');
    const seen: number[] = [];
    const exported = await exportNdjson(log, createWriteStream(path), {
      end: true,
      pageSize: 16,
      onProgress: (p) => seen.push(p.events),
    });
    expect(exported.events).toBe(await log.count());
    expect(seen.at(-1)).toBe(exported.events);
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(exported.events);

    const target = openSqliteEventLog(file('import.chartlog'));
    try {
      const progress: number[] = [];
      const imported = await importNdjson(target, createReadStream(path, { highWaterMark: 97 }), {
        batchSize: 25,
        onProgress: (p) => progress.push(p.lines),
      });
      expect(imported).toEqual({ lines: exported.events, appended: exported.events, duplicates: 0 });
      expect(progress.length).toBeGreaterThan(3);
      expect(await everything(target)).toEqual(await everything(log));
      for (const site of SITES) expect(await target.head(site)).toEqual(await log.head(site));
      // Importing again is all duplicates.
      expect(await importNdjson(target, createReadStream(path))).toMatchObject({
        appended: 0,
        duplicates: exported.events,
      });
    } finally {
      await target.close();
    }
  });

  it('waits for a slow writable to drain instead of buffering the whole store', async () => {
    const { log } = await signedStore();
    let pending = 0;
    let maxPending = 0;
    const chunks: string[] = [];
    const slow = new Writable({
      highWaterMark: 256,
      write(chunk: Buffer, _enc, done) {
        pending++;
        maxPending = Math.max(maxPending, pending);
        chunks.push(chunk.toString());
        setTimeout(() => {
          pending--;
          done();
        }, 1);
      },
    });
    const out = await exportNdjson(log, slow, { pageSize: 10, end: true });
    expect(out.events).toBe(await log.count());
    expect(maxPending).toBe(1);
    expect(chunks.join('').split('\n').filter(Boolean)).toHaveLength(out.events);
  });

  it('reads the input only as fast as the store takes it', async () => {
    const { log } = await signedStore();
    const through = new PassThrough({ highWaterMark: 1024 });
    const exporting = exportNdjson(log, through, { pageSize: 5, end: true });
    const target = createMemoryEventLog();
    const result = await importNdjson(target, through, { batchSize: 7 });
    await exporting;
    expect(result.appended).toBe(await log.count());
  });

  it('a line that is not JSON is MALFORMED_EVENT naming the line; batches before it stay', async () => {
    const events = siteEvents(makeWriter(SITES[0]!), 4);
    const text =
      events
        .slice(0, 3)
        .map((e) => JSON.stringify(e))
        .join('\n') +
      '\n\n{not json\n' +
      JSON.stringify(events[3]) +
      '\n';
    const log = createMemoryEventLog();
    await expect(importNdjson(log, Readable.from([text]), { batchSize: 2 })).rejects.toMatchObject({
      code: 'MALFORMED_EVENT',
      details: { line: 5 },
    });
    expect(await log.count()).toBe(2);
  });

  it('a store refusal names the line of the offending event', async () => {
    const events = siteEvents(makeWriter(SITES[0]!), 4);
    const text = [events[0], events[1], events[3]].map((e) => JSON.stringify(e)).join('\r\n');
    const log = createMemoryEventLog();
    await expect(importNdjson(log, Readable.from([Buffer.from(text)]))).rejects.toMatchObject({
      code: 'SEQ_GAP',
      details: { line: 3, index: 2 },
    });
    expect(await log.count()).toBe(0);
  });
});

describe('verifyEventLog', () => {
  it('finds nothing wrong with a sound store, verifying signatures for the keys given', async () => {
    const { log, keys } = await signedStore();
    const progress: number[] = [];
    const report = await verifyEventLog(log, {
      keys: { [SITES[0]!]: keys.publicKey },
      pageSize: 20,
      onProgress: (p) => progress.push(p.checked),
    });
    expect(report).toMatchObject({
      ok: true,
      events: await log.count(),
      sites: [...SITES].sort().map((site) => ({ site, events: expect.any(Number) })),
      signatures: { verified: 9, unchecked: 0 },
      problems: [],
    });
    expect(progress.at(-1)).toBe(report.events);
    expect((await verifyEventLog(log)).signatures).toEqual({ verified: 0, unchecked: 9 });
  });

  it("reports a signature that does not verify with the site's key", async () => {
    const { log } = await signedStore();
    const stranger = generateSiteKeys();
    const report = await verifyEventLog(log, { keys: new Map([[SITES[0]!, stranger.publicKey]]) });
    expect(report.ok).toBe(false);
    expect(report.problemCount).toBe(9);
    expect(report.problems.every((p) => p.kind === 'bad-signature' && p.site === SITES[0])).toBe(true);
  });

  it('reports a store whose chain, heads and count do not add up (a store that lies)', async () => {
    const a = siteEvents(makeWriter(SITES[0]!), 3);
    const inner = createMemoryEventLog();
    await inner.append(a);
    // A store that returns a tampered event and miscounts: verify must say so, not throw.
    const tampered: EventLog = {
      ...inner,
      readSite: async (site, from, limit) =>
        (await inner.readSite(site, from, limit)).map((e) =>
          e.seq === 2 ? ({ ...e, data: { 'Observation/o2': { code: 'changed' } } } as ChartEvent) : e,
        ),
      count: async () => 4,
    };
    const report = await verifyEventLog(tampered);
    expect(report.problems.map((p) => [p.kind, p.seq])).toEqual([
      ['malformed', 2],
      ['chain-broken', 3],
      ['count-mismatch', undefined],
    ]);
  });
});
