import type { PendingProjection, Projector } from '../chart/projector.js';
import type { ChartEvent } from '../event/chartEvent.js';
import { progressAt } from './progressAt.js';
import type { ProjectionProgress } from './storeProjection.js';

/** Options for {@link foldIntoProjection}. */
export interface FoldIntoProjectionOptions {
  /** `rebuild` or `catch-up`, for progress. */
  readonly phase: ProjectionProgress['phase'];
  /** Events to fold in all, for progress. */
  readonly total: number;
  /** Runs one batch's writes in one store transaction (returns what the callback returns). */
  readonly inTransaction: (write: () => PendingProjection) => PendingProjection;
  /** Called after every batch. */
  readonly onProgress?: ((progress: ProjectionProgress) => void) | undefined;
  /** Events per transaction. @defaultValue `20000` */
  readonly batchEvents?: number;
  /** Clock for rates, in ms. @defaultValue `performance.now` */
  readonly now?: () => number;
}

/**
 * Folds a sequence of event groups into a projection, a transaction per batch of about
 * `batchEvents` events, reporting progress with rate and ETA: the streaming part of a
 * rebuild (groups are whole streams) and of a catch-up (groups are pages of events
 * stored without the projection). Holds one batch at a time. Returns the events folded.
 */
export function foldIntoProjection(
  projector: Projector,
  groups: Iterable<readonly ChartEvent[]>,
  options: FoldIntoProjectionOptions,
): number {
  const batchEvents = options.batchEvents ?? 20_000;
  const now = options.now ?? (() => performance.now());
  const started = now();
  let done = 0;
  let batch: ChartEvent[] = [];
  const flush = (): void => {
    if (batch.length === 0) return;
    const events = batch;
    batch = [];
    options.inTransaction(() => projector.project(events)).commit();
    done += events.length;
    options.onProgress?.(progressAt(options.phase, done, options.total, (now() - started) / 1000));
  };
  for (const group of groups) {
    for (const e of group) batch.push(e);
    if (batch.length >= batchEvents) flush();
  }
  flush();
  return done;
}
