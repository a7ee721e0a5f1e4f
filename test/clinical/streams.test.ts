import { describe, expect, it } from 'vitest';
import { patientStream, scheduleStream } from '../../src/clinical/streams.js';
import { isChartlogError } from '../../src/error/chartlogError.js';

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('clinical streams', () => {
  it('a patient id that is not a FHIR id is refused with INVALID_ID, not a TypeError', () => {
    const error = thrownBy(() => patientStream('a b'));
    expect(isChartlogError(error, 'INVALID_ID') && error.details).toEqual({ kind: 'patient', value: 'a b' });
  });

  it('a clinic id that is not a FHIR id is refused with INVALID_ID', () => {
    const error = thrownBy(() => scheduleStream(''));
    expect(isChartlogError(error, 'INVALID_ID') && error.details).toEqual({ kind: 'clinic', value: '' });
  });

  it('valid ids give their streams', () => {
    expect(patientStream('p1')).toBe('patient/p1');
    expect(scheduleStream('leeds-road')).toBe('schedule/leeds-road');
  });
});
