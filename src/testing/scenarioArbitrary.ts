import fc, { type Arbitrary } from 'fast-check';
import { createChart, type Chart } from '../chart/chart.js';
import { listConflicts } from '../chart/conflicts.js';
import { prepareConflictResolution, prepareRetraction, prepareWrite } from '../chart/prepareWrite.js';
import { canonicalJson } from '../event/canonicalJson.js';
import type { Author, ChartEvent } from '../event/chartEvent.js';
import { createEventWriter, type EventDraft, type EventWriter } from '../event/eventWriter.js';
import { createHybridClock, type HybridClock } from '../event/hybridClock.js';
import { siteId, streamId, type SiteId, type StreamId } from '../event/ids.js';
import type { Json } from '../event/json.js';
import type { MergeRule } from '../merge/mergeRule.js';
import { CONFLICT_RESOLUTION_EVENT, RETRACTION_EVENT, type Schema } from '../merge/schema.js';
import { ruleValueArbitrary } from './ruleValueArbitrary.js';
import { siteClockArbitrary, siteWallClock, type SiteClockPlan } from './siteClockArbitrary.js';
import { testSchema } from './testSchema.js';

/** A field a scenario writes: its resource type, name and rule. */
export interface ScenarioField {
  /** Resource type, e.g. `Item`. */
  readonly resourceType: string;
  /** Field name, e.g. `mv`. */
  readonly field: string;
  /** Its merge rule. */
  readonly rule: MergeRule;
}

/** Constraints for {@link scenarioArbitrary}. */
export interface ScenarioConstraints {
  /** Schema whose resource types and fields are written. @defaultValue {@link testSchema} */
  readonly schema?: Schema;
  /** Fewest sites (at least 3 makes three-way concurrency possible). @defaultValue `3` */
  readonly minSites?: number;
  /** Most sites. @defaultValue `4` */
  readonly maxSites?: number;
  /** Streams (records) written. @defaultValue `1` */
  readonly streams?: number;
  /** Resources of each type per stream: few, so sites write the same fields. @defaultValue `2` */
  readonly resources?: number;
  /** Fewest steps (writes, syncs, retractions, resolutions). @defaultValue `8` */
  readonly minSteps?: number;
  /** Most steps. @defaultValue `60` */
  readonly maxSteps?: number;
  /** Sites sometimes retract an event they know. @defaultValue `true` */
  readonly retractions?: boolean;
  /** Sites sometimes resolve a conflict they see. @defaultValue `true` */
  readonly resolutions?: boolean;
  /** Site clocks may be skewed, frozen, backwards or jumpy (see `siteClockArbitrary`). @defaultValue `true` */
  readonly adversarialClocks?: boolean;
  /** Each site's HLC skew bound. @defaultValue `300_000` (5 minutes) */
  readonly maxSkewMs?: number;
  /** Values written to a field. @defaultValue `ruleValueArbitrary(field.rule)` */
  readonly values?: (field: ScenarioField) => Arbitrary<Json>;
}

/** One step of a {@link ScenarioPlan}. Indices are taken modulo what exists, so any plan runs. */
export type ScenarioStep =
  /**
   * A site writes 1–3 fields of one resource, `pred` from its own chart (a field it sees in conflict is left
   * out: only a resolution settles one).
   */
  | {
      readonly kind: 'write';
      readonly advanceMs: number;
      readonly site: number;
      readonly stream: number;
      readonly resource: number;
      readonly fields: readonly number[];
      readonly values: readonly number[];
    }
  /** Site `to` learns what site `from` knows (only `from`'s own events when `ownOnly`). */
  | {
      readonly kind: 'sync';
      readonly advanceMs: number;
      readonly from: number;
      readonly to: number;
      readonly ownOnly: boolean;
    }
  /** A site retracts a write it knows. */
  | { readonly kind: 'retract'; readonly advanceMs: number; readonly site: number; readonly pick: number }
  /** A site resolves a conflict it sees, choosing one of the competing values. */
  | {
      readonly kind: 'resolve';
      readonly advanceMs: number;
      readonly site: number;
      readonly pick: number;
      readonly choice: number;
    };

/** What {@link scenarioArbitrary} generates before running it: shrinkable, and replayable with {@link runScenario}. */
export interface ScenarioPlan {
  /** Number of sites. */
  readonly sites: number;
  /** Each site's clock behaviour (at least `sites` entries). */
  readonly clocks: readonly SiteClockPlan[];
  /** Per field (in {@link scenarioFields} order), the values writes draw from. */
  readonly pools: readonly (readonly Json[])[];
  /** The steps, in order. */
  readonly steps: readonly ScenarioStep[];
}

