import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createEventWriter,
  createHybridClock,
  fold,
  prepareRetraction,
  RETRACTION_EVENT,
  siteId,
  type ChartEvent,
} from '../../src/index.js';
import { emptyStreamState } from '../../src/chart/streamState.js';
import { parseHlc } from '../../src/event/hlc.js';
import { propertyParameters, scenarioArbitrary } from '../../src/testing/index.js';
import { expectSameJson } from './support.js';

/** Fold `withRetraction` and `without`, and require equal `resources` and `conflicts` in every stream. */
function expectSameEffects(
  withRetraction: readonly ChartEvent[],
  without: readonly ChartEvent[],
  schema: Parameters<typeof fold>[1],
  what: string,
): void {
  const a = fold(withRetraction, schema);
  const b = fold(without, schema);
  for (const stream of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(stream) ?? emptyStreamState(stream);
    const y = b.get(stream) ?? emptyStreamState(stream);
    expectSameJson(x.resources, y.resources, `${what}: resources of ${stream}`);
    expectSameJson(x.conflicts, y.conflicts, `${what}: conflicts of ${stream}`);
  }
}

const targetsOf = (e: ChartEvent): readonly string[] =>
  e.type === RETRACTION_EVENT ? ((e.data['retracts'] as string[] | undefined) ?? []) : [];

describe('property 7: a retraction removes exactly the retracted event’s effects', () => {
  it('the fold with a retraction R of E equals, on resources and conflicts, the fold of the set without E and R', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), fc.nat(), (s, pick) => {
        const writes = s.events.filter((e) => e.type !== RETRACTION_EVENT);
        // The scenario's own retractions (written by sites that knew E, in E's stream).
        for (const r of s.events.filter((e) => e.type === RETRACTION_EVENT)) {
          const [target] = targetsOf(r);
          const retractors = s.events.filter((e) => targetsOf(e).includes(target as string));
          expectSameEffects(
            s.events,
            s.events.filter((e) => e.id !== target && !retractors.includes(e)),
            s.schema,
            `scenario retraction of ${target}`,
          );
        }
        // A fresh retraction of a random write, from an auditing site.
        const target = writes[pick % Math.max(1, writes.length)];
        if (!target) return;
        const clock = createHybridClock({
          wallClock: () => Math.max(...s.events.map((e) => parseHlc(e.hlc).wallMs)),
        });
        const auditor = createEventWriter({ site: siteId('site-audit'), clock });
        const r = auditor.append(
          prepareRetraction({
            stream: target.stream,
            events: [target.id],
            reason: 'wrong patient',
            author: { id: 'auditor' },
          }),
        );
        const all = [...s.events, r];
        const retractors = all.filter((e) => targetsOf(e).includes(target.id));
        expectSameEffects(
          all,
          all.filter((e) => e !== target && !retractors.includes(e)),
          s.schema,
          `retraction of ${target.id}`,
        );
        expect(fold(all, s.schema).get(target.stream)?.retracted).toContain(target.id);
      }),
      propertyParameters({ label: 'property 7: retraction removes exactly its target' }),
    );
  });
});
