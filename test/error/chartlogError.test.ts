import { describe, expect, expectTypeOf, it } from 'vitest';
import { ChartlogError, isChartlogError } from '../../src/error/chartlogError.js';
import { validateEvent } from '../../src/event/validateEvent.js';
import { createEventWriter } from '../../src/event/eventWriter.js';
import { siteId } from '../../src/event/ids.js';

describe('ChartlogError', () => {
  it("a store-locked error's details are typed by its code, and isChartlogError(e, code) narrows them", () => {
    const error: unknown = new ChartlogError('STORE_LOCKED', 'locked', {
      details: { path: '/data/site.chartlog', action: 'open', lockPath: '/data/site.chartlog.lock' },
    });
    expect(isChartlogError(error, 'STORE_LOCKED')).toBe(true);
    expect(isChartlogError(error, 'STORE_FULL')).toBe(false);
    if (!isChartlogError(error, 'STORE_LOCKED')) throw new Error('unreachable');
    expectTypeOf(error.details.path).toEqualTypeOf<string>();
    expect(error.details.path).toBe('/data/site.chartlog');
  });

  it('checking the code of any chartlog error narrows its details too', () => {
    const error: unknown = new ChartlogError('SEQ_GAP', 'gap', {
      details: { site: 'clinic-a', seq: 5, expected: 3 },
    });
    if (isChartlogError(error) && error.code === 'SEQ_GAP') {
      expectTypeOf(error.details.expected).toEqualTypeOf<number>();
      expect(error.details.expected).toBe(3);
    } else throw new Error('not narrowed');
  });

  it('details that do not belong to the code, or facts a code needs left out, do not compile', () => {
    // @ts-expect-error: a locked store names its path and the action.
    expect(() => new ChartlogError('STORE_LOCKED', 'x')).not.toThrow();
    const details = { site: 'a', seq: 2, expected: 'one' };
    // @ts-expect-error: `expected` is a number for a gap.
    expect(() => new ChartlogError('SEQ_GAP', 'x', { details })).not.toThrow();
    // @ts-expect-error: an invalid schema has no details.
    expect(() => new ChartlogError('INVALID_SCHEMA', 'x', { details: { path: 'p' } })).not.toThrow();
  });

  it('is recognised by its brand, not instanceof: an error from another copy of the package still counts', () => {
    const foreign = Object.assign(new Error('from another copy'), { code: 'FORK', details: {}, issues: [] });
    Object.defineProperty(foreign, Symbol.for('chartlog.error'), { value: true });
    expect(foreign instanceof ChartlogError).toBe(false);
    expect(isChartlogError(foreign)).toBe(true);
    expect(isChartlogError(foreign, 'FORK')).toBe(true);
    expect(isChartlogError(new Error('plain'))).toBe(false);
  });

  it('a validation issue has a severity and an issue code: error and invalid unless its check says otherwise', () => {
    const error = new ChartlogError('INVALID_COMMAND', 'cannot record', {
      issues: [
        { path: ['writes', 'x'], message: 'must be a number' },
        { path: ['writes', 'y'], message: 'unknown field', code: 'code-invalid', severity: 'warning' },
      ],
    });
    expect(error.issues).toEqual([
      { severity: 'error', code: 'invalid', path: ['writes', 'x'], message: 'must be a number' },
      { severity: 'warning', code: 'code-invalid', path: ['writes', 'y'], message: 'unknown field' },
    ]);
    expect(error.message).toBe('cannot record: writes.x: must be a number; writes.y: unknown field');
  });

  it("an event's problems say what kind they are: its shape is structure, its size too-long", () => {
    const [shape] = validateEvent({ id: 'x' });
    expect(shape).toMatchObject({ severity: 'error', code: 'structure' });
    const writer = createEventWriter({ site: siteId('clinic-a'), maxBytes: 600 });
    let thrown: unknown;
    try {
      writer.append({
        stream: 'patient/p1',
        type: 'test.write',
        v: 1,
        author: { id: 'dr-a' },
        data: { note: 'x'.repeat(1000) },
      } as never);
    } catch (e) {
      thrown = e;
    }
    expect(isChartlogError(thrown, 'OVERSIZE')).toBe(true);
    expect((thrown as ChartlogError).issues[0]).toMatchObject({
      severity: 'error',
      code: 'too-long',
      path: [],
    });
  });
});