/** A run of several sites writing concurrently, syncing now and then: a set of causally plausible events. */
export interface Scenario {
  /** The schema written with. */
  readonly schema: Schema;
  /** The sites, `site-a`, `site-b`, … */
  readonly sites: readonly SiteId[];
  /** The streams written, `patient/p1`, … */
  readonly streams: readonly StreamId[];
  /** Each site's clock behaviour. */
  readonly clocks: ReadonlyMap<SiteId, SiteClockPlan>;
  /** Every event, in the order written. */
  readonly events: readonly ChartEvent[];
  /** What each site knew at the end, in the order it learned it: a natural subset per replica. */
  readonly known: ReadonlyMap<SiteId, readonly ChartEvent[]>;
  /** One line per step, for counterexamples. */
  readonly trace: readonly string[];
}

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0, 0);
const POOL_SIZE = 3;

/**
 * The fields a scenario over `schema` writes, in a fixed order.
 *
 * @example scenarioFields(testSchema).map((f) => f.field) // ['lww', 'mv', 'once', 'max', 'min', 'set', 'log']
 */
export function scenarioFields(schema: Schema): ScenarioField[] {
  const out: ScenarioField[] = [];
  for (const [resourceType, resource] of Object.entries(schema.definition.resources)) {
    for (const field of Object.keys(resource.fields)) {
      const resolved = schema.field(resourceType, field);
      if (resolved) out.push({ resourceType, field, rule: resolved.rule });
    }
  }
  return out;
}

/**
 * A multi-site scenario: 3+ sites, each with its own `createEventWriter` and
 * `createHybridClock` on a generated (often wrong) wall clock, write concurrently to the
 * same few fields and sync now and then, so each write's `pred` comes from what its
 * author really saw (`prepareWrite` against the site's own chart). Sites also retract
 * events and resolve conflicts. Everything is derived from the plan (event ids from each
 * event's site and seq), so a plan replays the exact same events.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(scenarioArbitrary(), (s) => {
 *   checkConvergence(s.events, s.schema);
 * }), propertyParameters({ label: 'scenarios converge' }));
 * ```
 */
export function scenarioArbitrary(constraints: ScenarioConstraints = {}): Arbitrary<Scenario> {
  return scenarioPlanArbitrary(constraints).map((plan) => runScenario(plan, constraints));
}

/**
 * The plan {@link scenarioArbitrary} runs: generate it separately to inspect or store a
 * counterexample, and replay it with {@link runScenario}.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(scenarioPlanArbitrary(), (plan) => { const s = runScenario(plan); … }));
 * ```
 */
export function scenarioPlanArbitrary(constraints: ScenarioConstraints = {}): Arbitrary<ScenarioPlan> {
  const schema = constraints.schema ?? testSchema;
  const minSites = constraints.minSites ?? 3;
  const maxSites = Math.max(minSites, constraints.maxSites ?? 4);
  const fields = scenarioFields(schema);
  const valuesOf = constraints.values ?? ((f: ScenarioField) => ruleValueArbitrary(f.rule));
  const advanceMs = fc.integer({ min: 0, max: 2_000 });
  const steps: { weight: number; arbitrary: Arbitrary<ScenarioStep> }[] = [
    {
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant('write' as const),
        advanceMs,
        site: fc.nat(),
        stream: fc.nat(),
        resource: fc.nat(),
        fields: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
        values: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
      }),
    },
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant('sync' as const),
        advanceMs,
        from: fc.nat(),
        to: fc.nat(),
        ownOnly: fc.boolean(),
      }),
    },
  ];
  if (constraints.retractions !== false)
    steps.push({
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('retract' as const),
        advanceMs,
        site: fc.nat(),
        pick: fc.nat(),
      }),
    });
  if (constraints.resolutions !== false)
    steps.push({
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('resolve' as const),
        advanceMs,
        site: fc.nat(),
        pick: fc.nat(),
        choice: fc.nat(),
      }),
    });
  return fc.record({
    sites: fc.integer({ min: minSites, max: maxSites }),
    clocks: fc.array(siteClockArbitrary({ adversarial: constraints.adversarialClocks ?? true }), {
      minLength: maxSites,
      maxLength: maxSites,
    }),
    pools: fc.tuple(
      ...fields.map((f) => fc.array(valuesOf(f), { minLength: POOL_SIZE, maxLength: POOL_SIZE })),
    ),
    steps: fc.array(fc.oneof(...steps), {
      minLength: constraints.minSteps ?? 8,
      maxLength: constraints.maxSteps ?? 60,
      size: 'max',
    }),
  });
}

