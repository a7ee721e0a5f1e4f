/**
 * One practice measurement in a process of its own (cold caches, a fresh heap):
 * `node --import tsx bench/practice/practiceWorker.ts '<PracticeJob JSON>'`. Uses only
 * what a user has: `createReplica` on the SQLite store (whose persisted projection is
 * current: opening reads no event), `chart.state`, `record`, `chart.hash`,
 * `syncReplicas`, the store's `openProjection` and its `rebuild`, and `createChart` for
 * the in-memory fold. Prints stage lines while it works and one result line (see
 * practiceJob.ts).
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import {
  createChart,
  listConflicts,
  readConflicts,
  streamId,
  syncReplicas,
  type ChartEvent,
  type EventLog,
  type Replica,
} from 'chartlog';
import { clinicalSchema } from 'chartlog/clinical';
import { openSqliteEventLog } from 'chartlog/sqlite';
import { seededFloats } from 'chartlog/testing';
import { recordSavesOffline, type OfflineSite } from '../workload/recordSaves.js';
import { CATCHUP_FLOOR_SITE, runCatchupSites } from './catchupSites.js';
import { scanEventBodies } from './scanEventBodies.js';
import { copyStore } from './copyStore.js';
import { openSiteReplica } from './openSiteReplica.js';
import type { CatchupWorkload } from './practiceStore.js';
import {
  RESULT_PREFIX,
  STAGE_PREFIX,
  type PracticeJob,
  type PracticeResult,
  type RebuildResult,
  type ScanResult,
} from './practiceJob.js';

const job = JSON.parse(process.argv[2] ?? '') as PracticeJob;
const MIB = 1024 * 1024;
const rssMb = (): number => Math.round((process.memoryUsage().rss / MIB) * 10) / 10;
const maxRssMb = (): number => Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
const stage = (text: string): void => void process.stdout.write(`${STAGE_PREFIX}${text}\n`);
const cache = job.cacheBytes !== undefined ? { cacheBytes: job.cacheBytes } : {};
const removeStoreFiles = (path: string): void => {
  for (const f of [path, `${path}-wal`, `${path}-shm`, `${path}.lock`]) rmSync(f, { force: true });
};

/** Counts the events the replica reads through `readAll` (none, when its projection is current), so a killed open says how far it got. */
function countingStore(store: EventLog, label: string): { store: EventLog; read: () => number } {
  let read = 0;
  let last = 0;
  const counted = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop !== 'readAll') return Reflect.get(target, prop, receiver) as unknown;
      return async (cursor?: string, limit?: number) => {
        const page = await target.readAll(cursor, limit);
        read += page.events.length;
        if (performance.now() - last > 1000) {
          last = performance.now();
          stage(
            `${label}: opening, ${read} of ${job.events} events read through readAll, RSS ${rssMb()} MiB`,
          );
        }
        return page;
      };
    },
  });
  return { store: counted, read: () => read };
}

/** Opens `site`'s replica on a SQLite store file (durable: synchronous full, the default), with the job's cache bound. */
async function openReplica(
  path: string,
  site: string,
  wallClock: () => number = Date.now,
): Promise<{ replica: Replica; store: EventLog; eventsRead: number }> {
  const store = openSqliteEventLog(path);
  const counted = countingStore(store, site);
  const replica = await openSiteReplica({
    site,
    store: counted.store,
    keyFiles: job.keyFiles,
    wallClock,
    cacheBytes: job.cacheBytes,
  });
  return { replica, store, eventsRead: counted.read() };
}

/** What opening the replica's projection did (`current`, `caught-up`, `rebuilt`), when its chart says. */
function openingOf(replica: Replica): string {
  const chart = replica.chart as { readonly opening?: { readonly action: string } };
  return chart.opening?.action ?? 'unknown';
}

const patient = (i: number) => streamId(`patient/p${i}`);

