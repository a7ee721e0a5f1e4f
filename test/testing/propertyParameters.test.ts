import { afterEach, describe, expect, it } from 'vitest';
import {
  propertyParameters,
  propertyRuns,
  propertySeed,
  PROPERTY_RUNS_ENV,
  PROPERTY_SEED_ENV,
} from '../../src/testing/index.js';

describe('run counts and seeds', () => {
  const saved = { runs: process.env[PROPERTY_RUNS_ENV], seed: process.env[PROPERTY_SEED_ENV] };
  afterEach(() => {
    for (const [name, value] of [
      [PROPERTY_RUNS_ENV, saved.runs],
      [PROPERTY_SEED_ENV, saved.seed],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('takes the run count from CHARTLOG_PROPERTY_RUNS, else the default', () => {
    delete process.env[PROPERTY_RUNS_ENV];
    expect(propertyRuns(42)).toBe(42);
    expect(propertyRuns()).toBe(100);
    process.env[PROPERTY_RUNS_ENV] = '2000';
    expect(propertyRuns(42)).toBe(2000);
    process.env[PROPERTY_RUNS_ENV] = 'lots';
    expect(() => propertyRuns()).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('takes a fixed seed from CHARTLOG_PROPERTY_SEED, else a random one, and always prints it', () => {
    process.env[PROPERTY_SEED_ENV] = '1234';
    expect(propertySeed()).toBe(1234);
    const lines: string[] = [];
    const params = propertyParameters({ label: 'x', runs: 7, log: (l) => lines.push(l) });
    expect(params).toMatchObject({ seed: 1234, numRuns: 7, includeErrorInReport: true });
    expect(lines).toEqual(['[chartlog] x: seed=1234 runs=7 (replay: CHARTLOG_PROPERTY_SEED=1234)']);
    delete process.env[PROPERTY_SEED_ENV];
    expect(Number.isSafeInteger(propertySeed())).toBe(true);
    process.env[PROPERTY_SEED_ENV] = '1e99';
    expect(() => propertySeed()).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
