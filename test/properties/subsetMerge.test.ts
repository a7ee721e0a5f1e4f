import fc from 'fast-check';
import { produce, type Draft } from 'immer';
import { describe, expect, it } from 'vitest';
import { createChart, fold, foldStream, type ChartEvent, type FieldState } from '../../src/index.js';
import { combineStateHashes } from '../../src/chart/stateHash.js';
import { emptyStreamState } from '../../src/chart/streamState.js';
import {
  compareCharts,
  compareReplicas,
  propertyParameters,
  scenarioArbitrary,
  syncUntilQuiet,
  type Scenario,
} from '../../src/testing/index.js';
import { expectSameJson, fieldKey, fieldWritesOf, retractedIds } from './support.js';

/** Scenario plus a random cover of its events by `k` subsets (each event in one or more). */
const covered = (k: number) =>
  scenarioArbitrary().chain((s) =>
    fc.tuple(
      fc.constant(s),
      fc.array(fc.tuple(fc.nat({ max: k - 1 }), fc.nat({ max: k - 1 })), {
        minLength: s.events.length,
        maxLength: s.events.length,
      }),
    ),
  );

function subsets(s: Scenario, cover: readonly (readonly [number, number])[], k: number): ChartEvent[][] {
  const out: ChartEvent[][] = Array.from({ length: k }, () => []);
  s.events.forEach((e, i) => {
    const [x, y] = cover[i] ?? [0, 0];
    out[x]?.push(e);
    if (y !== x) out[y]?.push(e);
  });
  return out;
}

describe('property 3: folding subsets separately, then merging, gives the fold of the union', () => {
  it('replicas holding different subsets (each site’s own knowledge, random covers) converge to the fold of the union once synced', () => {
    fc.assert(
      fc.property(covered(3), ([s, cover]) => {
        const parts = [...s.known.values(), ...subsets(s, cover, 3)];
        const charts = parts.map((events) => {
          const chart = createChart({ schema: s.schema });
          chart.apply(events);
          return chart;
        });
        syncUntilQuiet(charts, { maxBatch: 5 });
        compareCharts(charts);
        const synced = charts[0] as (typeof charts)[number];
        const verdict = compareReplicas([
          { name: 'fold of the union', states: fold(s.events, s.schema) },
          {
            name: 'chart #0 after sync',
            states: new Map(synced.streams().map((id) => [id, synced.state(id) ?? emptyStreamState(id)])),
          },
        ]);
        expect(verdict.diff).toBeUndefined();
        expect(synced.hash()).toBe(combineStateHashes(fold(s.events, s.schema)));
      }),
      propertyParameters({ label: 'property 3a: subset replicas then sync' }),
    );
  });

  it('merging the subset folds field by field with rule.merge equals the fold of the union, for fields no retraction touches', () => {
    let merged = 0;
    fc.assert(
      fc.property(covered(3), ([s, cover]) => {
        const parts = subsets(s, cover, 3);
        const retracted = retractedIds(s.events);
        const touched = new Set(
          fieldWritesOf(s.events, s.schema)
            .filter((w) => retracted.has(w.event.id))
            .map((w) => fieldKey(w.stream, w.resource, w.field)),
        );
        for (const stream of s.streams) {
          const union = foldStream(stream, s.events, s.schema);
          const folds = parts.map((p) => foldStream(stream, p, s.schema));
          for (const [resource, res] of Object.entries(union.resources)) {
            const rule = (field: string) => s.schema.field(res.type, field)?.rule;
            for (const [field, expected] of Object.entries(res.fields)) {
              if (touched.has(fieldKey(stream, resource, field))) continue;
              const r = rule(field);
              if (!r) throw new Error(`no rule for ${resource}#${field}`);
              const states = folds
                .map((f) => f.resources[resource]?.fields[field])
                .filter((x): x is FieldState => x !== undefined);
              const [first, ...rest] = states;
              if (!first) throw new Error(`${resource}#${field} is in the union's fold but in no subset's`);
              const joined = rest.reduce<FieldState>(
                (acc, other) => produce(acc, (d: Draft<FieldState>) => void r.merge(d as never, other)),
                first,
              );
              expectSameJson(
                joined,
                expected,
                `merge of the subset folds of ${r.name} field ${resource}#${field} vs the fold of the union`,
              );
              if (states.length > 1) merged++;
            }
          }
        }
      }),
      propertyParameters({ label: 'property 3b: state-level merge of subset folds' }),
    );
    expect(merged).toBeGreaterThan(0);
  });
});
