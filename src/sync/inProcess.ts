import { ChartlogError } from '../error/chartlogError.js';
import { createInProcessChannel, type InProcessChannelOptions } from './inProcessChannel.js';
import { runSyncRounds } from './runSyncRounds.js';
import { openSyncConnection } from './syncConnection.js';
import type { SyncEndpoint } from './syncEndpoint.js';
import { syncNotQuiet } from './syncNotQuiet.js';
import { syncOverChannel } from './syncOverChannel.js';
import { addSyncReports, emptySyncReport, syncReportOf, type SyncReport } from './syncReport.js';

export type { SyncEndpoint } from './syncEndpoint.js';
export type { SyncLink } from './inProcessChannel.js';
export type { SyncRefusal, SyncReport } from './syncReport.js';

/** Options for {@link syncPair}. */
export interface SyncPairOptions extends InProcessChannelOptions {
  /** Give up (throw `SYNC_NOT_QUIET`) after this many rounds. @defaultValue `1000` */
  readonly maxRounds?: number;
}

/**
 * Syncs two endpoints in process, as one connection: fresh sync states, then rounds of
 * `a → b`, `b → a` until neither has anything to say (as Automerge's `sync(a, b)` test
 * helper loops until quiet, and gives up after a bound). Afterwards each holds everything
 * the other held, except what was refused (see `refused`). It is {@link syncOverChannel}
 * over an in-process channel.
 *
 * @throws ChartlogError `SYNC_NOT_QUIET` (with the counts in `details`) when still talking after `maxRounds`.
 * @example
 * ```ts
 * const report = await syncPair(practice, hospital);
 * ```
 */
export async function syncPair(
  a: SyncEndpoint,
  b: SyncEndpoint,
  options: SyncPairOptions = {},
): Promise<SyncReport> {
  return syncReportOf(await syncOverChannel(a, createInProcessChannel(a.site, b, options), options));
}

/** Options for {@link syncReplicas}. */
export interface SyncReplicasOptions extends SyncPairOptions {
  /** Which pairs talk, by index into the endpoints. @defaultValue every pair */
  readonly links?: readonly (readonly [number, number])[];
  /**
   * @deprecated Every link now takes one round per pass, so a pass is a round: read as
   *   `maxRounds` when that is not given.
   */
  readonly maxPasses?: number;
}

/**
 * Syncs many endpoints in process: one connection per link, all in the same rounds (each
 * link takes its round in turn), until a round where no link had anything to say. Events
 * travel on from link to link as the rounds go: with a star of links
 * (`[[hub, a], [hub, b]]`) events reach `b` from `a` only through the hub (relaying).
 *
 * @returns the counts of every link summed; `rounds` (and its old name `passes`) are the
 *   rounds of the whole network.
 * @throws ChartlogError `INVALID_OPTION` for a link naming no endpoint (before anything is
 *   sent); `SYNC_NOT_QUIET` (with the counts in `details`) when still talking after `maxRounds`.
 * @example
 * ```ts
 * await syncReplicas([practiceA, practiceB, hospital], { links: [[2, 0], [2, 1]] });
 * ```
 */
export async function syncReplicas(
  endpoints: readonly SyncEndpoint[],
  options: SyncReplicasOptions = {},
): Promise<SyncReport & { readonly passes: number }> {
  const links =
    options.links ??
    endpoints.flatMap((_, i) => endpoints.slice(i + 1).map((__, k) => [i, i + 1 + k] as const));
  const connections = links.map(([i, j]) => {
    const a = endpoints[i];
    const b = endpoints[j];
    if (a === undefined || b === undefined)
      throw new ChartlogError('INVALID_OPTION', `no endpoint for link [${i}, ${j}]`);
    return openSyncConnection(a, createInProcessChannel(a.site, b, options), options);
  });
  const total = () => connections.reduce((t, c) => addSyncReports(t, c.report), emptySyncReport(''));
  const rounds = await runSyncRounds(connections, {
    maxRounds: options.maxRounds ?? options.maxPasses ?? 1000,
    notQuiet: (n) => syncNotQuiet(`${endpoints.length} endpoints over ${links.length} links`, n, total()),
  });
  return { ...syncReportOf(total()), rounds, passes: rounds };
}
