import { describe, expect, it } from 'vitest';
import { compareVersionVectors, vectorCovers, vectorsEqual } from '../../src/index.js';
import {
  isVersionVector,
  mergeVersionVectors,
  missingRanges,
  rangeSize,
} from '../../src/sync/versionVector.js';

describe('version vectors', () => {
  it('compare as the sets of events they describe, absent sites counting as 0', () => {
    expect(compareVersionVectors({ a: 2 }, { a: 2, b: 0 })).toBe('equal');
    expect(compareVersionVectors({ a: 2 }, { a: 2, b: 1 })).toBe('before');
    expect(compareVersionVectors({ a: 3, b: 1 }, { a: 2 })).toBe('after');
    expect(compareVersionVectors({ a: 3 }, { a: 2, b: 1 })).toBe('concurrent');
    expect(vectorCovers({ a: 3, b: 1 }, { a: 2 })).toBe(true);
    expect(vectorsEqual({}, { x: 0 })).toBe(true);
  });

  it('merge to the pointwise maximum, leaving out sites at 0', () => {
    expect(mergeVersionVectors({ a: 3, c: 0 }, { a: 1, b: 2 })).toEqual({ a: 3, b: 2 });
  });

  it('name exactly the events the peer lacks, one range per site in site order', () => {
    const ranges = missingRanges({ b: 2, a: 5, c: 1 }, { a: 3, c: 4 });
    expect(ranges).toEqual([
      { site: 'a', from: 4, to: 5 },
      { site: 'b', from: 1, to: 2 },
    ]);
    expect(rangeSize(ranges)).toBe(4);
  });

  it('are checked at the boundary: site ids mapped to non-negative integers', () => {
    expect(isVersionVector({ 'practice-a': 3 })).toBe(true);
    expect(isVersionVector({ 'Practice A': 3 })).toBe(false);
    expect(isVersionVector({ a: -1 })).toBe(false);
    expect(isVersionVector({ a: 1.5 })).toBe(false);
    expect(isVersionVector([1])).toBe(false);
  });
});
