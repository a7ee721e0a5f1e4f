import { describe, expect, it } from 'vitest';
import { EVENT_ID_PATTERN, eventIdOf, isEventId, siteId, validateEvent, type ChartEvent } from '../../src/index.js';
import { fixedWriter, PATIENT, T0 } from './fixtures.js';

const author = { id: 'gmc-7012345', role: 'gp' };
const write = { stream: PATIENT, type: 'allergy.recorded', author, data: { 'AllergyIntolerance/a1': { criticality: 'high' } } };

describe('eventIdOf: an event id is a pure function of its origin (site, seq)', () => {
  it('is the pinned UUIDv8 for a fixed origin (the wire format: a change must be deliberate)', () => {
    // Computed independently: first 16 bytes of SHA-256("chartlog/event-id/v1\npractice-a\n1"),
    // version nibble 8, variant bits 10.
    expect(eventIdOf(siteId('practice-a'), 1)).toBe('92904e71-5a8c-86f3-b87d-93098179d7a1');
    expect(eventIdOf(siteId('practice-a'), 2)).toBe('930305f9-d7f4-8762-8bd5-8cebafd98b3e');
  });

  it('gives every (site, seq) its own lower-case RFC 9562 version 8 id', () => {
    const ids = new Set<string>();
    for (const site of ['a', 'a1', 'practice-a', 'practice-b']) {
      for (let seq = 1; seq <= 200; seq++) {
        const id = eventIdOf(siteId(site), seq);
        expect(id).toMatch(EVENT_ID_PATTERN);
        expect(isEventId(id)).toBe(true);
        ids.add(id);
      }
    }
    expect(ids.size).toBe(800);
  });
});

describe('the envelope check holds each event to its own id', () => {
  const { writer } = fixedWriter('practice-a', T0);
  const [first, second] = writer.appendAll([write, write]) as [ChartEvent, ChartEvent];

  it('refuses an event carrying another event\'s id, naming the id it must have', () => {
    const claimed = { ...second, id: first.id };
    const issues = validateEvent(claimed);
    expect(issues).toEqual([{ path: ['id'], message: expect.stringContaining(eventIdOf(siteId('practice-a'), 2)) as string }]);
    const otherSite = { ...first, site: 'practice-b' };
    expect(validateEvent(otherSite).map((i) => i.path)).toEqual([['id']]);
  });

  it('refuses the random UUIDv7 ids of earlier builds, as ids and in pred', () => {
    const v7 = '0192f0c4-7a1e-7000-8000-00000000000a';
    expect(isEventId(v7)).toBe(false);
    expect(validateEvent({ ...first, id: v7 }).map((i) => i.path)).toEqual([['id']]);
    expect(validateEvent({ ...second, pred: { 'AllergyIntolerance/a1': { criticality: [v7] } } }).map((i) => i.path)).toEqual([['pred', 'AllergyIntolerance/a1', 'criticality', 0]]);
  });

  it('accepts what the writer made', () => {
    expect(validateEvent(first)).toEqual([]);
    expect(validateEvent(second)).toEqual([]);
  });
});
