import { ChartlogError } from '../error/chartlogError.js';
import { createHybridClock } from '../event/hybridClock.js';
import type { SiteKeys } from '../event/signature.js';
import type { Schema } from '../merge/schema.js';
import type { Keyring } from '../replica/keyring.js';
import { createReplica, type Replica } from '../replica/replica.js';
import type { EventLog } from '../store/eventLog.js';
import { abandonStore } from '../store/abandonStore.js';

/**
 * Options for {@link createSimulatedSite}.
 *
 * @example
 * ```ts
 * const options: SimulatedSiteOptions = {
 *   site: 'practice-a',
 *   keys,
 *   keyring,
 *   schema: testSchema,
 *   openStore: () => createMemoryEventLog(),
 *   durable: false,
 *   now: () => t,
 * };
 * ```
 */
export interface SimulatedSiteOptions {
  /** The site id. */
  readonly site: string;
  /** Its key pair (required). */
  readonly keys: SiteKeys;
  /** The keyring every site of the network trusts (shared). */
  readonly keyring: Keyring;
  /** The schema its chart folds with. */
  readonly schema: Schema;
  /** Opens the site's store; called again on each restart, so a durable store must reopen the same file. */
  readonly openStore: () => EventLog | Promise<EventLog>;
  /** True when the store survives a crash (a file); a memory site cannot crash. */
  readonly durable: boolean;
  /** Simulated wall time, in ms since the epoch (the site's clock adds its offset). */
  readonly now: () => number;
  /** This site's wall-clock error, in ms. @defaultValue `0` */
  readonly clockOffsetMs?: number;
  /** Sign a head at least every this many own events. @defaultValue `256` */
  readonly signEvery?: number;
}

/**
 * A site of a simulated network: a real replica on its own store and clock, which can
 * crash (the replica is discarded, the store abandoned with no close, flush or goodbye) and
 * restart (the store reopened, a new replica rebuilt from it). Whatever the store
 * acknowledged before the crash is all the restarted replica has.
 *
 * @example
 * ```ts
 * const site = await createSimulatedSite({
 *   site: 'practice-a',
 *   keys,
 *   keyring,
 *   schema: testSchema,
 *   openStore: () => openSqliteEventLog(path),
 *   durable: true,
 *   now: () => t,
 * });
 * await site.replica().record(draft);
 * await site.crash();
 * await site.restart();
 * ```
 */
export interface SimulatedSite {
  /** The site id. */
  readonly site: string;
  /** True when the store survives a crash. */
  readonly durable: boolean;
  /** False between {@link SimulatedSite.crash} and {@link SimulatedSite.restart}. */
  readonly up: boolean;
  /** Times restarted. */
  readonly restarts: number;
  /** The live replica. @throws ChartlogError `INVALID_OPTION` while the site is down. */
  replica(): Replica;
  /**
   * Crashes the site: the replica is dropped and its store abandoned unclosed (no flush, no checkpoint).
   * @throws ChartlogError `INVALID_OPTION` for a memory site.
   */
  crash(): Promise<void>;
  /** Reopens the store and builds a new replica from it; no-op when up. */
  restart(): Promise<void>;
  /** Closes the store, and any abandoned by crashes (end of a run). */
  close(): Promise<void>;
}

/**
 * Opens a {@link SimulatedSite}: its replica on `openStore()`, with a hybrid clock on the
 * simulated time plus its offset.
 *
 * @example
 * ```ts
 * const site = await createSimulatedSite({
 *   site: 'hospital',
 *   keys,
 *   keyring,
 *   schema: testSchema,
 *   openStore: () => createMemoryEventLog(),
 *   durable: false,
 *   now: () => t,
 * });
 * ```
 */
export async function createSimulatedSite(options: SimulatedSiteOptions): Promise<SimulatedSite> {
  const offset = options.clockOffsetMs ?? 0;
  let current: Replica | undefined;
  let restarts = 0;
  const abandoned: EventLog[] = [];
  const open = async (): Promise<Replica> => {
    const store = await options.openStore();
    return createReplica({
      site: options.site,
      keys: options.keys,
      store,
      schema: options.schema,
      keyring: options.keyring,
      clock: createHybridClock({ wallClock: () => options.now() + offset }),
      wallClock: options.now,
      ...(options.signEvery === undefined ? {} : { signEvery: options.signEvery }),
    });
  };
  current = await open();
  return {
    site: options.site,
    durable: options.durable,
    get up() {
      return current !== undefined;
    },
    get restarts() {
      return restarts;
    },
    replica() {
      if (current === undefined)
        throw new ChartlogError('INVALID_OPTION', `${options.site} is down (crashed)`);
      return current;
    },
    async crash() {
      if (!options.durable)
        throw new ChartlogError(
          'INVALID_OPTION',
          `${options.site} keeps its events in memory: it cannot crash and restart`,
        );
      if (current === undefined) return;
      // The replica object, its chart and its writer are gone. The store is not closed (a
      // close could checkpoint or flush): it is abandoned as a dead process leaves it (its
      // writer lock, which dies with a process, let go), and the restart opens the file
      // afresh. Abandoned stores are closed by close().
      abandonStore(current.store);
      abandoned.push(current.store);
      current = undefined;
    },
    async restart() {
      if (current !== undefined) return;
      current = await open();
      restarts += 1;
    },
    async close() {
      const stores = [...abandoned.splice(0), ...(current ? [current.store] : [])];
      current = undefined;
      for (const store of stores) await store.close();
    },
  };
}
