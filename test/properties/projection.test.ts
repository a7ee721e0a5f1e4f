/**
 * Property: a store's persisted projection always equals the pure `fold` of the events
 * the store holds (docs/architecture.md, "The persisted projection") — the stream states, the stream and replica hashes, the
 * stream list and the conflict index — whatever order events arrive in (late events,
 * retractions, resolutions, repeats), whatever the cache evicts in between, and across
 * reopening, a schema change and events stored while no projection was open; and a state
 * held unread while later events arrive still reads as the fold of when it was read.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareEvents,
  CONFLICT_RESOLUTION_EVENT,
  createMemoryEventLog,
  foldStream,
  RETRACTION_EVENT,
  stateHash,
  type ChartEvent,
  type ChartView,
  type Schema,
  type StreamId,
  type StreamState,
} from '../../src/index.js';
import { openSqliteEventLog } from '../../src/store/sqlite/index.js';
import { trailSchema } from '../support/arrivalOrderRule.js';
import {
  propertyParameters,
  scenarioArbitrary,
  testSchema,
  TEST_RESOURCE_TYPE,
  type Scenario,
} from '../../src/testing/index.js';
import { caughtError } from '../support/caughtError.js';
import { expectViewIsFold } from '../support/expectViewIsFold.js';
import { storeArrivalArbitrary, type StoreBatch } from '../support/storeArrivals.js';
import { useTempDir } from '../support/tempDir.js';
import { ENOUGH_RUNS_FOR_COVERAGE } from './support.js';

const file = useTempDir('projection-property');
let files = 0;

/** Schemas a store may be reopened with: each fingerprint differs from testSchema's. */
const SCHEMAS: readonly { readonly name: string; readonly schema: Schema }[] = [
  { name: 'testSchema', schema: testSchema },
  // Same names and rules: only the revision says the code changed.
  { name: 'revision x', schema: testSchema.extend({ revision: 'x' }) },
  {
    name: 'an added event type',
    schema: testSchema.extend({
      events: {
        ...testSchema.definition.events,
        'item.noted': { v: 1, resources: [TEST_RESOURCE_TYPE], doc: 'Notes on an Item.' },
      },
    }),
  },
  // Rules swapped: the same events fold to other states.
  {
    name: 'swapped rules',
    schema: testSchema.extend({
      resources: {
        [TEST_RESOURCE_TYPE]: {
          doc: 'Item with swapped rules.',
          fields: { lww: 'mv', mv: 'lww', once: 'lww', max: 'min', min: 'max', set: 'set', log: 'log' },
        },
      },
    }),
  },
];

/** Cache bounds: none at all (every read reloads), a few hundred bytes (constant eviction), the default. */
const cacheBytesArbitrary = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 1, max: 600 }),
  fc.constant(undefined),
);

/** What the runs exercised, so the test proves it when runs are enough. */
interface Tally {
  late: number;
  retractions: number;
  lateRetractions: number;
  resolutions: number;
  resent: number;
  reads: number;
  /** States read, held unread across later appends, then read. */
  heldReads: number;
  actions: Map<string, number>;
  staleRefusals: number;
  rebuiltWithOtherStates: number;
}

const newTally = (): Tally => ({
  late: 0,
  retractions: 0,
  lateRetractions: 0,
  resolutions: 0,
  resent: 0,
  reads: 0,
  heldReads: 0,
  actions: new Map(),
  staleRefusals: 0,
  rebuiltWithOtherStates: 0,
});

/** The runs exercised what the projector must get right (checked when runs are enough to expect it). */
function expectArrivalsCovered(tally: Tally): void {
  expect(tally.late, 'late events').toBeGreaterThan(0);
  expect(tally.retractions, 'retractions').toBeGreaterThan(0);
  expect(tally.lateRetractions, 'retractions of events already folded').toBeGreaterThan(0);
  expect(tally.resolutions, 'conflict resolutions').toBeGreaterThan(0);
  expect(tally.resent, 'repeats').toBeGreaterThan(0);
  expect(tally.reads, 'reads between appends').toBeGreaterThan(0);
  expect(tally.heldReads, 'states held unread across appends').toBeGreaterThan(0);
}

