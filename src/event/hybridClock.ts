import { ChartlogError } from '../error/chartlogError.js';
import { formatHlc, HLC_MAX_COUNTER, HLC_MAX_WALL_MS, isHlc, parseHlc, type Hlc } from './hlc.js';

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
  /**
   * The last stamp this site issued or observed (from its store), so a restart does not
   * go back. Taken as {@link HybridClock.observe} takes a remote stamp: the clock starts
   * no further ahead than the wall clock plus `maxSkewMs`, whatever the stamp says.
   */
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
 * the wall clock when it moves, and advance past every stamp the site has seen, but
 * never further than the wall clock plus the skew bound (docs/architecture.md, "The event"; THREAT_MODEL.md).
 */
export interface HybridClock {
  /**
   * A new stamp, later than every stamp this clock has issued or observed.
   * @throws ChartlogError `CLOCK_OUT_OF_RANGE` when the wall clock reads outside the
   *   years 1970–9999, or the clock has reached the last stamp of 9999.
   */
  now(): Hlc;
  /**
   * Moves the clock past a remote stamp (bounded by `maxSkewMs`); reports skew.
   * @throws ChartlogError `CLOCK_OUT_OF_RANGE` when the wall clock reads outside the
   *   years 1970–9999; `MALFORMED_EVENT` when `remote` is not a stamp.
   */
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
  if (!(maxSkewMs >= 0))
    throw new ChartlogError('INVALID_OPTION', `maxSkewMs must be >= 0, got ${maxSkewMs}`);
  if (options.last !== undefined && !isHlc(options.last))
    throw new ChartlogError(
      'INVALID_OPTION',
      `last must be an HLC stamp, got ${JSON.stringify(options.last)}`,
    );
  let wall = 0;
  let counter = 0;

  // The wall clock is the one input no peer controls, so it is the anchor of the bound:
  // one reading outside what a stamp can say leaves no bound to keep.
  const physicalNow = (): number => {
    const physical = Math.floor(wallClock());
    if (!(physical >= 0 && physical <= HLC_MAX_WALL_MS)) {
      throw new ChartlogError(
        'CLOCK_OUT_OF_RANGE',
        `the wall clock reads ${String(physical)} ms since 1970, outside the years 1970-9999 a stamp can say`,
        { details: { wallMs: physical } },
      );
    }
    return physical;
  };
  // Formats a state before the clock takes it, so a failure leaves the clock as it was.
  const stamp = (wallMs: number, count: number): Hlc => {
    if (wallMs > HLC_MAX_WALL_MS) {
      throw new ChartlogError(
        'CLOCK_OUT_OF_RANGE',
        'the clock has reached the last stamp of the year 9999 and cannot stamp again',
        { details: { wallMs, counter: count } },
      );
    }
    return formatHlc(wallMs, count);
  };
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

  const clock: HybridClock = {
    now() {
      const physical = physicalNow();
      let nextWall = wall;
      let nextCounter = counter + 1;
      if (physical > wall) {
        nextWall = physical;
        nextCounter = 0;
      } else if (counter >= HLC_MAX_COUNTER) {
        nextWall = wall + 1;
        nextCounter = 0;
      }
      const out = stamp(nextWall, nextCounter);
      wall = nextWall;
      counter = nextCounter;
      return out;
    },
    observe(remote) {
      if (!isHlc(remote))
        throw new ChartlogError('MALFORMED_EVENT', `not an HLC stamp: ${JSON.stringify(remote)}`, {
          issues: [{ path: ['hlc'], message: 'must be an HLC stamp' }],
        });
      const r = parseHlc(remote);
      const physical = physicalNow();
      const bound = physical + maxSkewMs;
      if (r.wallMs > bound) {
        advanceTo(Math.min(bound, HLC_MAX_WALL_MS), 0);
        return {
          clock: stamp(wall, counter),
          skew: { remote, aheadMs: r.wallMs - physical, boundMs: maxSkewMs },
        };
      }
      advanceTo(r.wallMs, r.counter);
      return { clock: stamp(wall, counter) };
    },
    peek() {
      return stamp(wall, counter);
    },
  };
  // A stored stamp is no more trusted than a remote one: it may be a peer's far-future
  // stamp, or our own from a day the wall clock was wrong.
  if (options.last !== undefined) clock.observe(options.last);
  return clock;
}
