import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createEventWriter,
  createHybridClock,
  fold,
  prepareConflictResolution,
  siteId,
  type ChartEvent,
  type RegisterState,
} from '../../src/index.js';
import { canonicalJson } from '../../src/event/canonicalJson.js';
import { parseHlc } from '../../src/event/hlc.js';
import { propertyParameters, scenarioArbitrary } from '../../src/testing/index.js';
import {
  ENOUGH_RUNS_FOR_COVERAGE,
  expectSameJson,
  fieldKey,
  fieldWritesOf,
  retractedIds,
  type FieldWriteOf,
} from './support.js';

/** The writes of one field no other write transitively saw, computed from the pred graph alone. */
function maximalWrites(writes: readonly FieldWriteOf[]): Set<string> {
  const byId = new Map(writes.map((w) => [w.event.id as string, w]));
  const reach = new Map<string, Set<string>>();
  const reachable = (id: string): Set<string> => {
    const known = reach.get(id);
    if (known) return known;
    const out = new Set<string>();
    reach.set(id, out);
    for (const seen of byId.get(id)?.pred ?? []) {
      if (!byId.has(seen)) continue; // only writes in the set (not retracted) carry causality
      out.add(seen);
      for (const further of reachable(seen)) out.add(further);
    }
    return out;
  };
  const dominated = new Set<string>();
  for (const w of writes) for (const seen of reachable(w.event.id)) dominated.add(seen);
  return new Set(writes.map((w) => w.event.id as string).filter((id) => !dominated.has(id)));
}

describe('property 6: an mv conflict appears exactly when writes were concurrent', () => {
  it('the live writes of an mv field are exactly the writes no other write transitively saw; it is in conflict exactly when they disagree; a resolution clears it', () => {
    let conflicted = 0;
    fc.assert(
      fc.property(scenarioArbitrary(), (s) => {
        const { schema } = s;
        const retracted = retractedIds(s.events);
        const groups = new Map<string, FieldWriteOf[]>();
        for (const w of fieldWritesOf(s.events, schema)) {
          if (w.rule.name !== 'mv' || retracted.has(w.event.id)) continue;
          const key = fieldKey(w.stream, w.resource, w.field);
          groups.set(key, [...(groups.get(key) ?? []), w]);
        }
        const states = fold(s.events, schema);
        const open: {
          stream: ChartEvent['stream'];
          resource: string;
          field: string;
          live: readonly string[];
        }[] = [];
        for (const [, writes] of groups) {
          const { stream, resource, field } = writes[0] as FieldWriteOf;
          const expected = maximalWrites(writes);
          const state = states.get(stream)?.resources[resource]?.fields[field] as RegisterState | undefined;
          const live = state?.live.map((w) => w.id) ?? [];
          expectSameJson(
            [...live].sort(),
            [...expected].sort(),
            `live writes of ${resource}#${field} (expected: the writes no other write transitively saw)`,
          );
          // Concurrent writes that agree stay live but leave nothing to choose: a conflict
          // needs at least two different values among them.
          const values = new Set(
            writes.filter((w) => expected.has(w.event.id)).map((w) => canonicalJson(w.value)),
          );
          const inConflict = states.get(stream)?.conflicts.includes(`${resource}#${field}`) ?? false;
          expect(
            inConflict,
            `${resource}#${field} with ${expected.size} concurrent write(s) of ${values.size} value(s)`,
          ).toBe(values.size > 1);
          if (values.size > 1) open.push({ stream, resource, field, live });
        }
        if (open.length === 0) return;
        conflicted++;

        // A clinician at a new site sees every write and resolves each conflict.
        const latest = Math.max(...s.events.map((e) => parseHlc(e.hlc).wallMs));
        const clock = createHybridClock({ wallClock: () => latest });
        for (const e of s.events) clock.observe(e.hlc);
        const resolver = createEventWriter({ site: siteId('site-review'), clock });
        const resolutions = open.map((c, i) =>
          resolver.append(
            prepareConflictResolution(schema, states.get(c.stream), {
              stream: c.stream,
              resource: c.resource,
              field: c.field,
              value: `resolved-${i}`,
              author: { id: 'dr-review' },
            }),
          ),
        );
        const after = fold([...s.events, ...resolutions], schema);
        open.forEach((c, i) => {
          const state = after.get(c.stream)?.resources[c.resource]?.fields[c.field] as
            RegisterState | undefined;
          expect(after.get(c.stream)?.conflicts).not.toContain(`${c.resource}#${c.field}`);
          expect(state?.live.map((w) => w.id)).toEqual([resolutions[i]?.id]);
          expect(state?.value).toBe(`resolved-${i}`);
        });
      }),
      propertyParameters({ label: 'property 6: mv conflicts iff concurrent' }),
    );
    if (ENOUGH_RUNS_FOR_COVERAGE)
      expect(conflicted, 'runs that produced an open mv conflict').toBeGreaterThan(0);
  });
});
