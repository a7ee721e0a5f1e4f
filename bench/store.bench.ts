/**
 * `npm run bench -- store [--quick]`: the EventLog adapters' durable append throughput
 * (batch sizes 1, 100, 1000; SQLite with synchronous=FULL, one fsync per batch),
 * read-back rates (one stream; everything through readAll) and bytes per event.
 *
 * Goals, set when the durable stores were built: ≥ 50,000 events/s appending batches of 100
 * with full sync; reading 1,000,000 events from a SQLite file ≥ 200,000 events/s.
 * Events are generated before each timed region.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChartEvent } from '../src/event/chartEvent.js';
import { streamId, type StreamId } from '../src/event/ids.js';
import type { EventLog } from '../src/store/eventLog.js';
import { createMemoryEventLog } from '../src/store/memory/memoryEventLog.js';
import { openSqliteEventLog } from '../src/store/sqlite/sqliteEventLog.js';
import { makeWriter, siteEvents, SITES } from '../test/support/storeFixtures.js';
import { emit, progress, type BenchOptions } from './emit.js';
import { readEventPages } from '../src/store/readEventPages.js';

// A practice's worth of records: one stream read back is one patient's history.
const STREAMS: readonly StreamId[] = Array.from({ length: 100 }, (_, i) => streamId(`patient/bench-${i}`));

/** Events of three sites, interleaved in runs of 50, as a replica would append them. */
function generate(count: number): ChartEvent[] {
  const writers = SITES.map((site, i) => makeWriter(site, { seed: 7 + i }));
  const out: ChartEvent[] = [];
  for (let i = 0; out.length < count; i++)
    out.push(...siteEvents(writers[i % writers.length]!, Math.min(50, count - out.length), STREAMS));
  return out;
}

async function timeAppend(log: EventLog, events: readonly ChartEvent[], batch: number): Promise<number> {
  const batches: ChartEvent[][] = [];
  for (let i = 0; i < events.length; i += batch) batches.push(events.slice(i, i + batch));
  const start = performance.now();
  for (const b of batches) await log.append(b);
  return events.length / ((performance.now() - start) / 1000);
}

async function timeReadAll(log: EventLog): Promise<{ rate: number; n: number }> {
  let n = 0;
  const start = performance.now();
  for await (const page of readEventPages(log)) n += page.length;
  return { rate: n / ((performance.now() - start) / 1000), n };
}

async function timeReadStream(log: EventLog, stream: StreamId): Promise<{ rate: number; n: number }> {
  const start = performance.now();
  const n = (await log.readStream(stream)).length;
  return { rate: n / ((performance.now() - start) / 1000), n };
}

function filesBytes(dir: string, prefix: string): number {
  return readdirSync(dir)
    .filter((f) => f.startsWith(prefix))
    .reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

const round = (v: number): number => Math.round(v);

/** Runs the store benchmark. */
export async function run(options: BenchOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'chartlog-bench-'));
  try {
    // Each run generates its own events just before its timed region and drops them
    // after, so no run pays for a large heap left over by another.
    const appendCounts: Record<number, number> = options.quick
      ? { 1: 300, 100: 20_000, 1000: 50_000 }
      : { 1: 2_000, 100: 100_000, 1000: 200_000 };
    let file = 0;
    for (const [sync, batches] of [
      ['full', [1, 100, 1000]],
      ['normal', [100]],
    ] as const) {
      for (const batch of batches) {
        const count = appendCounts[batch] as number;
        const events = generate(count);
        const log = openSqliteEventLog(join(dir, `append-${++file}.chartlog`), { synchronous: sync });
        const rate = await timeAppend(log, events, batch);
        await log.close();
        emit({
          bench: 'store',
          metric: 'append_events_per_s',
          store: 'sqlite',
          sync,
          batch,
          events: count,
          value: round(rate),
          unit: 'events/s',
        });
      }
    }

    // Read-back: fill a file with readCount events, generated and appended in chunks
    // (not timed) so a million events never sit in memory at once.
    const readCount = options.quick ? 50_000 : 1_000_000;
    progress(`writing ${readCount} events for the read benchmark…`);
    const path = join(dir, 'read.chartlog');
    await fill(readCount, [openSqliteEventLog(path, { synchronous: 'normal' })], true);
    const bytes = filesBytes(dir, 'read.chartlog');
    emit({
      bench: 'store',
      metric: 'bytes_per_event',
      store: 'sqlite',
      events: readCount,
      value: round(bytes / readCount),
      unit: 'bytes',
    });
    const log = openSqliteEventLog(path, { readOnly: true });
    const all = await timeReadAll(log);
    emit({
      bench: 'store',
      metric: 'read_events_per_s',
      store: 'sqlite',
      scope: 'all',
      events: all.n,
      value: round(all.rate),
      unit: 'events/s',
    });
    const one = await timeReadStream(log, STREAMS[0]!);
    emit({
      bench: 'store',
      metric: 'read_events_per_s',
      store: 'sqlite',
      scope: 'stream',
      events: one.n,
      value: round(one.rate),
      unit: 'events/s',
    });
    await log.close();

    const memoryCount = options.quick ? 50_000 : 200_000;
    for (const batch of [1, 100, 1000]) {
      const events = generate(memoryCount);
      const rate = await timeAppend(createMemoryEventLog(), events, batch);
      emit({
        bench: 'store',
        metric: 'append_events_per_s',
        store: 'memory',
        batch,
        events: memoryCount,
        value: round(rate),
        unit: 'events/s',
      });
    }
    const heapBefore = process.memoryUsage().heapUsed;
    const memory = createMemoryEventLog();
    await fill(memoryCount, [memory], false);
    const heapAfter = process.memoryUsage().heapUsed;
    emit({
      bench: 'store',
      metric: 'bytes_per_event',
      store: 'memory',
      events: memoryCount,
      value: round((heapAfter - heapBefore) / memoryCount),
      unit: 'bytes',
      note: 'heap growth, events included',
    });
    const mAll = await timeReadAll(memory);
    emit({
      bench: 'store',
      metric: 'read_events_per_s',
      store: 'memory',
      scope: 'all',
      events: mAll.n,
      value: round(mAll.rate),
      unit: 'events/s',
    });
    const mOne = await timeReadStream(memory, STREAMS[0]!);
    emit({
      bench: 'store',
      metric: 'read_events_per_s',
      store: 'memory',
      scope: 'stream',
      events: mOne.n,
      value: round(mOne.rate),
      unit: 'events/s',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Appends `count` fresh events to each log in chunks of 1000, untimed; closes SQLite logs when asked. */
async function fill(count: number, logs: readonly EventLog[], close: boolean): Promise<void> {
  const writers = SITES.map((site, i) => makeWriter(site, { seed: 70 + i }));
  for (let written = 0, i = 0; written < count; i++) {
    const chunk = siteEvents(writers[i % writers.length]!, Math.min(1000, count - written), STREAMS);
    for (const log of logs) await log.append(chunk);
    written += chunk.length;
  }
  if (close) {
    for (const log of logs) {
      if ('checkpoint' in log) await (log as { checkpoint(): Promise<void> }).checkpoint();
      await log.close();
    }
  }
}
