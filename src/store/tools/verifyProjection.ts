import type { ChartView } from '../../chart/chartView.js';
import { addToDigestSum, EMPTY_DIGEST_SUM } from '../../chart/digestSum.js';
import { foldStream } from '../../chart/foldStream.js';
import {
  replicaHashOf,
  resourcesDigest,
  stateHash,
  streamDigestItem,
  streamHashOf,
} from '../../chart/stateHash.js';
import { emptyStreamState } from '../../chart/streamState.js';
import { isChartlogError } from '../../error/chartlogError.js';
import type { ChartEvent } from '../../event/chartEvent.js';
import type { StreamId } from '../../event/ids.js';
import { readEventPages } from '../readEventPages.js';
import type { EventLog } from '../eventLog.js';
import type { VerifyProblem, VerifyProgress } from './verifyProblem.js';

/** Options for {@link verifyProjection}. */
export interface VerifyProjectionOptions {
  /** The streams the store holds. @defaultValue collected by one pass over `readAll` (ids only) */
  readonly streams?: Iterable<StreamId>;
  /** Called after each stream with the events folded so far (`phase: 'projection'`). */
  readonly onProgress?: (progress: VerifyProgress) => void;
  /** Events in the store, for progress. @defaultValue `log.count()` */
  readonly total?: number;
  /** Stop listing problems after this many (counting goes on). @defaultValue `1000` */
  readonly maxProblems?: number;
}

/** What {@link verifyProjection} found. */
export interface ProjectionVerifyReport {
  /** True when the projection is exactly the fold of the store's events. */
  readonly ok: boolean;
  /** Streams checked (the store's and the projection's). */
  readonly streams: number;
  /** Events folded. */
  readonly events: number;
  /** The replica hash of the fold of every stream: what the projection's `hash()` must be. */
  readonly hash: string;
  /** The projection's own `hash()`. */
  readonly projectedHash: string;
  /** How many problems in all (the list stops at `maxProblems`). */
  readonly problemCount: number;
  /**
   * `projection-mismatch` (a stream, or the replica hash, differs from the fold) and `corrupt` (a projection
   * row fails its hash), in stream order.
   */
  readonly problems: readonly VerifyProblem[];
}

/**
 * Checks a store's persisted projection (any {@link ChartView}) against the events:
 * for every stream, folds its events (`foldStream`, one stream in memory at a time) and
 * compares the state hash with the projection's stored hash and with the hash of the
 * state it loads (so a resource row rewritten with a matching row hash is still
 * caught); then the projection's replica hash with the hash over every stream's fold.
 * A projection row that fails its own hash check (`STORE_CORRUPT`) is reported as
 * `corrupt` naming the stream. Reports problems; does not throw on them.
 *
 * @example
 * ```ts
 * const report = await verifyProjection(log, await log.openProjection({ schema }));
 * if (!report.ok) console.error(report.problems);
 * ```
 */
export async function verifyProjection(
  log: EventLog,
  view: ChartView,
  options: VerifyProjectionOptions = {},
): Promise<ProjectionVerifyReport> {
  const maxProblems = options.maxProblems ?? 1000;
  const problems: VerifyProblem[] = [];
  let problemCount = 0;
  const report = (p: VerifyProblem): void => {
    problemCount++;
    if (problems.length < maxProblems) problems.push(p);
  };
  const total = options.total ?? (await log.count());
  // Streams the projection has but the store does not are as wrong as ones it lacks.
  const streams = new Set<StreamId>(options.streams ?? (await streamsOf(log)));
  for (const s of view.streams()) streams.add(s);
  let sum = EMPTY_DIGEST_SUM;
  let events = 0;
  for (const stream of [...streams].sort()) {
    const held = await readStreamOrReport(log, stream, report);
    if (held === undefined) {
      // Damaged events cannot be folded: the stream is left out of both sides of the replica hash.
      const projected = projectedHashes(view, stream, report);
      if (projected !== undefined) sum = addToDigestSum(sum, streamDigestItem(stream, projected.stored), 1);
      continue;
    }
    events += held.length;
    const expected = stateHash(
      held.length === 0 ? emptyStreamState(stream) : foldStream(stream, held, view.schema),
    );
    if (held.length > 0) sum = addToDigestSum(sum, streamDigestItem(stream, expected), 1);
    const projected = projectedHashes(view, stream, report);
    if (projected !== undefined && (projected.stored !== expected || projected.loaded !== expected)) {
      report({
        kind: 'projection-mismatch',
        stream,
        message:
          `the projection of ${stream} is not the fold of its ${held.length} events (stored hash ` +
          `${projected.stored.slice(0, 12)}…, loaded state ${projected.loaded.slice(0, 12)}…, fold ` +
          `${expected.slice(0, 12)}…)`,
      });
    }
    options.onProgress?.({ phase: 'projection', checked: events, total });
  }
  const hash = replicaHashOf(sum);
  const projectedHash = view.hash();
  if (projectedHash !== hash)
    report({
      kind: 'projection-mismatch',
      message:
        `the projection's replica hash ${projectedHash.slice(0, 12)}… is not the hash over every stream's ` +
        `fold ${hash.slice(0, 12)}…`,
    });
  return {
    ok: problemCount === 0,
    streams: streams.size,
    events,
    hash,
    projectedHash,
    problemCount,
    problems,
  };
}

/** A stream's events, or undefined, with a `corrupt` problem, when the store finds one damaged. */
async function readStreamOrReport(
  log: EventLog,
  stream: StreamId,
  report: (p: VerifyProblem) => void,
): Promise<readonly ChartEvent[] | undefined> {
  try {
    return await log.readStream(stream);
  } catch (e) {
    if (!isChartlogError(e) || e.code !== 'STORE_CORRUPT') throw e;
    report({
      kind: 'corrupt',
      stream,
      message: `the projection of ${stream} cannot be checked: its events cannot be read (${e.message})`,
    });
    return undefined;
  }
}

/**
 * The projection's stored hash of a stream and the hash recomputed from the state it
 * loads (not the remembered one); undefined, with a `corrupt` problem, when a row fails its check.
 */
function projectedHashes(
  view: ChartView,
  stream: StreamId,
  report: (p: VerifyProblem) => void,
): { stored: string; loaded: string } | undefined {
  try {
    const stored = view.stateHash(stream);
    const state = view.state(stream) ?? emptyStreamState(stream);
    return {
      stored,
      loaded: streamHashOf(stream, resourcesDigest(state.resources), state.conflicts, state.retracted),
    };
  } catch (e) {
    if (!isChartlogError(e) || e.code !== 'STORE_CORRUPT') throw e;
    report({ kind: 'corrupt', stream, message: e.message });
    return undefined;
  }
}

/** Every stream id the store holds, from one pass over its events (ids kept, events dropped). */
async function streamsOf(log: EventLog): Promise<Set<StreamId>> {
  const out = new Set<StreamId>();
  for await (const page of readEventPages(log)) for (const e of page) out.add(e.stream);
  return out;
}
