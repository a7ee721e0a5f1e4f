import { describe, expect, it } from 'vitest';
import { testSchema, TEST_EVENT_TYPE } from '../../src/testing/index.js';

describe('schema.validateData', () => {
  it('refuses a pred that names a field the event does not write, even one every object inherits (toString, constructor)', () => {
    for (const field of ['toString', 'constructor', 'hasOwnProperty', 'mv']) {
      const issues = testSchema.validateData({ type: TEST_EVENT_TYPE, v: 1, data: { 'Item/r1': { lww: 'x' } }, pred: { 'Item/r1': { [field]: [] } } });
      expect(issues, field).toEqual([{ path: ['pred', 'Item/r1', field], message: 'pred names a field this event does not write' }]);
    }
  });

  it('accepts a pred that names a field the event writes', () => {
    expect(testSchema.validateData({ type: TEST_EVENT_TYPE, v: 1, data: { 'Item/r1': { lww: 'x' } }, pred: { 'Item/r1': { lww: [] } } })).toEqual([]);
  });
});
