import { ChartlogError } from '../error/chartlogError.js';
import { createChart } from '../chart/chart.js';
import { fold } from '../chart/foldStream.js';
import { combineStateHashes } from '../chart/stateHash.js';
import { emptyStreamState } from '../chart/streamState.js';
import type { ChartEvent } from '../event/chartEvent.js';
import type { Schema } from '../merge/schema.js';
import { compareReplicas, type ReplicaComparison, type ReplicaView } from './compareCharts.js';

/** Options for {@link checkConvergence}. */
export interface ConvergenceOptions {
  /** Orders to run the pure `fold` over (each must hold exactly the event set, duplicates allowed). @defaultValue `[events reversed]` */
  readonly orders?: readonly (readonly ChartEvent[])[];
  /**
   * Arrival schedules for fresh charts: each a list of batches, applied one `chart.apply`
   * per batch (each must hold exactly the event set, duplicates allowed).
   * @defaultValue `[[events]]` (one batch) and every event alone in reverse order
   */
  readonly deliveries?: readonly (readonly (readonly ChartEvent[])[])[];
  /** Throw {@link ConvergenceError} when a replica differs. @defaultValue `true` */
  readonly throwOnDivergence?: boolean;
}

/** What {@link checkConvergence} found. */
export interface ConvergenceReport extends ReplicaComparison {
  /** The reference replica hash: `combineStateHashes` of `fold(events)`. */
  readonly hash: string;
  /** Per replica, its name and combined hash (charts: `chart.hash()`). */
  readonly replicas: readonly { readonly name: string; readonly hash: string }[];
}

/**
 * Thrown by {@link checkConvergence}; `report` holds every replica's hashes and the diff.
 *
 * @example
 * ```ts
 * try { checkConvergence(events, schema); } catch (e) { if (e instanceof ConvergenceError) console.log(e.report.replicas); }
 * ```
 */
export class ConvergenceError extends ChartlogError<'CONVERGENCE_FAILED'> {
  /** The full comparison. */
  readonly report: ConvergenceReport;
  constructor(report: ConvergenceReport) {
    super('CONVERGENCE_FAILED', `replicas did not converge:\n${report.diff ?? ''}`);
    this.name = 'ConvergenceError';
    this.report = report;
  }
}

/**
 * Checks the whole correctness claim (docs/architecture.md, "Merge rules") on one event set: the pure `fold` in
 * the given order (the reference), the pure `fold` in every other given order, and a
 * fresh incremental chart per arrival schedule all reach the same state for every
 * stream, compared on canonical JSON and on state hash, and the same replica hash.
 *
 * @throws ConvergenceError with a readable per-field diff when any replica differs.
 * @throws ChartlogError `INVALID_OPTION` when an order or schedule does not hold exactly the events' id set.
 * @example
 * ```ts
 * checkConvergence(scenario.events, scenario.schema, { deliveries: [batchesA, batchesB] });
 * ```
 */
export function checkConvergence(
  events: readonly ChartEvent[],
  schema: Schema,
  options: ConvergenceOptions = {},
): ConvergenceReport {
  const ids = new Set(events.map((e) => e.id));
  const orders = options.orders ?? [[...events].reverse()];
  const deliveries = options.deliveries ?? [[events], [...events].reverse().map((e) => [e])];
  const sameSet = (name: string, list: readonly ChartEvent[]): void => {
    const got = new Set(list.map((e) => e.id));
    if (got.size !== ids.size || [...got].some((id) => !ids.has(id)))
      throw new ChartlogError(
        'INVALID_OPTION',
        `checkConvergence: ${name} holds ${got.size} distinct events, not the ${ids.size} given`,
        { details: { option: name.startsWith('fold') ? 'orders' : 'deliveries' } },
      );
  };

  const reference = fold(events, schema);
  const views: ReplicaView[] = [{ name: 'fold (given order)', states: reference }];
  const replicas: { name: string; hash: string }[] = [
    { name: 'fold (given order)', hash: combineStateHashes(reference) },
  ];
  orders.forEach((order, i) => {
    const name = `fold (order #${i})`;
    sameSet(name, order);
    const states = fold(order, schema);
    views.push({ name, states });
    replicas.push({ name, hash: combineStateHashes(states) });
  });
  deliveries.forEach((batches, i) => {
    const name = `chart (delivery #${i}, ${batches.length} batches)`;
    sameSet(name, batches.flat());
    const chart = createChart({ schema });
    for (const batch of batches) chart.apply(batch);
    const streams = chart.streams();
    views.push({ name, states: new Map(streams.map((s) => [s, chart.state(s) ?? emptyStreamState(s)])) });
    replicas.push({ name, hash: chart.hash() });
  });

  const comparison = compareReplicas(views);
  const hash = replicas[0]?.hash ?? '';
  const hashDiff = replicas
    .filter((r) => r.hash !== hash)
    .map((r) => `${r.name}: replica hash ${r.hash} ≠ ${hash}`);
  const diff = [comparison.diff, ...hashDiff].filter((d) => d !== undefined && d !== '').join('\n');
  const report: ConvergenceReport = {
    ...comparison,
    equal: comparison.equal && hashDiff.length === 0,
    diff: diff === '' ? undefined : diff,
    hash,
    replicas,
  };
  if (!report.equal && options.throwOnDivergence !== false) throw new ConvergenceError(report);
  return report;
}
