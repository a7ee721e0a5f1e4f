import { describe, expect, it } from 'vitest';
import { testSchema, TEST_EVENT_TYPE } from '../../src/testing/index.js';
import { schemaFingerprint } from '../../src/merge/schemaFingerprint.js';

describe('schema.validateData', () => {
  it('refuses a pred that names a field the event does not write, even one every object inherits (toString, constructor)', () => {
    for (const field of ['toString', 'constructor', 'hasOwnProperty', 'mv']) {
      const issues = testSchema.validateData({
        type: TEST_EVENT_TYPE,
        v: 1,
        data: { 'Item/r1': { lww: 'x' } },
        pred: { 'Item/r1': { [field]: [] } },
      });
      expect(issues, field).toEqual([
        { path: ['pred', 'Item/r1', field], message: 'pred names a field this event does not write' },
      ]);
    }
  });

  it('accepts a pred that names a field the event writes', () => {
    expect(
      testSchema.validateData({
        type: TEST_EVENT_TYPE,
        v: 1,
        data: { 'Item/r1': { lww: 'x' } },
        pred: { 'Item/r1': { lww: [] } },
      }),
    ).toEqual([]);
  });
});

describe('schema.extend', () => {
  it('keeps a revision given to it, and the base schema’s otherwise, so a persisted projection folded by the old code is rebuilt', () => {
    const revised = testSchema.extend({ revision: 'x' });
    expect(revised.definition.revision).toBe('x');
    expect(schemaFingerprint(revised)).not.toBe(schemaFingerprint(testSchema));
    const more = revised.extend({
      events: {
        ...revised.definition.events,
        'item.noted': { v: 1, resources: ['Item'], doc: 'Notes on an Item.' },
      },
    });
    expect(more.definition.revision).toBe('x');
  });
});
