import type { ProjectionProgress } from './storeProjection.js';

/** A long projection job's progress after `done` of `total` events in `seconds`: its rate so far, and the time left at that rate. */
export function progressAt(
  phase: ProjectionProgress['phase'],
  done: number,
  total: number,
  seconds: number,
): ProjectionProgress {
  const eventsPerSecond = seconds > 0 ? done / seconds : 0;
  return {
    phase,
    done,
    total,
    eventsPerSecond,
    etaSeconds: eventsPerSecond > 0 ? Math.max(0, total - done) / eventsPerSecond : undefined,
  };
}