async function run(): Promise<PracticeResult> {
  // Each process of a job repeated in several (`process`) draws its own patients.
  const rand = seededFloats(7 + (job.process ?? 0));
  if (job.kind === 'catchup') return runCatchupSites(job, stage);
  if (job.kind === 'catchup-floor') return runCatchupSites(job, stage, CATCHUP_FLOOR_SITE);
  if (job.kind === 'catchup-one-process') return catchupInOneProcess();
  if (job.kind === 'replay') return replay();
  if (job.kind === 'fold') return fold();
  if (job.kind === 'scan') return scan();
  // Recording changes the store: record on a copy, so the cached store stays as built.
  const path = job.kind === 'record' ? join(job.scratchDir, `record-${process.pid}.chartlog`) : job.storePath;
  if (path !== job.storePath) copyStore(job.storePath, path);
  const t0 = performance.now();
  const { replica, store, eventsRead } = await openReplica(path, 'practice-a');
  const openS = (performance.now() - t0) / 1000;
  const openRssMb = rssMb();
  stage(
    `opened in ${openS.toFixed(2)} s (projection ${openingOf(replica)}, ${eventsRead} events read), RSS ${openRssMb} MiB`,
  );
  try {
    if (job.kind === 'open') {
      const r0 = performance.now();
      for (let i = 0; i < job.patients; i++) {
        // Every resource read too: a state's resources are parsed when first read, and a
        // reader that parses them all (an export, a full record view) is the memory's worst case.
        const state = replica.chart.state(patient(i));
        for (const key of Object.keys(state?.resources ?? {})) void state?.resources[key];
        if (i % 1000 === 999) stage(`read ${i + 1} of ${job.patients} patients, RSS ${rssMb()} MiB`);
      }
      return {
        openS,
        openRssMb,
        opening: openingOf(replica),
        eventsReadAtOpen: eventsRead,
        rssAfterReadingMb: rssMb(),
        readEveryPatientS: (performance.now() - r0) / 1000,
      };
    }
    if (job.kind === 'read') {
      const picked = new Set<number>();
      while (picked.size < Math.min(job.samples, job.patients)) picked.add(Math.floor(rand() * job.patients));
      const ms: number[] = [];
      for (const i of picked) {
        const r0 = performance.now();
        replica.chart.state(patient(i));
        ms.push(performance.now() - r0);
      }
      return { ms, openS, openRssMb };
    }
    if (job.kind === 'record') {
      const ms: number[] = [];
      for (let n = 0; n < job.samples; n++) {
        const p = Math.floor(rand() * job.patients);
        const key = `Observation/bench-record-${process.pid}-${n}`;
        const draft = {
          stream: patient(p),
          type: 'observation.recorded',
          data: {
            [key]: {
              subject: { reference: `Patient/p${p}` },
              code: {
                coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }],
                text: 'Heart rate',
              },
              category: [
                {
                  coding: [
                    {
                      system: 'http://terminology.hl7.org/CodeSystem/observation-category',
                      code: 'vital-signs',
                    },
                  ],
                },
              ],
              effective: { effectiveDateTime: new Date().toISOString() },
              value: { valueQuantity: { value: 60 + (n % 40), unit: '/min' } },
              status: 'final',
            },
          },
          author: { id: 'clinician-practice-a', org: 'practice-a' },
        };
        const r0 = performance.now();
        await replica.record(draft);
        ms.push(performance.now() - r0);
      }
      return { ms, openS, openRssMb };
    }
    const h0 = performance.now();
    replica.chart.hash();
    return { hashMs: performance.now() - h0 };
  } finally {
    await store.close();
    if (path !== job.storePath) removeStoreFiles(path);
  }
}

