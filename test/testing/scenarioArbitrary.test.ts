import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventHash, RETRACTION_EVENT } from '../../src/index.js';
import { assertChartEvent } from '../../src/event/validateEvent.js';
import {
  describeScenario,
  propertyParameters,
  runScenario,
  scenarioArbitrary,
  scenarioFields,
  scenarioPlanArbitrary,
  testSchema,
} from '../../src/testing/index.js';

describe('scenarioArbitrary', () => {
  it('is deterministic from the fast-check seed: same seed, same events byte for byte', () => {
    const a = fc.sample(scenarioArbitrary(), { seed: 99, numRuns: 5 });
    const b = fc.sample(scenarioArbitrary(), { seed: 99, numRuns: 5 });
    expect(a.map((s) => s.events.map(eventHash))).toEqual(b.map((s) => s.events.map(eventHash)));
    expect(a.some((s) => s.events.length > 0)).toBe(true);
  });

  it('replays a plan exactly with runScenario', () => {
    const [plan] = fc.sample(scenarioPlanArbitrary(), { seed: 5, numRuns: 1 });
    if (!plan) throw new Error('no plan');
    expect(runScenario(plan).events.map(eventHash)).toEqual(runScenario(plan).events.map(eventHash));
  });

  it('makes valid, causally plausible events from at least 3 sites: dense seqs, hash chains, pred naming only events written before', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), (s) => {
        expect(s.sites.length).toBeGreaterThanOrEqual(3);
        const written = new Set<string>();
        const heads = new Map<string, { seq: number; hash: string }>();
        for (const e of s.events) {
          assertChartEvent(e);
          const head = heads.get(e.site) ?? { seq: 0, hash: null as unknown as string };
          expect(e.seq).toBe(head.seq + 1);
          expect(e.prev).toBe(head.seq === 0 ? null : head.hash);
          heads.set(e.site, { seq: e.seq, hash: eventHash(e) });
          for (const fields of Object.values(e.pred))
            for (const ids of Object.values(fields)) for (const id of ids) expect(written.has(id)).toBe(true);
          if (e.type === RETRACTION_EVENT)
            for (const id of e.data['retracts'] as string[]) expect(written.has(id)).toBe(true);
          written.add(e.id);
        }
        // Each site knows its own events, in order, and only events that exist.
        for (const [site, known] of s.known) {
          expect(known.filter((e) => e.site === site)).toEqual(s.events.filter((e) => e.site === site));
          for (const e of known) expect(written.has(e.id)).toBe(true);
        }
      }),
      propertyParameters({ label: 'scenario events are valid and causal', runs: 50 }),
    );
  });

  it('covers every rule of the schema, several sites per field, and prints a readable trace', () => {
    const samples = fc.sample(scenarioArbitrary(), { seed: 3, numRuns: 30 });
    const sitesPerField = new Map<string, Set<string>>();
    for (const s of samples)
      for (const e of s.events)
        for (const fields of Object.values(e.data))
          if (typeof fields === 'object' && fields !== null && !Array.isArray(fields))
            for (const f of Object.keys(fields))
              sitesPerField.set(f, (sitesPerField.get(f) ?? new Set()).add(e.site));
    expect([...sitesPerField.keys()].sort()).toEqual(
      scenarioFields(testSchema)
        .map((f) => f.field)
        .sort(),
    );
    for (const sites of sitesPerField.values()) expect(sites.size).toBeGreaterThanOrEqual(3);
    const text = describeScenario(samples.find((s) => s.events.length > 2) ?? (samples[0] as never));
    expect(text).toMatch(/^Scenario: \d+ sites \(site-a: /);
    expect(text).toMatch(/site-\w writes patient\/p1 Item\/r\d/);
    expect(fc.stringify(samples[0])).toBe(describeScenario(samples[0] as never));
  });

  it('can be held to accurate clocks, no retractions and no resolutions', () => {
    for (const s of fc.sample(
      scenarioArbitrary({
        adversarialClocks: false,
        retractions: false,
        resolutions: false,
        minSites: 5,
        maxSites: 5,
      }),
      { seed: 11, numRuns: 20 },
    )) {
      expect(s.sites).toHaveLength(5);
      expect([...s.clocks.values()].every((c) => c.kind === 'accurate')).toBe(true);
      expect(s.events.every((e) => e.type === 'item.written')).toBe(true);
    }
  });
});