/** Events offered so far, with what their arrival order means for the projector. */
class Arrived {
  readonly events: ChartEvent[] = [];
  private readonly ids = new Set<string>();
  private readonly latest = new Map<StreamId, ChartEvent>();

  constructor(private readonly tally: Tally) {}

  add(batch: StoreBatch): void {
    this.tally.resent += batch.resent;
    for (const e of batch.events) {
      if (this.ids.has(e.id)) continue;
      const latest = this.latest.get(e.stream);
      // A late event: the store already holds a later event of its stream, so fields it writes may re-fold.
      if (latest !== undefined && compareEvents(latest, e) > 0) this.tally.late++;
      else this.latest.set(e.stream, e);
      if (e.type === RETRACTION_EVENT) {
        this.tally.retractions++;
        if (((e.data['retracts'] as string[] | undefined) ?? []).some((id) => this.ids.has(id)))
          this.tally.lateRetractions++;
      }
      if (e.type === CONFLICT_RESOLUTION_EVENT) this.tally.resolutions++;
      this.ids.add(e.id);
      this.events.push(e);
    }
  }
}

/** A state read and held unread, with the fold it must still show when its resources are read later. */
interface HeldState {
  readonly state: StreamState;
  readonly expected: StreamState | undefined;
  readonly what: string;
}

/**
 * Reads the streams `reads` names (interleaved with appends, they move the cache) and
 * checks each against the fold so far; an odd read instead holds its state unread, for
 * {@link checkHeld} to read once later appends have changed the stream.
 */
function checkReads(
  view: ChartView,
  s: Scenario,
  arrived: Arrived,
  reads: readonly number[],
  schema: Schema,
  tally: Tally,
  held: HeldState[],
): void {
  for (const n of reads) {
    const stream = s.streams[n % s.streams.length] as StreamId;
    const expected = foldStream(stream, arrived.events, schema);
    const state = view.state(stream);
    const what = `state of ${stream} after ${arrived.events.length} events`;
    if (!arrived.events.some((e) => e.stream === stream)) expect(state).toBeUndefined();
    else if (n % 2 === 1 && state !== undefined) held.push({ state, expected, what });
    else expect(state, what).toEqual(expected);
    expect(view.stateHash(stream)).toBe(stateHash(expected));
    tally.reads++;
  }
}

/** Reads every resource of the states held: each still shows the fold of when it was read. */
function checkHeld(held: HeldState[], tally: Tally): void {
  for (const { state, expected, what } of held.splice(0)) {
    expect(state, `${what}, read later`).toEqual(expected);
    tally.heldReads++;
  }
}

// trailSchema adds a field whose rule claims no law: a late write of it re-folds from the stream.
const scenarios = fc
  .constantFrom(testSchema, trailSchema)
  .chain((schema) => scenarioArbitrary({ schema, streams: 2, minSteps: 20, maxSteps: 60 }));

