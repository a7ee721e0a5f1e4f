import { isChartlogError, type ChartlogError } from '../../src/error/chartlogError.js';

/** The ChartlogError `promise` rejects with; fails the test when it resolves or rejects with anything else. */
export async function caughtError(promise: Promise<unknown>): Promise<ChartlogError> {
  try {
    await promise;
  } catch (error) {
    if (isChartlogError(error)) return error;
    throw error;
  }
  throw new Error('expected a ChartlogError');
}
