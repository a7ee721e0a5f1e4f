import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { propertyRuns } from '../../src/testing/index.js';
import { createHybridClock, isChartlogError, type Hlc } from '../../src/index.js';
import { formatHlc, isHlc, parseHlc } from '../../src/event/hlc.js';

const LAST_STAMP = '9999-12-31T23:59:59.999Z-999990' as Hlc;
const YEAR_10000 = Date.UTC(10000, 0, 1);

/** The code of the error `action` throws, or `undefined` when it does not throw a ChartlogError (a RangeError, say). */
function errorCodeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (e) {
    return isChartlogError(e) ? e.code : undefined;
  }
  return 'no error';
}

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0, 0);

describe('hybrid logical clock', () => {
  it('stamps follow the wall clock and sort as text in clock order', () => {
    let wall = T0;
    const clock = createHybridClock({ wallClock: () => wall });
    const a = clock.now();
    wall += 5;
    const b = clock.now();
    expect(a).toBe('2026-11-23T09:00:00.000Z-000000');
    expect(b).toBe('2026-11-23T09:00:00.005Z-000000');
    expect(a < b).toBe(true);
  });

  it('never goes backwards when the wall clock does', () => {
    let wall = T0;
    const clock = createHybridClock({ wallClock: () => wall });
    const stamps: Hlc[] = [clock.now()];
    wall -= 60_000; // NTP step back
    stamps.push(clock.now(), clock.now());
    expect(stamps.map((s) => parseHlc(s))).toEqual([
      { wallMs: T0, counter: 0 },
      { wallMs: T0, counter: 1 },
      { wallMs: T0, counter: 2 },
    ]);
  });

  it('borrows the next millisecond when the counter would overflow, keeping fixed width', () => {
    const clock = createHybridClock({ wallClock: () => T0, last: formatHlc(T0, 999_999) });
    const next = clock.now();
    expect(parseHlc(next)).toEqual({ wallMs: T0 + 1, counter: 0 });
    expect(next.length).toBe(formatHlc(T0, 0).length);
  });

  it('moves past every observed remote stamp, so the next local stamp sorts after it', () => {
    const clock = createHybridClock({ wallClock: () => T0 });
    const remote = formatHlc(T0 + 2_000, 7);
    const seen = clock.observe(remote);
    expect(seen.skew).toBeUndefined();
    expect(clock.now() > remote).toBe(true);
  });

  it('accepts a far-future stamp, reports it as skew, and does not follow it past the bound', () => {
    const clock = createHybridClock({ wallClock: () => T0, maxSkewMs: 300_000 });
    const remote = formatHlc(T0 + 3_600_000, 0); // a site one hour ahead
    const seen = clock.observe(remote);
    expect(seen.skew).toEqual({ remote, aheadMs: 3_600_000, boundMs: 300_000 });
    const next = parseHlc(clock.now());
    expect(next.wallMs).toBeLessThanOrEqual(T0 + 300_000);
    expect(next.wallMs).toBeGreaterThanOrEqual(T0);
  });

  it('resumes after a restart from the last stamp it stored, even if the wall clock is behind', () => {
    const last = formatHlc(T0 + 10_000, 3);
    const clock = createHybridClock({ wallClock: () => T0, last });
    expect(clock.now() > last).toBe(true);
  });

  it('resumed from a far-future stamp, starts no further ahead than the skew bound and keeps stamping', () => {
    const clock = createHybridClock({ wallClock: () => T0, maxSkewMs: 300_000, last: LAST_STAMP });
    expect(parseHlc(clock.peek()).wallMs).toBeLessThanOrEqual(T0 + 300_000);
    for (let i = 0; i < 20; i++) {
      const { wallMs } = parseHlc(clock.now());
      expect(wallMs).toBeGreaterThanOrEqual(T0);
      expect(wallMs).toBeLessThanOrEqual(T0 + 300_000 + 1);
    }
  });

  it('observing the last possible stamp never takes it past the bound, however often', () => {
    const clock = createHybridClock({ wallClock: () => T0 });
    for (let i = 0; i < 20; i++) {
      expect(clock.observe(LAST_STAMP).skew).toBeDefined();
      expect(parseHlc(clock.now()).wallMs).toBeLessThanOrEqual(T0 + 300_000 + 1);
    }
  });

  it('a clock that cannot stamp (wall clock past 9999, or no bound and the last stamp taken) throws CLOCK_OUT_OF_RANGE, never a RangeError', () => {
    expect(errorCodeOf(() => createHybridClock({ wallClock: () => YEAR_10000 }).now())).toBe(
      'CLOCK_OUT_OF_RANGE',
    );
    expect(
      errorCodeOf(() => createHybridClock({ wallClock: () => Number.NaN }).observe(formatHlc(T0, 0))),
    ).toBe('CLOCK_OUT_OF_RANGE');
    const unbounded = createHybridClock({
      wallClock: () => T0,
      maxSkewMs: Number.MAX_SAFE_INTEGER,
      last: LAST_STAMP,
    });
    expect(
      errorCodeOf(() => {
        for (let i = 0; i < 20; i++) unbounded.now();
      }),
    ).toBe('CLOCK_OUT_OF_RANGE');
    expect(errorCodeOf(() => createHybridClock({ last: 'yesterday' as Hlc }))).toBe('INVALID_OPTION');
  });

  it('refuses impossible stamps', () => {
    expect(isHlc('2026-02-31T00:00:00.000Z-000000')).toBe(false);
    expect(isHlc('2026-11-23T09:00:00.000Z-00000')).toBe(false);
    expect(isHlc('2026-11-23T09:00:00Z-000000')).toBe(false);
    expect(isHlc(42)).toBe(false);
    expect(errorCodeOf(() => parseHlc('yesterday'))).toBe('INVALID_ID');
    expect(errorCodeOf(() => formatHlc(-1, 0))).toBe('CLOCK_OUT_OF_RANGE');
    expect(errorCodeOf(() => formatHlc(0, 1_000_000))).toBe('CLOCK_OUT_OF_RANGE');
  });
});

describe('isHlc', () => {
  // The reference: what a Date round trip says about the stamp's instant.
  const roundTrips = (s: string): boolean => {
    const ms = Date.parse(s.slice(0, 24));
    return Number.isFinite(ms) && new Date(ms).toISOString() === s.slice(0, 24);
  };
  const digits = (n: number, max: number) =>
    fc.integer({ min: 0, max }).map((v) => String(v).padStart(n, '0'));

  it('accepts exactly the stamps whose date and time are a real instant (31 February, hour 24 and second 60 are not)', () => {
    const stamp = fc
      .tuple(
        fc.oneof(digits(4, 9999), fc.constantFrom('1900', '2000', '2024', '2100', '0000')),
        digits(2, 13),
        digits(2, 32),
        digits(2, 25),
        digits(2, 61),
        digits(2, 61),
        digits(3, 999),
      )
      .map(([y, mo, d, h, mi, s, ms]) => `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z-000001`);
    fc.assert(
      fc.property(stamp, (s) => isHlc(s) === roundTrips(s)),
      { numRuns: propertyRuns(2000) },
    );
    expect(isHlc('2024-02-29T23:59:59.999Z-000000')).toBe(true);
    expect(isHlc('2023-02-29T00:00:00.000Z-000000')).toBe(false);
  });
});
