import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createChart,
  createEventWriter,
  createHybridClock,
  fold,
  prepareConflictResolution,
  prepareWrite,
  siteId,
  type ChartEvent,
  type RegisterState,
} from '../../src/index.js';
import { parseHlc } from '../../src/event/hlc.js';
import { propertyParameters, scenarioArbitrary, TEST_EVENT_TYPE } from '../../src/testing/index.js';
import { ENOUGH_RUNS_FOR_COVERAGE, fieldWritesOf, retractedIds } from './support.js';

describe('property 5: a write that saw another supersedes it, whatever the clocks say', () => {
  it('for lww and mv: a write named in the pred of a live write is never current, even when the naming write has the earlier stamp', () => {
    let inverted = 0;
    const cases = fc.tuple(
      scenarioArbitrary(),
      fc.integer({ min: 6 * 60_000, max: 48 * 3_600_000 }),
      fc.nat(),
    );
    fc.assert(
      fc.property(cases, ([s, aheadMs, pick]) => {
        const { schema } = s;
        const retracted = retractedIds(s.events);
        const byId = new Map(s.events.map((e) => [e.id, e]));

        // 1. Every superseding pair the scenario produced, however its clocks ran.
        const states = fold(s.events, schema);
        for (const w of fieldWritesOf(s.events, schema)) {
          if (w.rule.name !== 'lww' && w.rule.name !== 'mv') continue;
          if (retracted.has(w.event.id)) continue;
          const state = states.get(w.stream)?.resources[w.resource]?.fields[w.field];
          const current = state ? w.rule.current(state) : [];
          for (const seen of w.pred) {
            expect(current, `${w.resource}#${w.field}: ${seen} was seen by ${w.event.id}`).not.toContain(
              seen,
            );
            const saw = byId.get(seen as ChartEvent['id']);
            if (saw && saw.hlc > w.event.hlc) inverted++;
          }
        }

        // 2. A pair built to be inverted: a site hours ahead writes, a site with a true
        // clock sees it (its HLC may not follow past the 5-minute skew bound) and
        // overwrites it with an earlier stamp.
        const stream = s.streams[0];
        if (!stream) return;
        const resource = `Item/r${(pick % 2) + 1}`;
        const latest = Math.max(...s.events.map((e) => parseHlc(e.hlc).wallMs), Date.UTC(2026, 10, 23, 9));
        const aheadClock = createHybridClock({ wallClock: () => latest + aheadMs });
        const trueClock = createHybridClock({ wallClock: () => latest });
        const ahead = createEventWriter({ site: siteId('site-ahead'), clock: aheadClock });
        const behind = createEventWriter({ site: siteId('site-behind'), clock: trueClock });
        const aheadChart = createChart({ schema });
        aheadChart.apply(s.events);
        // The site ahead supersedes whatever it sees (a resolution, as the mv field may be in conflict).
        const firsts = (['lww', 'mv'] as const).map((field) =>
          ahead.append(
            prepareConflictResolution(schema, aheadChart.state(stream), {
              stream,
              resource,
              field,
              value: 'from the future',
              author: { id: 'dr-ahead' },
            }),
          ),
        );
        const behindChart = createChart({ schema });
        for (const e of [...s.events, ...firsts]) trueClock.observe(e.hlc);
        behindChart.apply([...s.events, ...firsts]);
        const second = behind.append(
          prepareWrite(schema, behindChart.state(stream), {
            stream,
            type: TEST_EVENT_TYPE,
            author: { id: 'dr-behind' },
            writes: { [resource]: { lww: 'seen and corrected', mv: 'seen and corrected' } },
          }),
        );
        expect(second.pred[resource]).toEqual({ lww: [firsts[0]?.id], mv: [firsts[1]?.id] });
        for (const first of firsts)
          expect(second.hlc < first.hlc, `${second.hlc} should sort before ${first.hlc}`).toBe(true);

        const fields = fold([...s.events, ...firsts, second], schema).get(stream)?.resources[resource]
          ?.fields;
        const lwwState = fields?.['lww'] as RegisterState | undefined;
        const mvState = fields?.['mv'] as RegisterState | undefined;
        expect(lwwState?.value).toBe('seen and corrected');
        expect(lwwState?.live.map((w) => w.id)).toEqual([second.id]);
        expect(mvState?.value).toBe('seen and corrected');
        expect(mvState?.live.map((w) => w.id)).toEqual([second.id]);
      }),
      propertyParameters({ label: 'property 5: supersession beats clocks' }),
    );
    if (ENOUGH_RUNS_FOR_COVERAGE)
      expect(inverted, 'scenarios produced superseding writes with earlier stamps').toBeGreaterThan(0);
  });
});
