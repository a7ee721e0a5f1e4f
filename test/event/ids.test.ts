import { describe, expect, it } from 'vitest';
import { isChartlogError } from '../../src/error/chartlogError.js';
import { siteId, streamId } from '../../src/event/ids.js';

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('id constructors', () => {
  it('a site id that breaks the pattern is refused with INVALID_ID naming the kind and the value, not a TypeError', () => {
    const error = thrownBy(() => siteId('Clinic A'));
    expect(isChartlogError(error, 'INVALID_ID')).toBe(true);
    if (!isChartlogError(error, 'INVALID_ID')) return;
    expect(error.details).toEqual({ kind: 'site', value: 'Clinic A' });
    expect(error.message).toMatch(/not a site id/);
    expect(error.issues).toEqual([
      { severity: 'error', code: 'value', path: [], message: expect.stringMatching(/must match/) },
    ]);
  });

  it('a stream id that breaks the pattern is refused with INVALID_ID', () => {
    const error = thrownBy(() => streamId('no-slash'));
    expect(isChartlogError(error, 'INVALID_ID') && error.details).toEqual({
      kind: 'stream',
      value: 'no-slash',
    });
  });

  it('valid ids pass through unchanged', () => {
    expect(siteId('clinic-a')).toBe('clinic-a');
    expect(streamId('patient/p1')).toBe('patient/p1');
  });
});