interface SimSite {
  readonly site: SiteId;
  readonly author: Author;
  readonly clock: HybridClock;
  readonly writer: EventWriter;
  readonly chart: Chart;
  readonly ids: Set<string>;
  readonly known: ChartEvent[];
}

/**
 * Runs a {@link ScenarioPlan} deterministically: same plan, same events, byte for byte.
 *
 * @example
 * ```ts
 * const plan = JSON.parse(savedCounterexample) as ScenarioPlan;
 * checkConvergence(runScenario(plan).events, testSchema);
 * ```
 *
 * @throws ChartlogError `INVALID_COMMAND` when a custom `values` arbitrary makes a value the field refuses.
 */
export function runScenario(plan: ScenarioPlan, constraints: ScenarioConstraints = {}): Scenario {
  const schema = constraints.schema ?? testSchema;
  const fields = scenarioFields(schema);
  const streams = Array.from({ length: Math.max(1, constraints.streams ?? 1) }, (_, i) =>
    streamId(`patient/p${i + 1}`),
  );
  const perType = Math.max(1, constraints.resources ?? 2);
  const types = [...new Set(fields.map((f) => f.resourceType))];
  const resources = types.flatMap((type) =>
    Array.from({ length: perType }, (_, i) => ({
      type,
      key: `${type}/r${i + 1}`,
      fields: fields.map((f, at) => ({ ...f, at })).filter((f) => f.resourceType === type),
    })),
  );
  const writeType = new Map(types.map((type) => [type, eventTypeFor(schema, type)]));
  let now = T0;
  const sim: SimSite[] = Array.from({ length: plan.sites }, (_, i) => {
    const site = siteId(`site-${String.fromCharCode(97 + (i % 26))}${i >= 26 ? i : ''}`);
    const clock = createHybridClock({
      wallClock: siteWallClock(plan.clocks[i] ?? { kind: 'accurate', offsetMs: 0 }, () => now, T0),
      maxSkewMs: constraints.maxSkewMs ?? 300_000,
    });
    return {
      site,
      author: { id: `clinician-${site}`, role: 'gp' },
      clock,
      writer: createEventWriter({ site, clock }),
      chart: createChart({ schema }),
      ids: new Set(),
      known: [],
    };
  });
  const events: ChartEvent[] = [];
  const alias = new Map<string, string>();
  const trace: string[] = [];
  const learn = (s: SimSite, incoming: readonly ChartEvent[]): number => {
    const fresh = incoming.filter((e) => !s.ids.has(e.id));
    for (const e of fresh) {
      s.ids.add(e.id);
      s.known.push(e);
      s.clock.observe(e.hlc);
    }
    if (fresh.length > 0) s.chart.apply(fresh);
    return fresh.length;
  };
  const record = (s: SimSite, draft: EventDraft, what: string): void => {
    const event = s.writer.append(draft);
    alias.set(event.id, `e${events.length}`);
    events.push(event);
    learn(s, [event]);
    trace.push(`${s.site} ${what} → e${events.length - 1} @${event.hlc}${predText(event, alias)}`);
  };

  for (const step of plan.steps) {
    now += step.advanceMs;
    switch (step.kind) {
      case 'write': {
        const s = sim[step.site % sim.length] as SimSite;
        const stream = streams[step.stream % streams.length] as StreamId;
        const resource = resources[step.resource % resources.length];
        if (!resource || resource.fields.length === 0) break;
        const chosen = [...new Set(step.fields.map((n) => n % resource.fields.length))].sort((a, b) => a - b);
        const writes: Record<string, Json> = {};
        const state = s.chart.state(stream);
        chosen.forEach((n, j) => {
          const f = resource.fields[n] as ScenarioField & { at: number };
          const pool = plan.pools[f.at] ?? [];
          if (pool.length === 0) return;
          const value = pool[(step.values[j] ?? 0) % pool.length] as Json;
          // An ordinary edit may not settle a conflict its author sees (only a resolution may), so leave that field to a 'resolve' step.
          const fieldState = state?.resources[resource.key]?.fields[f.field];
          if (
            fieldState !== undefined &&
            f.rule.conflict(fieldState) !== undefined &&
            f.rule.pred(fieldState, value).length > 0
          )
            return;
          writes[f.field] = value;
        });
        if (Object.keys(writes).length === 0) break;
        const type = writeType.get(resource.type) as { type: string; v: number };
        const draft = prepareWrite(schema, state, {
          stream,
          type: type.type,
          v: type.v,
          author: s.author,
          writes: { [resource.key]: writes },
        });
        record(s, draft, `writes ${stream} ${resource.key} ${canonicalJson(writes)}`);
        break;
      }
      case 'sync': {
        const from = sim[step.from % sim.length] as SimSite;
        const to = sim[step.to % sim.length] as SimSite;
        if (from === to) break;
        const offered = step.ownOnly ? from.known.filter((e) => e.site === from.site) : from.known;
        const n = learn(to, offered);
        if (n > 0)
          trace.push(
            `${to.site} ← ${from.site}${step.ownOnly ? ' (its own events)' : ''}: ${n} new event(s)`,
          );
        break;
      }
      case 'retract': {
        const s = sim[step.site % sim.length] as SimSite;
        const candidates = s.known.filter((e) => e.type !== RETRACTION_EVENT);
        const target = candidates[step.pick % Math.max(1, candidates.length)];
        if (!target) break;
        record(
          s,
          prepareRetraction({
            stream: target.stream,
            events: [target.id],
            reason: 'recorded in error (simulated)',
            author: s.author,
          }),
          `retracts ${alias.get(target.id)}`,
        );
        break;
      }
      case 'resolve': {
        const s = sim[step.site % sim.length] as SimSite;
        const conflicts = listConflicts(s.chart);
        const c = conflicts[step.pick % Math.max(1, conflicts.length)];
        if (!c) break;
        const chosen = c.writes[step.choice % c.writes.length];
        if (!chosen) break;
        const draft = prepareConflictResolution(schema, s.chart.state(c.stream), {
          stream: c.stream,
          resource: c.resource,
          field: c.field,
          value: chosen.value,
          author: s.author,
        });
        record(
          s,
          draft,
          `resolves ${c.resource}#${c.field} (${c.rule}, ${c.writes.length} writes) with ${canonicalJson(chosen.value)}`,
        );
        break;
      }
    }
  }

  const clocks = new Map(
    sim.map((s, i) => [s.site, plan.clocks[i] ?? { kind: 'accurate' as const, offsetMs: 0 }]),
  );
  const scenario: Scenario = {
    schema,
    sites: sim.map((s) => s.site),
    streams,
    clocks,
    events,
    known: new Map(sim.map((s) => [s.site, s.known])),
    trace,
  };
  // fast-check prints counterexamples with this: the trace, not thousands of lines of events.
  return Object.defineProperty(scenario, fc.toStringMethod, {
    value: () => describeScenario(scenario),
    enumerable: false,
  });
}