describe('the persisted projection equals the pure fold', () => {
  it('memory store: appends in any order with late events, retractions and repeats, reads evicting the cache, the projection opened at any point', async () => {
    const tally = newTally();
    const cases = scenarios.chain((s) =>
      fc.record({
        s: fc.constant(s),
        batches: storeArrivalArbitrary(s.events),
        openAt: fc.nat(),
        cacheBytes: cacheBytesArbitrary,
        reads: fc.array(fc.array(fc.nat(), { maxLength: 2 }), { minLength: 1, maxLength: 8 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ({ s, batches, openAt, cacheBytes, reads }) => {
        const store = createMemoryEventLog();
        const arrived = new Arrived(tally);
        const at = openAt % (batches.length + 1);
        for (const batch of batches.slice(0, at)) {
          await store.append(batch.events);
          arrived.add(batch);
        }
        const projection = await store.openProjection?.({
          schema: s.schema,
          ...(cacheBytes === undefined ? {} : { cacheBytes }),
        });
        if (projection === undefined) throw new Error('the memory store has no openProjection');
        expect(projection.opening).toMatchObject({ action: 'rebuilt', events: arrived.events.length });
        expectViewIsFold(projection, arrived.events, s.schema, 'just opened');
        let i = 0;
        const held: HeldState[] = [];
        for (const batch of batches.slice(at)) {
          await store.append(batch.events);
          arrived.add(batch);
          checkReads(projection, s, arrived, reads[i++ % reads.length] ?? [], s.schema, tally, held);
        }
        checkHeld(held, tally);
        expectViewIsFold(projection, arrived.events, s.schema, 'after every append');
        expectViewIsFold(projection, s.events, s.schema, 'the whole scenario');
      }),
      propertyParameters({ label: 'memory projection vs fold', runs: 60 }),
    );
    if (ENOUGH_RUNS_FOR_COVERAGE) {
      expectArrivalsCovered(tally);
    }
  });

  /**
   * A SQLite file lives through sessions, each closing and reopening it: with the
   * projection (under one of several schemas, with a random cache bound), or without it.
   * Each opening must do exactly what the file calls for — `rebuilt` for a new
   * fingerprint, `caught-up` after events stored without it, else `current` — and a
   * read-only open first must read a current projection, or refuse a stale one with
   * PROJECTION_STALE and leave the file as it was.
   */
  it('SQLite file: sessions with and without the projection, reopened, under changing schemas; read-only opens read it or refuse it stale', async () => {
    const tally = newTally();
    // Mostly the schema of the session before (-1), so reopening and catching up happen as often as rebuilding.
    const session = fc.record({
      kind: fc.constantFrom('projection', 'projection', 'bare'),
      schema: fc.oneof(
        { weight: 3, arbitrary: fc.constant(-1) },
        { weight: 2, arbitrary: fc.nat({ max: SCHEMAS.length - 1 }) },
      ),
      cacheBytes: cacheBytesArbitrary,
    });
    const cases = scenarios.chain((s) =>
      fc.record({
        s: fc.constant(s),
        batches: storeArrivalArbitrary(s.events),
        // Every run lives through the whole cycle (projection, reopen, events stored without it, a new schema) with sessions of its own between.
        cycle: fc.tuple(
          fc.record({
            session: session.map((x) => ({ ...x, kind: 'projection' as const })),
            batches: fc.integer({ min: 0, max: 2 }),
          }),
          fc.record({
            session: session.map((x) => ({ ...x, kind: 'projection' as const, schema: -1 })),
            batches: fc.integer({ min: 0, max: 2 }),
          }),
          fc.record({
            session: session.map((x) => ({ ...x, kind: 'bare' as const })),
            batches: fc.integer({ min: 1, max: 2 }),
          }),
          fc.record({
            session: session.map((x) => ({ ...x, kind: 'projection' as const, schema: -1 })),
            batches: fc.integer({ min: 0, max: 2 }),
          }),
        ),
        sessions: fc.array(fc.record({ session, batches: fc.integer({ min: 1, max: 3 }) }), { maxLength: 3 }),
        last: session.map((x) => ({ ...x, kind: 'projection' as const })),
        reads: fc.array(fc.array(fc.nat(), { maxLength: 2 }), { minLength: 1, maxLength: 8 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ({ s, batches, cycle, sessions, last, reads }) => {
        const path = file(`p${files++}.chartlog`);
        const arrived = new Arrived(tally);
        // What the file holds: the schema its projection was folded with (SCHEMAS index), and how many events it has folded.
        let folded: { schema: number; events: number } | undefined;
        let next = 0;
        const plan = [...cycle, ...sessions, { session: last, batches: batches.length }];
        let schemaAt = 0;
        for (const [n, { session: one, batches: count }] of plan.entries()) {
          if (one.kind === 'projection' && one.schema >= 0) schemaAt = one.schema;
          const { schema, name } = SCHEMAS[schemaAt] as (typeof SCHEMAS)[number];
          const mine = batches.slice(next, next + count);
          next += mine.length;
          if (one.kind === 'bare') {
            const store = openSqliteEventLog(path, { synchronous: 'normal' });
            for (const batch of mine) {
              await store.append(batch.events);
              arrived.add(batch);
            }
            await store.close();
            continue;
          }
          // Every entry of SCHEMAS is meant to differ: compared by intent, not by schemaFingerprint.
          const expected =
            folded === undefined || folded.schema !== schemaAt
              ? 'rebuilt'
              : folded.events < arrived.events.length
                ? 'caught-up'
                : 'current';
          const what = `session ${n} (${name}, cache ${one.cacheBytes ?? 'default'})`;
          if (n > 0) {
            // A read-only open first: it reads a current projection, and refuses a stale one without changing the file.
            const before = readFileSync(path);
            const reader = openSqliteEventLog(path, { readOnly: true });
            try {
              if (expected === 'current') {
                const view = await reader.openProjection({ schema });
                expect(view.opening.action).toBe('current');
                expectViewIsFold(view, arrived.events, schema, `${what}, read-only`);
              } else {
                const refused = await caughtError(reader.openProjection({ schema }));
                expect(
                  refused.code,
                  `${what}: a read-only open of a projection that must be ${expected}`,
                ).toBe('PROJECTION_STALE');
                expect(refused.details).toMatchObject({ path });
                tally.staleRefusals++;
              }
            } finally {
              await reader.close();
            }
            expect(readFileSync(path).equals(before), `${what}: the read-only open changed the file`).toBe(
              true,
            );
          }
          const store = openSqliteEventLog(path, { synchronous: 'normal' });
          try {
            const projection = await store.openProjection({
              schema,
              ...(one.cacheBytes === undefined ? {} : { cacheBytes: one.cacheBytes }),
            });
            expect(projection.opening.action, what).toBe(expected);
            const wantEvents =
              expected === 'rebuilt'
                ? arrived.events.length
                : expected === 'caught-up'
                  ? arrived.events.length - (folded?.events ?? 0)
                  : 0;
            expect(projection.opening.events, `${what}: events folded on opening`).toBe(wantEvents);
            tally.actions.set(expected, (tally.actions.get(expected) ?? 0) + 1);
            if (
              expected === 'rebuilt' &&
              folded !== undefined &&
              schema !== testSchema &&
              arrived.events.length > 0
            )
              tally.rebuiltWithOtherStates++;
            expectViewIsFold(projection, arrived.events, schema, `${what}, opened`);
            let i = 0;
            const held: HeldState[] = [];
            for (const batch of mine) {
              await store.append(batch.events);
              arrived.add(batch);
              checkReads(projection, s, arrived, reads[i++ % reads.length] ?? [], schema, tally, held);
            }
            checkHeld(held, tally);
            expectViewIsFold(projection, arrived.events, schema, `${what}, after its appends`);
            folded = { schema: schemaAt, events: arrived.events.length };
          } finally {
            await store.close();
          }
        }
        expect(arrived.events.length).toBe(s.events.length);
      }),
      propertyParameters({ label: 'SQLite projection lifecycle vs fold', runs: 25 }),
    );
    if (ENOUGH_RUNS_FOR_COVERAGE) {
      for (const action of ['current', 'caught-up', 'rebuilt'])
        expect(tally.actions.get(action) ?? 0, `openings that were ${action}`).toBeGreaterThan(0);
      expect(tally.staleRefusals, 'read-only opens refused as stale').toBeGreaterThan(0);
      expect(tally.rebuiltWithOtherStates, 'rebuilds under another schema').toBeGreaterThan(0);
      expectArrivalsCovered(tally);
    }
  }, 120_000);
});
