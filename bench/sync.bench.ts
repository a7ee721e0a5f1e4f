/**
 * `npm run bench -- sync [--quick]`: three sites each record 100,000 events while cut
 * off from each other (--quick: 10,000), each through its own replica; then links return
 * and they sync in process (every pair, `syncReplicas`) until converged, the projection
 * of every replica included. Prints the sync time with memory stores and with SQLite
 * stores (goal ≤ 3 s), bytes on the wire per canonical event byte (goal ≤ 1.1), and the
 * record and sync rates. Saves are generated before any timed region; the record phase
 * is timed on its own. Fails loudly unless every replica ends with the same chart hash.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
} from '../src/index.js';
import { clinicalSchema } from '../src/clinical/index.js';
import { openSqliteEventLog } from '../src/store/sqlite/sqliteEventLog.js';
import { emit, progress, type BenchOptions } from './emit.js';
import { generateSaves, WORKLOAD_SITES } from './workload/primaryCareSaves.js';
import { recordSavesOffline, type OfflineSite } from './workload/recordSaves.js';

type StoreKind = 'memory' | 'sqlite';

export async function run(options: BenchOptions): Promise<void> {
  const perSite = options.quick ? 10_000 : 100_000;
  const patients = options.quick ? 1_000 : 10_000;
  const only = options.args.find((a) => a === 'memory' || a === 'sqlite') as StoreKind | undefined;
  progress(`sync: generating ${3 * perSite} saves over ${patients} patients…`);
  const saves = generateSaves({ saves: 3 * perSite, patients, concurrency: 0.01 });
  const keys = new Map<string, SiteKeys>(WORKLOAD_SITES.map((s) => [s, generateSiteKeys()]));
  const publicKeys = Object.fromEntries([...keys].map(([s, k]) => [s, k.publicKey]));

  for (const kind of only ? [only] : (['memory', 'sqlite'] as const)) {
    const dir = kind === 'sqlite' ? mkdtempSync(join(tmpdir(), 'chartlog-sync-bench-')) : undefined;
    const stores: EventLog[] = [];
    try {
      const sites = new Map<string, OfflineSite>();
      for (const site of WORKLOAD_SITES) {
        let wall = saves[0]?.at ?? 0;
        const store =
          dir === undefined ? createMemoryEventLog() : openSqliteEventLog(join(dir, `${site}.db`));
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

      progress(`sync (${kind}): recording offline…`);
      const r0 = performance.now();
      const counts = await recordSavesOffline(saves, sites);
      const recordS = (performance.now() - r0) / 1000;
      const recorded = [...counts.values()].reduce((a, b) => a + b, 0);
      emit({
        bench: 'sync',
        metric: 'record_events_per_s',
        value: Math.round(recorded / recordS),
        unit: 'events/s',
        store: kind,
        events: recorded,
      });

      progress(`sync (${kind}): syncing ${recorded} events between ${replicas.length} sites…`);
      const s0 = performance.now();
      const report = await syncReplicas(replicas);
      // The projection is part of converging: every chart is brought up to date (a read
      // folds what sync queued) inside the timed region; hashing them to compare is not.
      const sizes = replicas.map((r) => r.chart.size);
      const seconds = (performance.now() - s0) / 1000;
      const hashes = replicas.map((r) => r.chart.hash());

      if (report.refused.count > 0)
        throw new Error(
          `sync refused ${report.refused.count} events: ${JSON.stringify(report.refused.examples.slice(0, 3))}`,
        );
      const vectors = await Promise.all(
        replicas.map(async (r) => JSON.stringify(Object.entries(await r.versionVector()).sort())),
      );
      if (new Set(vectors).size !== 1)
        throw new Error(`replicas did not converge: version vectors ${vectors.join(' ')}`);
      if (new Set(hashes).size !== 1)
        throw new Error(`replicas did not converge: chart hashes ${hashes.join(' ')}`);
      replicas.forEach((r, i) => {
        if (sizes[i] !== recorded)
          throw new Error(`${r.site} holds ${sizes[i]} events in its chart, not ${recorded}`);
      });

      emit({
        bench: 'sync',
        metric: 'seconds',
        value: Math.round(seconds * 1000) / 1000,
        unit: 's',
        store: kind,
        sites: replicas.length,
        eventsPerSite: perSite,
        goal: 3,
      });
      if (kind === 'memory')
        emit({
          bench: 'sync',
          metric: 'wire_bytes_per_canonical_byte',
          value: Math.round((report.bytes / report.eventBytes) * 1000) / 1000,
          unit: 'ratio',
          bytes: report.bytes,
          canonicalBytes: report.eventBytes,
          goal: 1.1,
        });
      emit({
        bench: 'sync',
        metric: 'events_per_s',
        value: Math.round(report.accepted / seconds),
        unit: 'events/s',
        store: kind,
        accepted: report.accepted,
        messages: report.messages,
        passes: report.passes,
      });
    } finally {
      for (const s of stores) await s.close();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    }
  }
}
