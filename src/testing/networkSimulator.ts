import { ChartlogError } from '../error/chartlogError.js';
import type { ChartEvent } from '../event/chartEvent.js';
import type { EventDraft } from '../event/eventWriter.js';
import { siteId, type SiteId } from '../event/ids.js';
import type { SiteKeys } from '../event/signature.js';
import type { Schema } from '../merge/schema.js';
import { createKeyring } from '../replica/keyring.js';
import type { Replica } from '../replica/replica.js';
import { createMemoryEventLog } from '../store/memory/memoryEventLog.js';
import type { EventLog } from '../store/eventLog.js';
import type { FaultSchedule } from './faultSchedule.js';
import { mulberry32 } from './mulberry32.js';
import { allPairs, checkConnected } from './networkTopology.js';
import { seededKeys } from './seededKeys.js';
import {
  createSimulatedNetwork,
  type NetworkStats,
  type SimulatedClock,
  type SimulatedNetwork,
  type SimulatedRefusal,
  type SimulatedWrite,
} from './simulatedNetwork.js';
import { simulatedDraft } from './simulatedDraft.js';
import { createSimulatedSite, type SimulatedSite } from './simulatedSite.js';
import { testSchema } from './testSchema.js';

export type { NetworkStats, SimulatedRefusal, SimulatedWrite } from './simulatedNetwork.js';

/**
 * Options for {@link runNetworkSimulation}; every one has a default.
 *
 * @example
 * ```ts
 * const options: NetworkSimulationOptions = {
 *   durableStore: (site) => openSqliteEventLog(join(dir, `${site}.chartlog`)),
 *   topology: [[0, 1], [0, 2]],
 *   maxEvents: 16,
 * };
 * ```
 */
export interface NetworkSimulationOptions {
  /** The schema every replica folds with. @defaultValue {@link testSchema} */
  readonly schema?: Schema;
  /** Makes a site's next event. @defaultValue a `prepareWrite` of `lww`, `max` and `log` on one of 3 Items of 2 test-schema patients */
  readonly draft?: (write: SimulatedWrite) => EventDraft;
  /**
   * Opens (and on restart reopens) a durable site's store, e.g. a SQLite file named after the site. Required
   * when the schedule has durable sites.
   * @defaultValue none
   */
  readonly durableStore?: (site: SiteId) => EventLog | Promise<EventLog>;
  /** Which pairs of sites are linked, by index (must connect every site). @defaultValue every pair */
  readonly topology?: readonly (readonly [number, number])[];
  /** Simulated ms per step. @defaultValue `100` */
  readonly stepMs?: number;
  /** Delivery time of a message without faults, in ms. @defaultValue `50` (next step) */
  readonly latencyMs?: number;
  /**
   * Every this many steps every connection restarts with fresh sync states (as a transport reconnects). `0`:
   * only after a partition or crash.
   * @defaultValue `10`
   */
  readonly reconnectEverySteps?: number;
  /** Most events per sync message. @defaultValue `8` */
  readonly maxEvents?: number;
  /** Each site signs a head at least every this many events. @defaultValue `4` */
  readonly signEvery?: number;
  /**
   * End with the healing period; `false` stops right after the last step, faults still in force (sites may be
   * down), to inspect the network mid-outage.
   * @defaultValue `true`
   */
  readonly heal?: boolean;
  /** Give up healing (throw `SYNC_NOT_QUIET`) after this many rounds over every link. @defaultValue `100` */
  readonly maxHealRounds?: number;
  /** Site keys. @defaultValue Ed25519 keys derived from the schedule's seed (test keys: replayable, not secret) */
  readonly keys?: (site: SiteId, index: number) => SiteKeys;
}

/**
 * The outcome of {@link runNetworkSimulation}: the sites as they ended, what they acknowledged, and what happened.
 *
 * @example
 * ```ts
 * const run: NetworkRun = await runNetworkSimulation(schedule);
 * console.log(run.trace.join('\n'), run.replicas().map((r) => r.chart.hash()));
 * await run.close();
 * ```
 */
export interface NetworkRun {
  /** The schedule that was run. */
  readonly schedule: FaultSchedule;
  /** The schema. */
  readonly schema: Schema;
  /** The sites, all up after healing. */
  readonly sites: readonly SimulatedSite[];
  /** Every event a `record()` returned (acknowledged by its store), in order. */
  readonly acknowledged: readonly ChartEvent[];
  /** Every ingest refusal, with receiver and step. */
  readonly refusals: readonly SimulatedRefusal[];
  /** One line per thing that happened, deterministic for a schedule. */
  readonly trace: readonly string[];
  /** Counts. */
  readonly stats: NetworkStats;
  /** The live replicas, in site order. @throws ChartlogError `INVALID_OPTION` when a site is down (only without healing). */
  replicas(): Replica[];
  /** Closes every store. */
  close(): Promise<void>;
}

const T0 = Date.UTC(2026, 0, 12, 8, 0, 0, 0);

