import { ChartlogError } from '../error/chartlogError.js';
import { formatHlc, HLC_MAX_COUNTER, parseHlc, type Hlc } from './hlc.js';

/** Options for {@link createHybridClock}. */
export interface HybridClockOptions {
  /** Wall clock in ms since the epoch; injected so tests and simulators control time. @defaultValue `Date.now` */
  readonly wallClock?: () => number;
  /**
   * How far ahead of the local wall clock a remote stamp may be before it is reported as
   * clock skew. Such a stamp is still accepted; the local clock just does not follow it
   * past this bound. @defaultValue `300_000` (5 minutes)
   */
  readonly maxSkewMs?: number;
  /** The last stamp this site issued or observed (from its store), so a restart never goes back. */
  readonly last?: Hlc;
}

/** What {@link HybridClock.observe} found. */
export interface ClockObservation {
  /** The local clock's stamp after observing. */
  readonly clock: Hlc;
  /** Set when the remote stamp was further ahead of the local wall clock than the bound. */
  readonly skew?: { readonly remote: Hlc; readonly aheadMs: number; readonly boundMs: number };
}

/**
 * A hybrid logical clock (Kulkarni et al., 2014): stamps never go backwards, follow
 * the wall clock when it moves, and advance past every stamp the site has seen.
 */
export interface HybridClock {
  /** A new stamp, later than every stamp this clock has issued or observed. */
  now(): Hlc;
  /** Moves the clock past a remote stamp (bounded by `maxSkewMs`); reports skew. */
  observe(remote: Hlc): ClockObservation;
  /** The latest stamp issued or observed, without advancing. */
  peek(): Hlc;
}

/**
 * Creates a {@link HybridClock}.
 *
 * @example
 * ```ts
 * const clock = createHybridClock({ wallClock: () => simulatedMs });
 * const stamp = clock.now();
 * ```
 */
export function createHybridClock(options: HybridClockOptions = {}): HybridClock {
  const wallClock = options.wallClock ?? Date.now;
  const maxSkewMs = options.maxSkewMs ?? 300_000;
  if (!(maxSkewMs >= 0)) throw new ChartlogError('INVALID_OPTION', `maxSkewMs must be >= 0, got ${maxSkewMs}`);
  let wall = 0;
  let counter = 0;
  if (options.last !== undefined) ({ wallMs: wall, counter } = parseHlc(options.last));

  // Physical time only ever moves the clock forward; ties bump the counter, and a
  // counter overflow borrows the next millisecond rather than breaking the fixed width.
  const advanceTo = (targetWall: number, targetCounter: number): void => {
    if (targetWall > wall) {
      wall = targetWall;
      counter = targetCounter;
    } else if (targetWall === wall && targetCounter > counter) {
      counter = targetCounter;
    }
  };
  const tick = (): void => {
    if (counter >= HLC_MAX_COUNTER) {
      wall += 1;
      counter = 0;
    } else counter += 1;
  };

  return {
    now() {
      const physical = Math.floor(wallClock());
      if (physical > wall) {
        wall = physical;
        counter = 0;
      } else tick();
      return formatHlc(wall, counter);
    },
    observe(remote) {
      const r = parseHlc(remote);
      const physical = Math.floor(wallClock());
      const bound = physical + maxSkewMs;
      if (r.wallMs > bound) {
        advanceTo(Math.max(bound, physical), 0);
        return { clock: formatHlc(wall, counter), skew: { remote, aheadMs: r.wallMs - physical, boundMs: maxSkewMs } };
      }
      advanceTo(r.wallMs, r.counter);
      return { clock: formatHlc(wall, counter) };
    },
    peek() {
      return formatHlc(wall, counter);
    },
  };
}
