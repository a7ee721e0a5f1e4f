import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeOf } from '../../src/cli/exitCodes.js';
import { ChartlogError } from '../../src/error/chartlogError.js';
import { invalidId } from '../../src/event/ids.js';

describe('exit codes', () => {
  it('a machine clock outside what a stamp can hold is a configuration error (2), not an internal one', () => {
    expect(
      exitCodeOf(
        new ChartlogError('CLOCK_OUT_OF_RANGE', 'wall clock reads year 10000', {
          details: { wallMs: 253402300800000 },
        }),
      ),
    ).toBe(EXIT.usage);
  });

  it('an id given by hand that is not one (a site or patient id) is a usage error (2), not an internal one', () => {
    expect(exitCodeOf(invalidId('site', 'Clinic A', '[a-z0-9-]'))).toBe(EXIT.usage);
  });

  it('a store whose projection is missing or out of date is a store error (3), mended by chartlog replay', () => {
    expect(exitCodeOf(new ChartlogError('PROJECTION_STALE', 'x', { details: { path: 'a.chartlog' } }))).toBe(
      EXIT.store,
    );
  });

  it('store, sync and unknown errors keep their codes', () => {
    expect(
      exitCodeOf(new ChartlogError('STORE_LOCKED', 'x', { details: { path: 'a.chartlog', action: 'open' } })),
    ).toBe(EXIT.store);
    expect(exitCodeOf(new ChartlogError('SYNC_BUSY', 'x'))).toBe(EXIT.sync);
    expect(exitCodeOf(new Error('x'))).toBe(EXIT.internal);
  });
});
