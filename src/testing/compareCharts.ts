import { ChartlogError } from '../error/chartlogError.js';
import type { Chart } from '../chart/chart.js';
import type { ChartView } from '../chart/chartView.js';
import { stateHash } from '../chart/stateHash.js';
import { emptyStreamState, type StreamState } from '../chart/streamState.js';
import { canonicalJson } from '../event/canonicalJson.js';
import type { StreamId } from '../event/ids.js';
import type { Json } from '../event/json.js';
import { diffJson } from './diffJson.js';

/** A replica's view for comparison: a name and its per-stream states. */
export interface ReplicaView {
  /** Shown in diffs, e.g. `chart #2` or `fold (reversed)`. */
  readonly name: string;
  /** Stream → state. */
  readonly states: ReadonlyMap<StreamId, StreamState>;
  /** Stream → ids of the events held, when known (charts); compared as sets. */
  readonly eventIds?: ReadonlyMap<StreamId, readonly string[]>;
}

/** What {@link compareReplicas} or {@link compareCharts} found. */
export interface ReplicaComparison {
  /** True when every replica shows the same state, encoding and hash for every stream. */
  readonly equal: boolean;
  /** Per replica, in order: name and the per-stream state hashes joined (one line each). */
  readonly hashes: readonly { readonly name: string; readonly streams: Readonly<Record<string, string>> }[];
  /** Readable explanation of the first differences, or undefined when equal. */
  readonly diff: string | undefined;
}

/** Options for {@link compareCharts}. */
export interface CompareChartsOptions {
  /** Names for the charts in diffs. @defaultValue `chart #0`, `chart #1`, … */
  readonly names?: readonly string[];
  /** Throw an Error with the diff when they differ. @defaultValue `true` */
  readonly throwOnDifference?: boolean;
}

/**
 * Checks that charts agree, as Yjs's `compare()` does for documents: the same streams,
 * the same events held per stream, and per stream the same state by canonical encoding
 * *and* by state hash (so a hash that ignores part of the state is caught too).
 *
 * @throws ChartlogError `CONVERGENCE_FAILED` with a readable diff when they differ (unless `throwOnDifference: false`).
 * @example
 * ```ts
 * syncUntilQuiet([a, b, c]);
 * compareCharts([a, b, c], { names: ['practice-a', 'hospital', 'backup'] });
 * ```
 */
export function compareCharts(
  charts: readonly ChartView[],
  options: CompareChartsOptions = {},
): ReplicaComparison {
  const views = charts.map((chart, i): ReplicaView => {
    const streams = chart.streams();
    return {
      name: options.names?.[i] ?? `chart #${i}`,
      states: new Map(streams.map((s) => [s, chart.state(s) ?? emptyStreamState(s)])),
      // In-memory charts hold their events: compare those too. A replica's projection does not.
      ...('events' in chart
        ? { eventIds: new Map(streams.map((s) => [s, (chart as Chart).events(s).map((e) => e.id)])) }
        : {}),
    };
  });
  const result = compareReplicas(views);
  if (result.equal) {
    // Every stream agreed; the combined replica hash must agree too.
    const hashes = [...new Set(charts.map((c) => c.hash()))];
    if (hashes.length > 1)
      return fail(
        {
          ...result,
          equal: false,
          diff: `every stream agrees but chart.hash() differs: ${hashes.join(' vs ')}`,
        },
        options,
      );
  }
  return fail(result, options);
}

/**
 * Compares replica views (from charts, folds or anything else): the first view is the
 * reference; each other is checked stream by stream on canonical JSON and state hash.
 *
 * @example
 * ```ts
 * const { equal, diff } = compareReplicas([{ name: 'fold', states: fold(events, schema) }, { name: 'site-b', states: siteBStates }]);
 * ```
 */
export function compareReplicas(views: readonly ReplicaView[]): ReplicaComparison {
  const hashes = views.map((v) => ({
    name: v.name,
    streams: Object.fromEntries([...v.states].map(([s, st]) => [s, stateHash(st)])),
  }));
  const [reference, ...others] = views;
  if (!reference) return { equal: true, hashes, diff: undefined };
  const problems: string[] = [];
  for (const other of others) {
    const streams = [...new Set([...reference.states.keys(), ...other.states.keys()])].sort();
    for (const stream of streams) {
      const a = reference.states.get(stream);
      const b = other.states.get(stream);
      const ids = [reference.eventIds?.get(stream), other.eventIds?.get(stream)];
      if (ids[0] && ids[1]) {
        const x = new Set(ids[0]);
        const y = new Set(ids[1]);
        const missing = [...x].filter((id) => !y.has(id));
        const extra = [...y].filter((id) => !x.has(id));
        if (missing.length > 0 || extra.length > 0) {
          const examples = [...missing, ...extra].slice(0, 3).join(', ');
          problems.push(
            `${other.name} vs ${reference.name}, ${stream}: ` +
              `events differ (${missing.length} missing, ${extra.length} extra: ${examples}…)`,
          );
        }
      }
      const ja = a ? canonicalJson(a as unknown as Json) : undefined;
      const jb = b ? canonicalJson(b as unknown as Json) : undefined;
      const ha = a ? stateHash(a) : undefined;
      const hb = b ? stateHash(b) : undefined;
      if (ja === jb && ha === hb) continue;
      const lines = diffJson(a as unknown as Json | undefined, b as unknown as Json | undefined, { max: 8 });
      problems.push(
        [
          `${other.name} differs from ${reference.name} on ${stream}:`,
          `  state hash ${ha ?? '(no stream)'} vs ${hb ?? '(no stream)'}${ja === jb ? ' (same canonical JSON: the hash is wrong)' : ''}`,
          ...lines.map((l) => `  ${l}`),
        ].join('\n'),
      );
      if (problems.length >= 6) break;
    }
  }
  return {
    equal: problems.length === 0,
    hashes,
    diff: problems.length === 0 ? undefined : problems.join('\n'),
  };
}

function fail(result: ReplicaComparison, options: CompareChartsOptions): ReplicaComparison {
  if (!result.equal && options.throwOnDifference !== false)
    throw new ChartlogError('CONVERGENCE_FAILED', `replicas diverged:\n${result.diff}`);
  return result;
}
