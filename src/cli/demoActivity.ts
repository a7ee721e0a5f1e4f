import type { ChartEvent } from '../event/chartEvent.js';
import type { Replica } from '../replica/replica.js';
import { seqOf } from '../sync/versionVector.js';
import { demoDraft } from './demoDraft.js';

/** Options of {@link startDemoActivity} (`chartlog serve --demo-activity`). */
export interface DemoActivityOptions {
  /** Events recorded per second (may be fractional, e.g. `0.5`). */
  readonly eventsPerSecond: number;
  /**
   * Stop once this site's own chain holds this many events, counting those recorded
   * before a restart on the same store (so a killed and restarted site ends where it
   * would have ended). @defaultValue no limit
   */
  readonly maxOwnEvents?: number;
  /** Shared demo patients (`demo-patient-001` …) the events are about. @defaultValue `10` */
  readonly patients?: number;
  /** Random source for the choice of patient and action. @defaultValue `Math.random` */
  readonly random?: () => number;
  /** Called with each event once the store has acknowledged it (it is durable then). @defaultValue none */
  readonly onRecorded?: (event: ChartEvent) => void;
  /** Called once when `maxOwnEvents` is reached, with the site's own event count. @defaultValue none */
  readonly onDone?: (ownEvents: number) => void;
  /** Called when recording one event failed (a store error); the next tick tries again. @defaultValue none */
  readonly onError?: (error: unknown) => void;
}

/** A running {@link startDemoActivity}. */
export interface DemoActivity {
  /** Stops recording and resolves once the event in flight (if any) is stored, so the store may be closed. */
  stop(): Promise<void>;
}

/** Default number of shared demo patients. */
export const DEFAULT_DEMO_PATIENTS = 10;

/**
 * Records synthetic clinical events ({@link demoDraft}) into a replica at a steady rate,
 * one at a time, until `maxOwnEvents` or {@link DemoActivity.stop}. Sites running it on
 * the same demo patients edit the same records concurrently, which is what a replication
 * demo needs to show: conflicts on safety-critical fields, and convergence anyway.
 * For demos and tests only: the events are real events in the store, about made-up patients.
 *
 * @example
 * ```ts
 * const activity = startDemoActivity(replica, { eventsPerSecond: 5, maxOwnEvents: 100, onRecorded: (e) => console.log(e.seq) });
 * // …
 * await activity.stop();
 * ```
 */
export function startDemoActivity(replica: Replica, options: DemoActivityOptions): DemoActivity {
  const intervalMs = 1000 / options.eventsPerSecond;
  const random = options.random ?? Math.random;
  const patients = options.patients ?? DEFAULT_DEMO_PATIENTS;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let own: number | undefined;
  let nextAt = Date.now();

  // Never rejects: a failure is reported and the next tick tries again.
  const tick = async (): Promise<void> => {
    try {
      own ??= seqOf(await replica.versionVector(), replica.site);
      if (options.maxOwnEvents !== undefined && own >= options.maxOwnEvents) {
        stopped = true;
        options.onDone?.(own);
        return;
      }
      const event = await replica.record(
        demoDraft((stream) => replica.chart.state(stream), { site: replica.site, patients, random }),
      );
      own = event.seq;
      options.onRecorded?.(event);
    } catch (error) {
      options.onError?.(error);
    }
  };
  const schedule = (): void => {
    if (stopped) return;
    // Paced from the start, not from each event's end, so the rate holds while stores are slow.
    nextAt = Math.max(nextAt + intervalMs, Date.now());
    timer = setTimeout(() => {
      inFlight = tick().finally(schedule);
    }, nextAt - Date.now());
  };
  inFlight = tick().finally(schedule);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}