/**
 * Runs a seeded, deterministic network of real replicas through a {@link FaultSchedule}
 * (after Yjs's simulated test network): each step, due faults strike (crashes,
 * restarts), sites record, due messages arrive, and every live site sends each linked
 * peer its next sync message over a bus that drops, duplicates, holds back and delays
 * them, and cuts partitioned links. Then a healing period: every site up, every link
 * up, fresh connections, no faults, rounds until no site has anything to say.
 *
 * Same schedule, same options: same trace, same events, same hashes. Close the run.
 *
 * @throws ChartlogError `SYNC_NOT_QUIET` when healing does not finish in `maxHealRounds`;
 *   `INVALID_OPTION` for a durable site without `durableStore` or a disconnected topology.
 * @example
 * ```ts
 * const run = await runNetworkSimulation(schedule, { durableStore: (site) => openSqliteEventLog(join(dir, `${site}.chartlog`)) });
 * try {
 *   await checkNetworkConvergence(run);
 * } finally {
 *   await run.close();
 * }
 * ```
 */
export async function runNetworkSimulation(
  schedule: FaultSchedule,
  options: NetworkSimulationOptions = {},
): Promise<NetworkRun> {
  const n = schedule.sites;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new ChartlogError('INVALID_OPTION', `a network needs at least one site, not ${n}`);
  const topology = options.topology ?? allPairs(n);
  checkConnected(n, topology);
  const durable = Math.max(0, Math.min(n, schedule.durable));
  if (durable > 0 && options.durableStore === undefined)
    throw new ChartlogError(
      'INVALID_OPTION',
      `the schedule has ${durable} durable site(s): pass durableStore`,
    );
  const schema = options.schema ?? testSchema;
  const stepMs = options.stepMs ?? 100;
  const clock: SimulatedClock = { now: T0 };
  const sites: SimulatedSite[] = [];
  const close = async (): Promise<void> => {
    for (const s of sites) await s.close();
  };
  try {
    await openSites(sites, schedule, options, schema, durable, () => clock.now);
    const network = createSimulatedNetwork({
      schedule,
      sites,
      clock,
      topology,
      t0: T0,
      stepMs,
      latencyMs: options.latencyMs ?? stepMs / 2,
      durable,
      syncOptions: { maxEvents: options.maxEvents ?? 8 },
      next: mulberry32(schedule.seed),
      draft: options.draft ?? simulatedDraft,
    });
    await runSteps(network, schedule, options.reconnectEverySteps ?? 10);
    if (options.heal !== false) await network.heal(options.maxHealRounds ?? 100);
    const { acknowledged, refusals, trace, stats } = network;
    const replicas = (): Replica[] => sites.map((s) => s.replica());
    return { schedule, schema, sites, acknowledged, refusals, trace, stats, replicas, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The schedule's steps: each one, in this order, what is due happens and every link talks. */
async function runSteps(network: SimulatedNetwork, schedule: FaultSchedule, reconnectEvery: number) {
  const lastStep = Math.max(1, schedule.steps);
  for (let step = 0; step < lastStep; step++) {
    network.tick(step);
    await network.restartDue();
    await network.crashDue();
    if (reconnectEvery > 0 && step > 0 && step % reconnectEvery === 0) network.reconnectAll();
    // A write scheduled past the end is made at the last step.
    for (const w of schedule.writes)
      if (Math.min(w.step, lastStep - 1) === step) await network.record(w.site % schedule.sites, w.count);
    await network.deliverDue();
    await network.gossip();
  }
}

/**
 * Opens the schedule's sites into `sites` (one by one, so a failure leaves the ones opened
 * there to close), `site-0`…, each a real replica: the first `durable` on `durableStore`,
 * the rest in memory.
 */
async function openSites(
  sites: SimulatedSite[],
  schedule: FaultSchedule,
  options: NetworkSimulationOptions,
  schema: Schema,
  durable: number,
  now: () => number,
): Promise<void> {
  const names = Array.from({ length: schedule.sites }, (_, i) => siteId(`site-${i}`));
  const keysOf = options.keys ?? ((_: SiteId, i: number) => seededKeys(schedule.seed, i));
  const keys = names.map((s, i) => keysOf(s, i));
  const keyring = createKeyring(
    Object.fromEntries(names.map((s, i) => [s, (keys[i] as SiteKeys).publicKey])),
  );
  const durableStore = options.durableStore;
  for (const [i, site] of names.entries()) {
    const isDurable = i < durable && durableStore !== undefined;
    sites.push(
      await createSimulatedSite({
        site,
        keys: keys[i] as SiteKeys,
        keyring,
        schema,
        durable: isDurable,
        openStore: isDurable ? () => durableStore(site) : () => createMemoryEventLog(),
        now,
        clockOffsetMs: schedule.clockOffsetsMs[i] ?? 0,
        signEvery: options.signEvery ?? 4,
      }),
    );
  }
}
