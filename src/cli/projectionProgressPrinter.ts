import type { ProjectionProgress } from '../store/storeProjection.js';
import {
  createProgressReporter,
  type ProgressReporterOptions,
  type ProgressStream,
} from './progressReporter.js';

/**
 * An `onProgress` for a projection's rebuild or catch-up (`openProjection`,
 * `StoreProjection.rebuild`, a replica's open) that prints it with
 * {@link createProgressReporter}: one progress line per phase, labelled
 * `<label> rebuild` or `<label> catch-up`, finished when `done` reaches `total`.
 * Each phase's rate counts from when the previous one ended (the first from creation).
 *
 * @example
 * ```ts
 * const projection = await store.openProjection({ schema, onProgress: createProjectionProgressPrinter('replay', process.stderr) });
 * ```
 */
export function createProjectionProgressPrinter(
  label: string,
  stream: ProgressStream,
  options: Omit<ProgressReporterOptions, 'startedAt'> = {},
): (progress: ProjectionProgress) => void {
  const now = options.now ?? Date.now;
  let phaseStarted = now();
  let current:
    | {
        readonly phase: ProjectionProgress['phase'];
        readonly total: number;
        readonly reporter: ReturnType<typeof createProgressReporter>;
      }
    | undefined;
  return (p) => {
    if (current === undefined || current.phase !== p.phase || current.total !== p.total) {
      current = {
        phase: p.phase,
        total: p.total,
        reporter: createProgressReporter(`${label} ${p.phase}`, p.total, stream, {
          ...options,
          now,
          startedAt: phaseStarted,
        }),
      };
    }
    if (p.done < p.total) current.reporter.update(p.done);
    else {
      current.reporter.done(p.done);
      current = undefined;
      phaseStarted = now();
    }
  };
}
