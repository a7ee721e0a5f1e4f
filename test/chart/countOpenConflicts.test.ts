import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createChart } from '../../src/chart/chart.js';
import { countOpenConflicts, readConflicts } from '../../src/chart/conflicts.js';
import { propertyParameters, scenarioArbitrary } from '../../src/testing/index.js';

describe('countOpenConflicts', () => {
  it('counts what readConflicts lists, from the conflict index alone', async () => {
    let withConflicts = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary({ streams: 3, minSites: 2 }), async (s) => {
        const chart = createChart({ schema: s.schema });
        chart.apply(s.events);
        const listed = await readConflicts(chart, () => Promise.resolve(undefined));
        expect(countOpenConflicts(chart)).toBe(listed.length);
        if (listed.length > 0) withConflicts++;
      }),
      propertyParameters({ label: 'countOpenConflicts equals readConflicts', runs: 100 }),
    );
    // The runs exercised what is counted.
    expect(withConflicts).toBeGreaterThan(0);
  });
});