/**
 * A readable account of a scenario: its sites and clocks, then one line per step.
 *
 * @example console.log(describeScenario(scenario));
 */
export function describeScenario(scenario: Scenario): string {
  const clocks = [...scenario.clocks].map(
    ([site, c]) =>
      `${site}: ${c.kind}${c.kind === 'accurate' ? '' : ` ${c.offsetMs >= 0 ? '+' : ''}${c.offsetMs} ms`}`,
  );
  return [
    `Scenario: ${scenario.sites.length} sites (${clocks.join('; ')}), ${scenario.events.length} events`,
    ...scenario.trace.map((l) => `  ${l}`),
  ].join('\n');
}

function eventTypeFor(schema: Schema, resourceType: string): { type: string; v: number } {
  for (const [type, spec] of Object.entries(schema.definition.events)) {
    if (type === RETRACTION_EVENT || type === CONFLICT_RESOLUTION_EVENT) continue;
    if (spec.resources === '*' || spec.resources.includes(resourceType)) return { type, v: spec.v };
  }
  return { type: CONFLICT_RESOLUTION_EVENT, v: 1 };
}

function predText(event: ChartEvent, alias: ReadonlyMap<string, string>): string {
  const parts: string[] = [];
  for (const [resource, fields] of Object.entries(event.pred))
    for (const [field, ids] of Object.entries(fields))
      parts.push(`${resource}#${field}:[${ids.map((id) => alias.get(id) ?? id).join(',')}]`);
  return parts.length > 0 ? ` pred ${parts.join(' ')}` : '';
}
