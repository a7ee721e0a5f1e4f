import { ChartlogError } from '../error/chartlogError.js';
import { fold } from '../chart/foldStream.js';
import { combineStateHashes } from '../chart/stateHash.js';
import type { ChartEvent } from '../event/chartEvent.js';
import type { RefusalCode } from '../sync/ingestReport.js';
import type { Replica } from '../replica/replica.js';
import { compareCharts } from './compareCharts.js';
import { describeFaultSchedule } from './faultSchedule.js';
import type { NetworkRun } from './networkSimulator.js';
import { readAllEvents } from '../store/readEventPages.js';

/**
 * Options for {@link checkNetworkConvergence}.
 *
 * @example
 * ```ts
 * const report = await checkNetworkConvergence(run, { throwOnFailure: false, allowedRefusals: ['gap'] });
 * ```
 */
export interface NetworkConvergenceOptions {
  /** Refusals that faults can cause legitimately (a message lost before this one). @defaultValue `['gap']` */
  readonly allowedRefusals?: readonly RefusalCode[];
  /** Throw {@link NetworkConvergenceError} when a check fails. @defaultValue `true` */
  readonly throwOnFailure?: boolean;
  /** Trace lines quoted in the error. @defaultValue `40` (the last ones) */
  readonly traceLines?: number;
}

/**
 * What {@link checkNetworkConvergence} found.
 *
 * @example
 * ```ts
 * const { converged, hash, sites, problems }: NetworkConvergenceReport = await checkNetworkConvergence(run, { throwOnFailure: false });
 * ```
 */
export interface NetworkConvergenceReport {
  /** True when every check passed. */
  readonly converged: boolean;
  /** Distinct events held across all replicas. */
  readonly events: number;
  /** The replica hash of the batch fold of the union. */
  readonly hash: string;
  /** Per site: events held and `chart.hash()`. */
  readonly sites: readonly { readonly site: string; readonly events: number; readonly hash: string }[];
  /** One line per failed check. */
  readonly problems: readonly string[];
}

/**
 * Thrown by {@link checkNetworkConvergence}: the problems, the schedule and the end of
 * the trace in its message; the full report in `report`.
 *
 * @example
 * ```ts
 * try { await checkNetworkConvergence(run); } catch (e) { if (e instanceof NetworkConvergenceError) console.log(e.report.sites); }
 * ```
 */
export class NetworkConvergenceError extends ChartlogError<'CONVERGENCE_FAILED'> {
  /** The full report. */
  readonly report: NetworkConvergenceReport;
  constructor(report: NetworkConvergenceReport, message: string) {
    super('CONVERGENCE_FAILED', message);
    this.name = 'NetworkConvergenceError';
    this.report = report;
  }
}

/**
 * The replication claim (docs/architecture.md, "Replication") on a finished {@link NetworkRun}: every replica's
 * store holds exactly the same events (by id, and one event per site and seq); every
 * replica's `chart.hash()` equals `combineStateHashes(fold(union))`, and its charts
 * agree stream by stream (a per-field diff when not); every acknowledged event is
 * present everywhere; no fork was quarantined, no site is left recovering, and no
 * refusal other than `allowedRefusals` happened.
 *
 * @throws NetworkConvergenceError with the problems, the schedule and the trace's end.
 * @example
 * ```ts
 * const run = await runNetworkSimulation(schedule);
 * try { await checkNetworkConvergence(run); } finally { await run.close(); }
 * ```
 */
export async function checkNetworkConvergence(
  run: NetworkRun,
  options: NetworkConvergenceOptions = {},
): Promise<NetworkConvergenceReport> {
  const allowed = new Set<RefusalCode>(options.allowedRefusals ?? ['gap']);
  const replicas = run.replicas();
  const held = await Promise.all(replicas.map((r) => readAllEvents(r.store)));
  const problems: string[] = [];
  const union = new Map<string, ChartEvent>();
  held.forEach((events, r) => {
    for (const e of events) {
      const key = `${e.site}:${e.seq}`;
      const seen = union.get(key);
      if (seen === undefined) union.set(key, e);
      else if (seen.id !== e.id)
        problems.push(`${(replicas[r] as Replica).site} holds ${e.id} at ${key}, another replica ${seen.id}`);
    }
  });
  const hash = combineStateHashes(fold(union.values(), run.schema));
  const sites = replicas.map((replica, r) => ({
    site: replica.site as string,
    events: (held[r] ?? []).length,
    hash: replica.chart.hash(),
  }));
  replicas.forEach((replica, r) => {
    const ids = new Set((held[r] ?? []).map((e) => e.id));
    const missing = [...union.values()].filter((e) => !ids.has(e.id));
    if (missing.length > 0 || ids.size !== union.size)
      problems.push(
        `${replica.site} holds ${ids.size} events of ${union.size}; missing ${missing
          .slice(0, 5)
          .map((e) => `${e.site}:${e.seq}`)
          .join(', ')}`,
      );
    if (replica.chart.hash() !== hash)
      problems.push(`${replica.site}: chart.hash() ${replica.chart.hash()} ≠ fold of the union ${hash}`);
    if (replica.forks().length > 0)
      problems.push(`${replica.site} quarantined ${replica.forks().length} fork(s)`);
    if (replica.status !== 'ready') problems.push(`${replica.site} is ${replica.status}`);
    const lost = run.acknowledged.filter((e) => !ids.has(e.id));
    if (lost.length > 0)
      problems.push(
        `${replica.site} lacks ${lost.length} acknowledged event(s): ${lost
          .slice(0, 5)
          .map((e) => `${e.site}:${e.seq}`)
          .join(', ')}`,
      );
  });
  const comparison = compareCharts(
    replicas.map((r) => r.chart),
    { names: replicas.map((r) => r.site), throwOnDifference: false },
  );
  if (!comparison.equal && comparison.diff !== undefined) problems.push(comparison.diff);
  const bad = run.refusals.filter((r) => !allowed.has(r.reason.code));
  if (bad.length > 0)
    problems.push(
      `unexpected refusals: ${bad
        .slice(0, 5)
        .map(
          (r) =>
            `${r.receiver} refused ${r.site ?? '?'}:${r.seq ?? '?'} at step ${r.step}: ${r.reason.code} (${r.reason.message})`,
        )
        .join('; ')}`,
    );

  const report: NetworkConvergenceReport = {
    converged: problems.length === 0,
    events: union.size,
    hash,
    sites,
    problems,
  };
  if (!report.converged && options.throwOnFailure !== false) {
    const tail = run.trace.slice(-(options.traceLines ?? 40));
    throw new NetworkConvergenceError(
      report,
      [
        'the network did not converge:',
        ...problems.map((p) => `- ${p}`),
        describeFaultSchedule(run.schedule),
        `trace (last ${tail.length} of ${run.trace.length} lines):`,
        ...tail.map((l) => `  ${l}`),
      ].join('\n'),
    );
  }
  return report;
}
