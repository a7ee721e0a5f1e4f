/**
 * The sync leg of the scale benchmark, run inside a worker: three sites record N events
 * between them while cut off (each through its own replica on a memory store), then sync
 * every pair until converged, as bench/sync.bench.ts does with memory stores.
 */
import {
  createHybridClock,
  createKeyring,
  createMemoryEventLog,
  createReplica,
  generateSiteKeys,
  syncReplicas,
  type EventLog,
  type Replica,
  type SiteKeys,
} from '../../src/index.js';
import { clinicalSchema } from '../../src/clinical/index.js';
import { progress } from '../emit.js';
import { generateSaves, WORKLOAD_SITES, type Save } from '../workload/primaryCareSaves.js';
import { recordSavesOffline, type OfflineSite } from '../workload/recordSaves.js';
import { collectGarbage, liveHeap, maxRssMb, observeGcPauses } from './gcPauses.js';
import {
  CONCURRENCY,
  EVENTS_PER_PATIENT,
  SEED,
  WARMUP_EVENTS,
  type ScaleJob,
  type SyncResult,
} from './scaleJob.js';

/**
 * Warms the JIT up with the whole procedure on a separate {@link WARMUP_EVENTS}-event
 * workload (untimed, the same at every size), then generates N saves (untimed), records
 * each site's share offline (timed: the record figure), and times `syncReplicas` over
 * every pair plus one chart read per replica (which folds what sync queued). Fails unless
 * every replica ends with every event and the same version vector and chart hash
 * (checked after the timed region).
 */
export async function measureSync(job: ScaleJob): Promise<SyncResult> {
  await recordAndSync(WARMUP_EVENTS, WARMUP_EVENTS / EVENTS_PER_PATIENT, SEED + 1);
  const baseline = liveHeap();
  return { ...(await recordAndSync(job.events, job.patients, SEED)), baseline, maxRssMb: maxRssMb() };
}

async function recordAndSync(
  events: number,
  patients: number,
  seed: number,
): Promise<Omit<SyncResult, 'baseline' | 'maxRssMb'>> {
  let saves: Save[] | undefined = generateSaves({ saves: events, patients, concurrency: CONCURRENCY, seed });
  const keys = new Map<string, SiteKeys>(WORKLOAD_SITES.map((s) => [s, generateSiteKeys()]));
  const publicKeys = Object.fromEntries([...keys].map(([s, k]) => [s, k.publicKey]));
  const stores: EventLog[] = [];
  const sites = new Map<string, OfflineSite>();
  for (const site of WORKLOAD_SITES) {
    let wall = saves[0]?.at ?? 0;
    const store = createMemoryEventLog();
    stores.push(store);
    const replica = await createReplica({
      site,
      keys: keys.get(site) as SiteKeys,
      store,
      schema: clinicalSchema,
      keyring: createKeyring(publicKeys),
      clock: createHybridClock({ wallClock: () => wall }),
    });
    sites.set(site, { replica, setWall: (ms) => (wall = ms) });
  }
  const replicas: Replica[] = [...sites.values()].map((s) => s.replica);

  try {
    const r0 = performance.now();
    const counts = await recordSavesOffline(saves, sites);
    const recordS = (performance.now() - r0) / 1000;
    saves = undefined;
    const recorded = [...counts.values()].reduce((a, b) => a + b, 0);
    progress(`  sync ${events}: ${recorded} events recorded offline in ${recordS.toFixed(1)} s; syncing…`);

    collectGarbage();
    const pauses = observeGcPauses();
    const s0 = performance.now();
    const report = await syncReplicas(replicas);
    // Converging includes the projection: reading `size` folds what sync queued.
    const sizes = replicas.map((r) => r.chart.size);
    const s1 = performance.now();
    const syncGc = await pauses.between(s0, s1);
    pauses.stop();
    progress(
      `  sync ${events}: ${report.accepted} events accepted in ${((s1 - s0) / 1000).toFixed(1)} s; verifying…`,
    );

    const v0 = performance.now();
    if (report.refused.count > 0)
      throw new Error(
        `sync refused ${report.refused.count} events: ${JSON.stringify(report.refused.examples.slice(0, 3))}`,
      );
    replicas.forEach((r, i) => {
      if (sizes[i] !== recorded)
        throw new Error(`${r.site} holds ${sizes[i]} events in its chart, not ${recorded}`);
    });
    const vectors = await Promise.all(
      replicas.map(async (r) => JSON.stringify(Object.entries(await r.versionVector()).sort())),
    );
    if (new Set(vectors).size !== 1)
      throw new Error(`replicas did not converge: version vectors ${vectors.join(' ')}`);
    const hashes = replicas.map((r) => r.chart.hash());
    if (new Set(hashes).size !== 1)
      throw new Error(`replicas did not converge: chart hashes ${hashes.join(' ')}`);
    const verifyS = (performance.now() - v0) / 1000;

    return {
      kind: 'sync',
      events: recorded,
      patients,
      perSite: Object.fromEntries(counts),
      recordS,
      syncS: (s1 - s0) / 1000,
      syncGc,
      accepted: report.accepted,
      messages: report.messages,
      passes: report.passes,
      verifyS,
      afterSync: liveHeap(),
    };
  } finally {
    for (const s of stores) await s.close();
  }
}
