import { describe, expect, it } from 'vitest';
import { fhirDateRange } from '../../../src/fhir/search/fhirDateRange.js';
import { fhirDateRangesOf, satisfiesDatePrefix } from '../../../src/fhir/search/matchesFhirDate.js';
import type { FhirDatePrefix } from '../../../src/fhir/search/fhirSearch.js';

const range = (text: string) => {
  const r = fhirDateRange(text);
  if (r === undefined) throw new Error(`not a date: ${text}`);
  return r;
};
const holds = (prefix: FhirDatePrefix, search: string, target: unknown, type = 'dateTime') =>
  fhirDateRangesOf(target, type).some((r) => satisfiesDatePrefix(prefix, range(search), r));

describe('FHIR date precision', () => {
  it('a partial date stands for its whole year, month or day; a time for its second; a zone shifts it', () => {
    expect(range('2024')).toEqual({ start: Date.UTC(2024, 0, 1), end: Date.UTC(2025, 0, 1) });
    expect(range('2024-02')).toEqual({ start: Date.UTC(2024, 1, 1), end: Date.UTC(2024, 2, 1) });
    expect(range('2024-02-29')).toEqual({ start: Date.UTC(2024, 1, 29), end: Date.UTC(2024, 2, 1) });
    expect(range('2024-03-05T10:00:00+01:00')).toEqual({
      start: Date.UTC(2024, 2, 5, 9),
      end: Date.UTC(2024, 2, 5, 9, 0, 1),
    });
    expect(range('2024-03-05T10:00:00.25Z')).toEqual({
      start: Date.UTC(2024, 2, 5, 10, 0, 0, 250),
      end: Date.UTC(2024, 2, 5, 10, 0, 0, 260),
    });
    expect(range('0050').start).toBeLessThan(range('1900').start);
  });

  it('a date that does not exist, or is not a FHIR date, is none', () => {
    for (const bad of [
      '2023-02-29',
      '2024-13',
      '2024-1-5',
      '24',
      '2024-03-05T25:00:00Z',
      '2024-03-05 10:00',
      'today',
    ])
      expect(fhirDateRange(bad)).toBeUndefined();
  });
});

describe('date prefixes, by FHIR R4 search §3.1.1.4.2', () => {
  it('eq: the search range contains the value (2024 matches every instant of 2024 and no other)', () => {
    expect(holds('eq', '2024', '2024-01-01T00:00:00Z')).toBe(true);
    expect(holds('eq', '2024', '2024-12-31T23:59:59Z')).toBe(true);
    expect(holds('eq', '2024', '2025-01-01T00:00:00Z')).toBe(false);
    expect(holds('eq', '2024', '2024-12-31T23:30:00-01:00')).toBe(false); // 2025-01-01T00:30Z
    expect(holds('eq', '2024-03-05', '2024-03')).toBe(false); // a month is wider than the day
    expect(holds('ne', '2024-03-05', '2024-03')).toBe(true);
  });

  it('gt/lt/ge/le at the edges of the searched day', () => {
    expect(holds('gt', '2024-03-05', '2024-03-05T23:59:59Z')).toBe(false);
    expect(holds('gt', '2024-03-05', '2024-03-06')).toBe(true);
    expect(holds('ge', '2024-03-05', '2024-03-05T00:00:00Z')).toBe(true);
    expect(holds('ge', '2024-03-05', '2024-03-04T23:59:59Z')).toBe(false);
    expect(holds('lt', '2024-03-05', '2024-03-05T00:00:00Z')).toBe(false);
    expect(holds('lt', '2024-03-05', '2024-03-04T23:59:59Z')).toBe(true);
    expect(holds('le', '2024-03-05', '2024-03-05T23:59:59Z')).toBe(true);
    expect(holds('le', '2024-03-05', '2024-03-06T00:00:00Z')).toBe(false);
  });

  it('sa/eb: the value lies wholly after or before the searched range', () => {
    expect(holds('sa', '2024-03-05', '2024-03-06')).toBe(true);
    expect(holds('sa', '2024-03-05', '2024-03-05T23:59:59Z')).toBe(false);
    expect(holds('eb', '2024-03-05', '2024-03-04')).toBe(true);
    expect(holds('eb', '2024-03-05', { start: '2024-03-01', end: '2024-03-05' }, 'Period')).toBe(false);
  });

  it('a Period matches ge/le by overlap: ge X & le X finds every Period that touches day X', () => {
    const spanning = { start: '2024-03-04T22:00:00Z', end: '2024-03-06T02:00:00Z' };
    const inside = { start: '2024-03-05T09:00:00Z', end: '2024-03-05T10:00:00Z' };
    const before = { start: '2024-03-01', end: '2024-03-04' };
    const overlaps = (p: unknown) =>
      holds('ge', '2024-03-05', p, 'Period') && holds('le', '2024-03-05', p, 'Period');
    expect([spanning, inside, before].map(overlaps)).toEqual([true, true, false]);
    expect(holds('eq', '2024-03-05', inside, 'Period')).toBe(true);
    expect(holds('eq', '2024-03-05', spanning, 'Period')).toBe(false);
  });

  it('an open Period runs to the end (or from the start) of time; an unreadable bound matches nothing', () => {
    expect(holds('gt', '2030', { start: '2024-03-05' }, 'Period')).toBe(true);
    expect(holds('lt', '1900', { end: '2024-03-05' }, 'Period')).toBe(true);
    expect(holds('sa', '2023', { start: '2024-03-05' }, 'Period')).toBe(true);
    expect(fhirDateRangesOf({ start: 'soon', end: '2024' }, 'Period')).toEqual([]);
  });

  it('a Timing matches by its events and its bounds', () => {
    const timing = {
      event: ['2024-03-05T08:00:00Z', '2024-04-05T08:00:00Z'],
      repeat: { boundsPeriod: { start: '2025-01-01', end: '2025-02-01' } },
    };
    expect(holds('eq', '2024-04', timing, 'Timing')).toBe(true);
    expect(holds('eq', '2025-01-15', timing, 'Timing')).toBe(false);
    expect(holds('le', '2025-01-15', timing, 'Timing')).toBe(true);
    expect(holds('eq', '2024-05', timing, 'Timing')).toBe(false);
  });
});
