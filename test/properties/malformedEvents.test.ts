import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createEventWriter,
  createHybridClock,
  defineSchema,
  isChartlogError,
  max,
  siteId,
  streamId,
  validateEvent,
  type ChartEvent,
  type MergeRule,
  type ValidationIssue,
} from '../../src/index.js';
import { assertChartEvent } from '../../src/event/validateEvent.js';
import { propertyParameters, TEST_EVENT_TYPE } from '../../src/testing/index.js';
import { alteredEvent } from '../support/alteredEvent.js';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0, 0);
const writer = createEventWriter({
  site: siteId('site-a'),
  clock: createHybridClock({ wallClock: () => T0 }),
});
const stream = streamId('patient/p1');
const first = writer.append({
  stream,
  type: TEST_EVENT_TYPE,
  data: { 'Item/r1': { lww: 'alpha' } },
  author: { id: 'dr-a' },
});
const valid = writer.append({
  stream,
  type: TEST_EVENT_TYPE,
  data: { 'Item/r1': { mv: 'beta' } },
  pred: { 'Item/r1': { mv: [first.id] } },
  author: { id: 'dr-a', role: 'gp' },
});

/** A mutable copy of the valid event with `change` applied. */
function corrupt(change: (e: Record<string, unknown>) => void): Record<string, unknown> {
  const copy = structuredClone({ ...valid }) as Record<string, unknown>;
  change(copy);
  return copy;
}

/** Asserts the value is refused with `code` and an issue at exactly `path`. */
function expectRefused(
  value: unknown,
  code: 'MALFORMED_EVENT' | 'OVERSIZE',
  path: readonly (string | number)[],
): void {
  const issues = validateEvent(value);
  expect(
    issues.map((i: ValidationIssue) => i.path),
    JSON.stringify(issues),
  ).toContainEqual(path);
  let thrown: unknown;
  try {
    assertChartEvent(value);
  } catch (e) {
    thrown = e;
  }
  expect(isChartlogError(thrown)).toBe(true);
  expect((thrown as { code: string }).code).toBe(code);
  expect((thrown as { issues: readonly ValidationIssue[] }).issues.map((i) => i.path)).toContainEqual(path);
}

class Dose {
  constructor(readonly mg: number) {}
}

