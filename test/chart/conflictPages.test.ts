/**
 * The review queue in pages: `limit` and `after` give the queue a page at a time, and
 * the pages, each started after the last conflict of the one before, are the whole
 * queue in order, whatever the page size.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createChart } from '../../src/chart/chart.js';
import {
  listConflicts,
  readConflicts,
  type Conflict,
  type ConflictPosition,
} from '../../src/chart/conflicts.js';
import { ChartlogError } from '../../src/error/chartlogError.js';
import { propertyParameters, scenarioArbitrary } from '../../src/testing/index.js';

const noAuthor = (): Promise<undefined> => Promise.resolve(undefined);
const positionOf = (c: Conflict): string => `${c.stream} ${c.resource}#${c.field}`;

describe('the review queue in pages', () => {
  it('pages of any size, each after the last of the one before, are the whole queue in order', async () => {
    let paged = 0;
    await fc.assert(
      fc.asyncProperty(
        scenarioArbitrary({ streams: 3, minSites: 2 }),
        fc.integer({ min: 1, max: 4 }),
        async (s, limit) => {
          const chart = createChart({ schema: s.schema });
          chart.apply(s.events);
          const whole = await readConflicts(chart, noAuthor);
          const pages: Conflict[][] = [];
          let after: ConflictPosition | undefined;
          // Bounded, so a page that fails to advance fails the test instead of looping.
          for (let n = 0; n <= whole.length; n++) {
            const page = await readConflicts(chart, noAuthor, { limit, ...(after ? { after } : {}) });
            expect(page.length).toBeLessThanOrEqual(limit);
            if (page.length === 0) break;
            pages.push(page);
            after = page[page.length - 1];
          }
          expect(pages.flat()).toEqual(whole);
          // The in-memory listing pages the same way.
          expect(listConflicts(chart, { limit, ...(whole[0] ? { after: whole[0] } : {}) })).toEqual(
            listConflicts(chart).slice(whole[0] ? 1 : 0, (whole[0] ? 1 : 0) + limit),
          );
          if (pages.length > 1) paged++;
        },
      ),
      propertyParameters({ label: 'conflict pages', runs: 100 }),
    );
    // The runs had queues longer than a page.
    expect(paged).toBeGreaterThan(0);
  });

  it('after a position that is not an open conflict (one resolved since), starts at the next one', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary({ streams: 3, minSites: 2 }), async (s) => {
        const chart = createChart({ schema: s.schema });
        chart.apply(s.events);
        const whole = await readConflicts(chart, noAuthor);
        const [first, second] = whole;
        if (first === undefined || second === undefined) return;
        // The first position after the first conflict (its field and a NUL): no conflict
        // sits there, and the second is the next one after it.
        const gone = { ...first, field: `${first.field}\u0000` };
        const page = await readConflicts(chart, noAuthor, { after: gone, limit: 1 });
        expect(page.map(positionOf)).toEqual([positionOf(second)]);
        checked++;
      }),
      propertyParameters({ label: 'conflict pages after a gone position', runs: 100 }),
    );
    expect(checked).toBeGreaterThan(0);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses limit %s with INVALID_OPTION', async (limit) => {
    const chart = createChart({ schema: scenarioSchema() });
    await expect(readConflicts(chart, noAuthor, { limit })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      details: { option: 'limit' },
    });
    expect(() => listConflicts(chart, { limit })).toThrow(ChartlogError);
  });
});

/** Any schema will do for the refusal: take the one the scenarios use. */
function scenarioSchema(): Parameters<typeof createChart>[0]['schema'] {
  return fc.sample(scenarioArbitrary({ streams: 1 }), 1)[0]!.schema;
}