/** Three sites on copies of the practice store, all in this process, record their share of the next saves cut off, then `syncReplicas` until converged. */
async function catchupInOneProcess(): Promise<PracticeResult> {
  const workload = JSON.parse(readFileSync(job.catchupPath, 'utf8')) as CatchupWorkload;
  const dir = join(job.scratchDir, `catchup-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const stores: EventLog[] = [];
  try {
    const sites = new Map<string, OfflineSite>();
    const o0 = performance.now();
    for (const site of Object.keys(job.keyFiles)) {
      const path = join(dir, `${site}.chartlog`);
      copyStore(job.storePath, path);
      let wall = workload.saves[0]?.at ?? 0;
      const { replica, store } = await openReplica(path, site, () => wall);
      stores.push(store);
      sites.set(site, { replica, setWall: (ms) => (wall = ms) });
      stage(`catchup: ${site} opened, RSS ${rssMb()} MiB`);
    }
    const openS = (performance.now() - o0) / 1000;
    const counts = await recordSavesOffline(workload.saves, sites, 100, workload.seen);
    const recorded = [...counts.values()].reduce((a, b) => a + b, 0);
    stage(`catchup: ${recorded} events recorded cut off, RSS ${rssMb()} MiB; syncing`);
    const replicas = [...sites.values()].map((s) => s.replica);
    const s0 = performance.now();
    const report = await syncReplicas(replicas);
    // Converged includes the projection: it is folded inline with each append, so reading
    // every replica's hash here is all that is left (and costs nothing when it is).
    for (const r of replicas) r.chart.hash();
    const catchupS = (performance.now() - s0) / 1000;
    stage(`catchup: synced in ${catchupS.toFixed(2)} s; verifying`);
    if (report.refused.count > 0) throw new Error(`catchup: sync refused ${report.refused.count} events`);
    const hashes = new Set(replicas.map((r) => r.chart.hash()));
    const vectors = new Set(
      await Promise.all(
        replicas.map(async (r) => JSON.stringify(Object.entries(await r.versionVector()).sort())),
      ),
    );
    if (hashes.size !== 1 || vectors.size !== 1) throw new Error('catchup: the replicas did not converge');
    return { catchupS, recorded, accepted: report.accepted, openS };
  } finally {
    for (const s of stores) await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Progress of a rebuild as stage lines, once a second at most. */
function rebuildStages(
  label: string,
): (p: { readonly done: number; readonly total: number; readonly eventsPerSecond: number }) => void {
  let last = 0;
  return (p) => {
    if (performance.now() - last < 1000) return;
    last = performance.now();
    stage(
      `${label}: ${p.done} of ${p.total} events, ${Math.round(p.eventsPerSecond)} events/s, RSS ${rssMb()} MiB`,
    );
  };
}

/**
 * The persisted projection's streaming rebuild (what `chartlog replay` and a schema
 * upgrade do): on a copy of the store, open its projection for writing (current: no
 * fold), then `rebuild()` it `job.runs` times, timed (with `job.workers` worker threads
 * when given); then the replica hash and the open conflicts, read from the projection.
 */
async function replay(): Promise<RebuildResult> {
  mkdirSync(job.scratchDir, { recursive: true });
  const path = join(job.scratchDir, `replay-${process.pid}.chartlog`);
  copyStore(job.storePath, path);
  const store = openSqliteEventLog(path);
  try {
    const projection = await store.openProjection({ schema: clinicalSchema, ...cache });
    stage(`replay: projection opened (${projection.opening.action}), RSS ${rssMb()} MiB`);
    const runsS: number[] = [];
    let events = 0;
    let streams = 0;
    for (let r = 0; r < (job.runs ?? 1); r++) {
      const t0 = performance.now();
      const rebuilt = await projection.rebuild({
        onProgress: rebuildStages(`replay run ${r + 1}`),
        ...(job.workers !== undefined ? { workers: job.workers } : {}),
      });
      runsS.push((performance.now() - t0) / 1000);
      ({ events, streams } = rebuilt);
      stage(
        `replay run ${r + 1}: ${events} events in ${(runsS.at(-1) ?? 0).toFixed(2)} s, RSS ${rssMb()} MiB`,
      );
    }
    const h0 = performance.now();
    const hash = projection.hash();
    const hashMs = performance.now() - h0;
    const conflicts = (await readConflicts(projection, () => Promise.resolve(undefined))).length;
    return { events, streams, runsS, hash, hashMs, conflicts, maxRssMb: maxRssMb() };
  } finally {
    await store.close();
    removeStoreFiles(path);
  }
}

/** The replay's floor: read and parse every event body, nothing else, in one thread and then in one per core (see ScanResult). */
async function scan(): Promise<ScanResult> {
  const oneThread = await scanEventBodies(job.storePath, 1);
  stage(`scan: ${oneThread.events} events in ${oneThread.seconds.toFixed(2)} s in one thread`);
  return { oneThread, allCores: await scanEventBodies(job.storePath, availableParallelism()) };
}

/** Every event read into memory (untimed), then folded into a new in-memory chart (`createChart().apply`) `job.runs` times, timed: the pre-projection rebuild, for comparison. */
async function fold(): Promise<RebuildResult> {
  const store = openSqliteEventLog(job.storePath, { readOnly: true });
  const l0 = performance.now();
  const events: ChartEvent[] = [];
  try {
    let cursor: string | undefined;
    for (;;) {
      const page = await store.readAll(cursor, 5000);
      for (const e of page.events) events.push(e);
      cursor = page.cursor;
      if (page.done || page.events.length === 0) break;
    }
  } finally {
    await store.close();
  }
  const loadS = (performance.now() - l0) / 1000;
  stage(`fold: ${events.length} events read in ${loadS.toFixed(1)} s, RSS ${rssMb()} MiB`);
  const runsS: number[] = [];
  let chart = createChart({ schema: clinicalSchema });
  for (let r = 0; r < (job.runs ?? 1); r++) {
    chart = createChart({ schema: clinicalSchema });
    const t0 = performance.now();
    chart.apply(events);
    runsS.push((performance.now() - t0) / 1000);
    stage(
      `fold run ${r + 1}: ${events.length} events in ${(runsS.at(-1) ?? 0).toFixed(2)} s, RSS ${rssMb()} MiB`,
    );
  }
  const h0 = performance.now();
  const hash = chart.hash();
  const hashMs = performance.now() - h0;
  return {
    events: events.length,
    streams: chart.streams().length,
    runsS,
    loadS,
    hash,
    hashMs,
    conflicts: listConflicts(chart).length,
    maxRssMb: maxRssMb(),
  };
}

process.stdout.write(RESULT_PREFIX + JSON.stringify(await run()) + '\n');
