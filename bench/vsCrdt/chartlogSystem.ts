import {
  createHybridClock,
  createKeyring,
  createMemoryEventLog,
  createReplica,
  generateSiteKeys,
  syncReplicas,
  type Replica,
  type ReplicaOptions,
  type SiteKeys,
} from '../../src/index.js';
import { clinicalSchema } from '../../src/clinical/index.js';
import { recordSavesOffline, type OfflineSite } from '../workload/recordSaves.js';
import { fieldKind } from './fieldKind.js';
import type { FieldVisitor, MergeResult, SystemFactory, VsCrdtSystem } from './vsCrdtSystem.js';

/** Options for {@link chartlogSystem}. */
export interface ChartlogSystemOptions {
  /**
   * Passed to `createReplica` as `integrity`: `true` signs heads and checks signatures on
   * ingest; `false` runs without signatures (hash chains are still kept and checked).
   * @defaultValue `true` (chartlog's default)
   */
  readonly integrity?: boolean;
  /** Saves per `recordAll` call (each save is still its own event). @defaultValue `1`: one commit per save, as Yjs and Automerge get */
  readonly batch?: number;
}

/** A materialized site: resource key → field → plain value. */
type PlainChart = Record<string, Record<string, unknown>>;

/**
 * chartlog: three replicas (memory stores, every site's key in every keyring, a hybrid
 * clock on a simulated wall clock, the clinical schema), each save one event recorded
 * through `recordSavesOffline` (each site's `pred` from what that site alone recorded).
 * Merge is `syncReplicas` over every pair (its version-vector protocol, messages passed
 * as JSON text, `report.bytes` counted) plus bringing each chart up to date (the
 * projection is part of converging, as in the sync benchmark). Materialize reads
 * `chart.state(stream)` for every stream and turns field states into plain values
 * (a `log` field's entries are its writes' values).
 */
export function chartlogSystem(options: ChartlogSystemOptions = {}): SystemFactory {
  const integrity = options.integrity ?? true;
  const batch = options.batch ?? 1;
  return async (setup) => {
    const keys = new Map<string, SiteKeys>(setup.sites.map((s) => [s, generateSiteKeys()]));
    const publicKeys = Object.fromEntries([...keys].map(([s, k]) => [s, k.publicKey]));
    const sites = new Map<string, OfflineSite>();
    for (const site of setup.sites) {
      let wall = setup.startMs;
      const replicaOptions: ReplicaOptions = {
        site,
        keys: keys.get(site) as SiteKeys,
        store: createMemoryEventLog(),
        schema: clinicalSchema,
        keyring: createKeyring(publicKeys),
        clock: createHybridClock({ wallClock: () => wall }),
        integrity,
      };
      const replica = await createReplica(replicaOptions);
      sites.set(site, { replica, setWall: (ms) => (wall = ms) });
    }
    const replicas: Replica[] = [...sites.values()].map((s) => s.replica);
    let recorded = 0;
    const logFields = new Map<string, Map<string, boolean>>();
    const isLog = (type: string, field: string): boolean => {
      let byField = logFields.get(type);
      if (byField === undefined) logFields.set(type, (byField = new Map()));
      let log = byField.get(field);
      if (log === undefined) byField.set(field, (log = fieldKind(`${type}/x`, field) === 'log'));
      return log;
    };

    const system: VsCrdtSystem = {
      async record(saves) {
        const counts = await recordSavesOffline(saves, sites, batch);
        recorded = [...counts.values()].reduce((a, b) => a + b, 0);
      },
      async merge(): Promise<MergeResult> {
        const report = await syncReplicas(replicas);
        if (report.refused.count > 0)
          throw new Error(
            `chartlog sync refused ${report.refused.count} events: ${JSON.stringify(report.refused.examples.slice(0, 3))}`,
          );
        for (const r of replicas)
          if (r.chart.size !== recorded)
            throw new Error(`${r.site} holds ${r.chart.size} events, not ${recorded}`);
        return { wireBytes: report.bytes, messages: report.messages };
      },
      materialize(site) {
        const chart = (replicas[site] as Replica).chart;
        const out: PlainChart = {};
        for (const stream of chart.streams()) {
          const state = chart.state(stream);
          if (state === undefined) continue;
          for (const [key, resource] of Object.entries(state.resources)) {
            const fields: Record<string, unknown> = {};
            for (const [field, fs] of Object.entries(resource.fields)) {
              fields[field] = isLog(resource.type, field)
                ? (fs.value as readonly { readonly value: unknown }[]).map((w) => w.value)
                : fs.value;
            }
            out[key] = fields;
          }
        }
        return out;
      },
      visitFields(materialized, visit: FieldVisitor) {
        for (const [key, fields] of Object.entries(materialized as PlainChart))
          for (const [field, value] of Object.entries(fields)) visit(key, field, value);
      },
      async notes() {
        // Evidence the option took effect: with integrity on, a head is signed every `signEvery` events; off, none.
        const r = replicas[0] as Replica;
        const own = await r.store.readSite(r.site, 1, 100_000);
        return { integrity, batch, signedHeads: own.filter((e) => e.sig !== undefined).length };
      },
      dispose() {},
    };
    return system;
  };
}
