/**
 * One vs-crdt measurement in a process of its own, so its peak memory is its system's
 * alone: `node --expose-gc --import tsx bench/vsCrdt/worker.ts '<WorkerJob JSON>'`.
 * Generates the saves from the seed, sets the system up, then times record, merge and
 * materialize (each site in turn), reads its peak RSS, and only then checks the result
 * (each site read out again and digested). Prints {@link START_PREFIX} and
 * {@link PHASE_PREFIX} lines around each phase and a {@link RESULT_PREFIX} line at the end.
 */
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { generateSaves, WORKLOAD_SITES } from '../workload/primaryCareSaves.js';
import { hashSaves } from './expectedState.js';
import { fieldKind } from './fieldKind.js';
import { digestFields, type StateDigest } from './logicalDigest.js';
import { loadSystem } from './systems.js';
import {
  PHASE_PREFIX,
  RESULT_PREFIX,
  START_PREFIX,
  type MemorySample,
  type PhaseReport,
  type WorkerJob,
  type WorkerResult,
} from './workerProtocol.js';

const job = JSON.parse(process.argv[2] ?? '') as WorkerJob;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const mb = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;
const memory: MemorySample[] = [];
const sample = (phase: string): void => {
  const before = process.memoryUsage();
  gc();
  const after = process.memoryUsage();
  memory.push({
    phase,
    heapMb: mb(before.heapUsed),
    liveHeapMb: mb(after.heapUsed),
    externalMb: mb(before.external),
    rssMb: mb(before.rss),
  });
};
const phaseStart = (phase: PhaseReport['phase']): void => {
  process.stdout.write(START_PREFIX + phase + '\n');
};
const phaseDone = (phase: PhaseReport['phase'], seconds: number): void => {
  process.stdout.write(PHASE_PREFIX + JSON.stringify({ phase, seconds } satisfies PhaseReport) + '\n');
};

const saves = generateSaves({
  saves: 3 * job.perSite,
  patients: job.patients,
  concurrency: 0.01,
  seed: job.seed,
});
const startMs = saves[0]?.at ?? 0;
const savesHash = hashSaves(saves);
const kinds = saves.map((s) => s.writes.map((w) => fieldKind(w.resource, w.field)));
const multiSite = new Map(
  (JSON.parse(readFileSync(job.multiSiteFile, 'utf8')) as [string, string[]][]).map(([k, v]) => [
    k,
    new Set(v),
  ]),
);
sample('baseline');
const baselineRssMb = memory[0]?.rssMb ?? 0;

const factory = await loadSystem(job.system, job.options);
const system = await factory({
  sites: WORKLOAD_SITES,
  patients: Array.from({ length: job.patients }, (_, i) => `p${i}`),
  startMs,
});
sample('setup');

phaseStart('record');
let t = performance.now();
await system.record(saves, kinds);
const recordS = (performance.now() - t) / 1000;
phaseDone('record', recordS);
sample('record');

phaseStart('merge');
t = performance.now();
const merged = await system.merge();
const mergeS = (performance.now() - t) / 1000;
phaseDone('merge', mergeS);
sample('merge');

// Each site's state is read out in turn (timed) and dropped before the next.
phaseStart('materialize');
let materializeS = 0;
for (let site = 0; site < WORKLOAD_SITES.length; site++) {
  t = performance.now();
  const state = system.materialize(site);
  materializeS += (performance.now() - t) / 1000;
  sample(`materialize ${site}`);
  void state; // held across the sample, so the live heap counts what was read out
}
phaseDone('materialize', materializeS);
// The peak is read before the checks, whose own allocations are no system's.
const peakRssMb = mb(process.resourceUsage().maxRSS * 1024);

// The checks (not timed, not in the peak): each site read out again and digested.
const digests: StateDigest[] = [];
for (let site = 0; site < WORKLOAD_SITES.length; site++) {
  const state = system.materialize(site);
  const dump: WriteStream | undefined =
    job.dumpDir === undefined ? undefined : createWriteStream(join(job.dumpDir, `${job.system}-${site}.tsv`));
  digests.push(
    digestFields(
      (visit) => system.visitFields(state, visit),
      multiSite,
      dump && ((key, value) => dump.write(`${key}\t${value}\n`)),
    ),
  );
  if (dump) await new Promise((resolve) => dump.end(resolve));
}

const peakHeapMb = Math.max(...memory.map((m) => m.heapMb + m.externalMb));
const notes = await system.notes();
system.dispose();
const result: WorkerResult = {
  system: job.system,
  perSite: job.perSite,
  saves: saves.length,
  savesHash,
  recordS,
  mergeS,
  materializeS,
  wireBytes: merged.wireBytes,
  messages: merged.messages,
  peakRssMb,
  baselineRssMb,
  peakHeapMb: Math.round(peakHeapMb * 10) / 10,
  memory,
  digests,
  notes,
};
process.stdout.write(RESULT_PREFIX + JSON.stringify(result) + '\n');