describe('malformed events are refused with MALFORMED_EVENT or OVERSIZE and a path naming the field', () => {
  it('accepts the valid event these cases corrupt', () => {
    expect(validateEvent(valid)).toEqual([]);
    expect(() => assertChartEvent(valid)).not.toThrow();
  });

  type Corruption = readonly [string, (e: Record<string, unknown>) => void, readonly (string | number)[]];
  it.each<Corruption>([
    ['seq as a string', (e: Record<string, unknown>) => void (e['seq'] = '2'), ['seq']],
    ['site as a number', (e: Record<string, unknown>) => void (e['site'] = 5), ['site']],
    ['hlc as a number', (e: Record<string, unknown>) => void (e['hlc'] = T0), ['hlc']],
    [
      'hlc naming no real instant',
      (e: Record<string, unknown>) => void (e['hlc'] = '2026-02-31T09:00:00.000Z-000000'),
      ['hlc'],
    ],
    [
      'type not dotted lower-case',
      (e: Record<string, unknown>) => void (e['type'] = 'ItemWritten'),
      ['type'],
    ],
    ['v = 0', (e: Record<string, unknown>) => void (e['v'] = 0), ['v']],
    ['data as an array', (e: Record<string, unknown>) => void (e['data'] = []), ['data']],
    ['pred as an array', (e: Record<string, unknown>) => void (e['pred'] = []), ['pred']],
    [
      'pred ids not an array',
      (e: Record<string, unknown>) => void (e['pred'] = { 'Item/r1': { mv: 'x' } }),
      ['pred', 'Item/r1', 'mv'],
    ],
    [
      'pred id not a UUIDv7',
      (e: Record<string, unknown>) => void (e['pred'] = { 'Item/r1': { mv: ['nope'] } }),
      ['pred', 'Item/r1', 'mv', 0],
    ],
    ['author as a string', (e: Record<string, unknown>) => void (e['author'] = 'dr-a'), ['author']],
    [
      'author with an unknown field',
      (e: Record<string, unknown>) => void (e['author'] = { id: 'dr-a', badge: 7 }),
      ['author', 'badge'],
    ],
    ['prev not a hash', (e: Record<string, unknown>) => void (e['prev'] = 'abc'), ['prev']],
    [
      'prev set on seq 1',
      (e: Record<string, unknown>) => void Object.assign(e, { seq: 1, prev: 'a'.repeat(64) }),
      ['prev'],
    ],
    ['stream not a stream id', (e: Record<string, unknown>) => void (e['stream'] = 'Patient 1'), ['stream']],
    ['sig not base64', (e: Record<string, unknown>) => void (e['sig'] = 'not base64!'), ['sig']],
    ['an unknown top-level field', (e: Record<string, unknown>) => void (e['extra'] = 1), ['extra']],
  ])('wrong type: %s', (_what, change, path) => expectRefused(corrupt(change), 'MALFORMED_EVENT', path));

  it.each(['id', 'site', 'seq', 'hlc', 'prev', 'stream', 'type', 'v', 'data', 'pred', 'author'])(
    'missing field: %s',
    (field) => {
      expectRefused(
        corrupt((e) => delete e[field]),
        'MALFORMED_EVENT',
        [field],
      );
    },
  );

  it.each([
    ['not a UUID', 'not-a-uuid'],
    ['a UUIDv4', '0c9e4a1e-5d2b-4c7a-9f3e-2b8d6a1c4e5f'],
    ['a random UUIDv7 (ids before they were derived)', '0192f0c4-7a1e-7000-8000-00000000000a'],
    ["another event's id (seq 1 of the same site)", first.id],
    ['the id of (site, seq) under the earlier rule', '930305f9-d7f4-8762-8bd5-8cebafd98b3e'],
    ['upper-case', valid.id.toUpperCase()],
    ['a bad variant', `${valid.id.slice(0, 19)}0${valid.id.slice(20)}`],
  ])('bad id: %s', (_what, id) =>
    expectRefused(
      corrupt((e) => void (e['id'] = id)),
      'MALFORMED_EVENT',
      ['id'],
    ),
  );

  it.each([0, -1, 1.5, Number.NaN, 2 ** 53])('seq < 1 or not a safe integer: %s', (seq) =>
    expectRefused(
      corrupt((e) => void (e['seq'] = seq)),
      'MALFORMED_EVENT',
      ['seq'],
    ),
  );

  it.each([
    ['a Date', new Date(T0)],
    ['a Map', new Map([['a', 1]])],
    ['a class instance', new Dose(5)],
    ['a function', () => 1],
    ['undefined', undefined],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a symbol', Symbol('x')],
    ['a bigint', 1n],
  ])('data that is not plain JSON: %s', (_what, value) => {
    const event = { ...valid, data: { 'Item/r1': { lww: value } } };
    expectRefused(event, 'MALFORMED_EVENT', ['data', 'Item/r1', 'lww']);
  });

  it('an array hole in data is refused at its index', () => {
    // eslint-disable-next-line no-sparse-arrays
    expectRefused({ ...valid, data: { 'Item/r1': { log: [1, , 3] } } }, 'MALFORMED_EVENT', [
      'data',
      'Item/r1',
      'log',
      1,
    ]);
  });

  it('a cycle in data is refused where it closes', () => {
    const fields: Record<string, unknown> = { lww: 'alpha' };
    fields['self'] = fields;
    expectRefused({ ...valid, data: { 'Item/r1': fields } }, 'MALFORMED_EVENT', ['data', 'Item/r1', 'self']);
  });

  it('non-NFC strings are refused: in a value, in a key, in the author', () => {
    const decomposed = 'Ame\u0301lie'; // é as e + combining acute
    expect(decomposed.normalize('NFC')).not.toBe(decomposed);
    expectRefused({ ...valid, data: { 'Item/r1': { lww: decomposed } } }, 'MALFORMED_EVENT', [
      'data',
      'Item/r1',
      'lww',
    ]);
    expectRefused({ ...valid, data: { 'Item/r1': { [decomposed]: 1 } } }, 'MALFORMED_EVENT', [
      'data',
      'Item/r1',
      decomposed,
    ]);
    expectRefused({ ...valid, author: { id: decomposed } }, 'MALFORMED_EVENT', ['author', 'id']);
  });

  it('a lone surrogate is refused', () => {
    expectRefused({ ...valid, data: { 'Item/r1': { lww: 'a\ud800b' } } }, 'MALFORMED_EVENT', [
      'data',
      'Item/r1',
      'lww',
    ]);
  });

  it('an event over 1 MiB encoded is refused as OVERSIZE; the same event fits a larger limit', () => {
    const big = alteredEvent(valid, { data: { 'Item/r1': { log: 'x'.repeat(1024 * 1024) } } });
    expectRefused(big, 'OVERSIZE', []);
    expect(validateEvent(big)[0]?.message).toMatch(/over the 1048576-byte limit/);
    expect(validateEvent(big, { maxBytes: 2 * 1024 * 1024 })).toEqual([]);
    expect(() =>
      writer.append({ stream, type: TEST_EVENT_TYPE, data: big.data, author: { id: 'dr-a' } }),
    ).toThrow(expect.objectContaining({ code: 'OVERSIZE' }));
  });

  it('the writer refuses a draft whose data is not plain JSON, naming the caller’s field, and does not advance', () => {
    const head = writer.head;
    expect(() =>
      writer.append({
        stream,
        type: TEST_EVENT_TYPE,
        data: { 'Item/r1': { lww: new Date(T0) as never } },
        author: { id: 'dr-a' },
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'MALFORMED_EVENT',
        issues: [expect.objectContaining({ path: ['data', 'Item/r1', 'lww'] })],
      }),
    );
    expect(writer.head).toEqual(head);
  });

  it('any single top-level field replaced by a value of the wrong kind is refused, naming that field', () => {
    const fields = [
      'id',
      'site',
      'seq',
      'hlc',
      'prev',
      'stream',
      'type',
      'v',
      'data',
      'pred',
      'author',
    ] as const;
    const junk = fc.oneof(
      fc.constant(null),
      fc.boolean(),
      fc.integer({ min: -5, max: 0 }),
      fc.constantFrom('', 'X', '!'),
      fc.constant([]),
      fc.constant({ nested: { deep: true } }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...fields), junk, (field, value) => {
        const event = { ...valid, [field]: value } as Record<string, unknown>;
        // Any plain object is legal data (the envelope does not know the schema).
        fc.pre(!(field === 'data' && typeof value === 'object' && value !== null && !Array.isArray(value)));
        const issues = validateEvent(event);
        expect(issues.length).toBeGreaterThan(0);
        expect(
          issues.every((i) => i.path[0] === field),
          JSON.stringify(issues),
        ).toBe(true);
        expect(() => assertChartEvent(event)).toThrow(expect.objectContaining({ code: 'MALFORMED_EVENT' }));
      }),
      propertyParameters({ label: 'malformed envelope fields', runs: 100 }),
    );
  });
});

describe('defineSchema refuses an unknown rule', () => {
  it('throws UNKNOWN_RULE with an issue naming the resource and field', () => {
    let thrown: unknown;
    try {
      defineSchema({ resources: { Flag: { fields: { code: 'mv', priority: 'highest-wins' } } }, events: {} });
    } catch (e) {
      thrown = e;
    }
    expect(isChartlogError(thrown)).toBe(true);
    expect(thrown).toMatchObject({
      code: 'UNKNOWN_RULE',
      issues: [
        {
          path: ['resources', 'Flag', 'fields', 'priority'],
          message: expect.stringMatching(/unknown rule "highest-wins"/),
        },
      ],
    });
  });

  it('accepts the same field once the custom rule is given', () => {
    const schema = defineSchema({
      resources: { Flag: { fields: { priority: 'highest-wins' } } },
      events: {},
      rules: { 'highest-wins': { ...(max as unknown as MergeRule), name: 'highest-wins' } },
    });
    expect(schema.field('Flag', 'priority')?.rule.name).toBe('highest-wins');
  });
});

void ({} as ChartEvent);
