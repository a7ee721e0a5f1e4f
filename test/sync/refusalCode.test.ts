import { describe, expect, it } from 'vitest';
import { ChartlogError } from '../../src/error/chartlogError.js';
import {
  ERROR_CODE_BY_REFUSAL_CODE,
  REFUSAL_CODE_BY_ERROR_CODE,
  refusalCodeOf,
  type RefusalCode,
} from '../../src/sync/refusalCode.js';

// The wire form: what ingest reports, sync trailers and the CLI print. Changing it is a wire change.
const WIRE_REFUSAL_CODES: readonly RefusalCode[] = [
  'malformed',
  'oversize',
  'bad-signature',
  'unknown-site-key',
  'broken-chain',
  'gap',
  'fork',
];

describe('refusal codes', () => {
  it('every refusal code maps to an error code and back', () => {
    expect(Object.values(REFUSAL_CODE_BY_ERROR_CODE).sort()).toEqual([...WIRE_REFUSAL_CODES].sort());
    for (const [errorCode, refusal] of Object.entries(REFUSAL_CODE_BY_ERROR_CODE))
      expect(ERROR_CODE_BY_REFUSAL_CODE[refusal]).toBe(errorCode);
    expect(Object.keys(ERROR_CODE_BY_REFUSAL_CODE)).toHaveLength(WIRE_REFUSAL_CODES.length);
  });

  it("a store's typed append refusal is reported by its refusal code", () => {
    const gap = new ChartlogError('SEQ_GAP', 'gap', { details: { site: 'a', seq: 3, expected: 2 } });
    expect(refusalCodeOf(gap)).toBe('gap');
    const malformed = new ChartlogError('MALFORMED_EVENT', 'malformed event');
    expect(refusalCodeOf(malformed)).toBe('malformed');
  });

  it('a store failing is no refusal of the input: it is thrown, not reported', () => {
    const full = new ChartlogError('STORE_FULL', 'full', { details: { path: 'a', action: 'append' } });
    expect(refusalCodeOf(full)).toBeUndefined();
    expect(refusalCodeOf(new Error('boom'))).toBeUndefined();
    // Inherited names are not codes.
    expect(
      refusalCodeOf(Object.assign(new ChartlogError('ABORTED', 'x'), { code: 'toString' })),
    ).toBeUndefined();
  });
});
