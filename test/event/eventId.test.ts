import { describe, expect, it } from 'vitest';
import { eventIdOf, validateEvent, type ChartEvent } from '../../src/index.js';
import { EVENT_ID_PATTERN, isEventId } from '../../src/event/ids.js';
import { encodeEvent } from '../../src/event/eventHash.js';
import { uuidFromSha256 } from '../../src/event/uuidFromSha256.js';
import { fixedWriter, PATIENT, T0 } from './fixtures.js';

const author = { id: 'gmc-7012345', role: 'gp' };
const write = {
  stream: PATIENT,
  type: 'allergy.recorded',
  author,
  data: { 'AllergyIntolerance/a1': { criticality: 'high' } },
};

/** `event` without its id and signature: what its id is derived from. */
function withoutId(event: ChartEvent): Omit<ChartEvent, 'id' | 'sig'> {
  const { id: _id, sig: _sig, ...rest } = event;
  return rest;
}

describe('eventIdOf: an event id is derived from everything the event says', () => {
  const { writer } = fixedWriter('practice-a', T0);
  const [first, second] = writer.appendAll([write, write]) as [ChartEvent, ChartEvent];

  it('is the UUIDv8 of SHA-256 over the scheme and the canonical encoding without the id (the wire format: a change must be deliberate)', () => {
    const idless = encodeEvent(withoutId(first) as ChartEvent);
    expect(idless).not.toContain(',"id":"');
    expect(first.id).toBe(uuidFromSha256(`chartlog/event-id/v1\n${idless}`));
    expect(first.id).toBe(eventIdOf(withoutId(first)));
    expect(first.id).toMatch(EVENT_ID_PATTERN);
  });

  it('gives every event its own id: a change to any member changes it', () => {
    const base = withoutId(second);
    const variants = [
      base,
      { ...base, seq: 3 },
      { ...base, site: 'practice-b' },
      { ...base, hlc: first.hlc },
      { ...base, prev: null },
      { ...base, data: { 'AllergyIntolerance/a1': { criticality: 'low' } } },
      { ...base, author: { id: 'someone-else' } },
      { ...base, pred: { 'AllergyIntolerance/a1': { criticality: [first.id] } } },
      { ...base, v: 2 },
    ];
    const ids = variants.map((v) => eventIdOf(v as Omit<ChartEvent, 'id' | 'sig'>));
    expect(new Set(ids).size).toBe(variants.length);
    for (const id of ids) expect(isEventId(id)).toBe(true);
  });

  it('cannot be known before the event exists: the id (site, seq) would have had under a rule of names is not the id of the event recorded there', () => {
    // Under an id rule of names ("chartlog/event-id/v1\n<site>\n<seq>"), any site could
    // name practice-a's next event in a retraction or a pred before it was recorded.
    const named = uuidFromSha256('chartlog/event-id/v1\npractice-a\n1');
    expect(first.id).not.toBe(named);
  });
});

describe('the envelope check holds each event to its own id', () => {
  const { writer } = fixedWriter('practice-a', T0);
  const [first, second] = writer.appendAll([write, write]) as [ChartEvent, ChartEvent];

  it("refuses an event carrying another event's id, and an event altered after its id was derived", () => {
    expect(validateEvent({ ...second, id: first.id })).toMatchObject([
      { path: ['id'], message: expect.stringContaining('is not the id derived from this event') as string },
    ]);
    expect(validateEvent({ ...first, site: 'practice-b' }).map((i) => i.path)).toEqual([['id']]);
    expect(
      validateEvent({ ...first, data: { 'AllergyIntolerance/a1': { criticality: 'low' } } }).map(
        (i) => i.path,
      ),
    ).toEqual([['id']]);
  });

  it('refuses the random UUIDv7 ids of earlier builds, as ids and in pred', () => {
    const v7 = '0192f0c4-7a1e-7000-8000-00000000000a';
    expect(isEventId(v7)).toBe(false);
    expect(validateEvent({ ...first, id: v7 }).map((i) => i.path)).toEqual([['id']]);
    expect(
      validateEvent({ ...second, pred: { 'AllergyIntolerance/a1': { criticality: [v7] } } }).map(
        (i) => i.path,
      ),
    ).toEqual([['pred', 'AllergyIntolerance/a1', 'criticality', 0]]);
  });

  it('accepts what the writer made', () => {
    expect(validateEvent(first)).toEqual([]);
    expect(validateEvent(second)).toEqual([]);
  });
});
