import { describe, expect, it } from 'vitest';
import { listConflicts } from '../../src/index.js';
import { STREAM, T0, testSite, valueOf } from '../chart/fixtures.js';

describe('lww', () => {
  it('a later write that saw the current value replaces it', () => {
    const a = testSite('site-a');
    a.write({ text: 'smoker' });
    a.tick(10);
    a.write({ text: 'ex-smoker' });
    expect(valueOf(a.chart, 'text')).toBe('ex-smoker');
  });

  it('between concurrent writes the later clock wins and the loser stays in history, with no conflict', () => {
    const a = testSite('site-a');
    const b = testSite('site-b');
    const wa = a.write({ text: 'from a' });
    b.tick(5);
    const wb = b.write({ text: 'from b' });
    a.chart.apply([wb]);
    b.chart.apply([wa]);
    expect(valueOf(a.chart, 'text')).toBe('from b');
    expect(valueOf(b.chart, 'text')).toBe('from b');
    expect(listConflicts(a.chart)).toEqual([]);
  });
});

describe('mv', () => {
  it('concurrent writes are a conflict listing both, with the later as provisional value', () => {
    const a = testSite('site-a');
    const b = testSite('site-b');
    const wa = a.write({ dose: '5 mg' });
    b.tick(1);
    const wb = b.write({ dose: '10 mg' });
    a.chart.apply([wb]);
    const [conflict] = listConflicts(a.chart);
    expect(conflict?.field).toBe('dose');
    expect(conflict?.provisional).toBe('10 mg');
    expect(conflict?.writes.map((w) => [w.value, w.site, w.author.id])).toEqual([
      ['5 mg', 'site-a', 'site-a-clinician'],
      ['10 mg', 'site-b', 'site-b-clinician'],
    ]);
    expect(wa.id).toBe(conflict?.writes[0]?.id);
  });

  it('a write whose pred names every competing write resolves the conflict everywhere', () => {
    const a = testSite('site-a');
    const b = testSite('site-b');
    const wa = a.write({ dose: '5 mg' });
    const wb = b.write({ dose: '10 mg' });
    a.chart.apply([wb]);
    a.tick(100);
    expect(() => a.write({ dose: '7.5 mg' })).toThrow(/open conflict/);
    const fix = a.write({ dose: '7.5 mg' }, 'Item/i1', { resolveConflicts: true });
    expect(fix.pred['Item/i1']?.['dose']).toEqual([wa.id, wb.id].sort());
    b.chart.apply([fix, wa]);
    for (const chart of [a.chart, b.chart]) {
      expect(listConflicts(chart)).toEqual([]);
      expect(valueOf(chart, 'dose')).toBe('7.5 mg');
    }
  });

  it('a write that saw only one side of a conflict does not resolve it', () => {
    const a = testSite('site-a');
    const b = testSite('site-b');
    a.write({ dose: '5 mg' });
    const wb = b.write({ dose: '10 mg' });
    a.tick(10);
    const partial = a.write({ dose: '6 mg' }); // a had not seen b's write yet
    b.chart.apply([partial]);
    expect(listConflicts(b.chart)[0]?.writes.map((w) => w.value)).toEqual(['10 mg', '6 mg']);
    void wb;
  });

  it('concurrent writes of the same value are live but not a conflict: nothing to choose', () => {
    const a = testSite('site-a');
    const b = testSite('site-b');
    const wb = b.write({ dose: 'stopped' });
    a.write({ dose: 'stopped' });
    a.chart.apply([wb]);
    expect(listConflicts(a.chart)).toEqual([]);
    expect(valueOf(a.chart, 'dose')).toBe('stopped');
  });
});

describe('once', () => {
  it('keeps the first value; the same value again is harmless; a different one is a conflict', () => {
    const a = testSite('site-a');
    const b = testSite('site-b', T0 + 50);
    a.write({ patient: 'Patient/p1' });
    const again = b.write({ patient: 'Patient/p1' });
    a.chart.apply([again]);
    expect(listConflicts(a.chart)).toEqual([]);
    const wrong = b.write({ patient: 'Patient/p2' });
    a.chart.apply([wrong]);
    expect(valueOf(a.chart, 'patient')).toBe('Patient/p1');
    expect(listConflicts(a.chart).map((c) => [c.rule, c.provisional])).toEqual([['once', 'Patient/p1']]);
  });
});

describe('max and min', () => {
  it('max keeps the largest value ever written, min the smallest, whatever the order', () => {
    const a = testSite('site-a');
    a.write({ reviewed: '2026-03-01', first: '2026-03-01' });
    a.write({ reviewed: '2026-01-15', first: '2026-01-15' });
    a.write({ reviewed: '2026-05-02', first: '2026-05-02' });
    expect(valueOf(a.chart, 'reviewed')).toBe('2026-05-02');
    expect(valueOf(a.chart, 'first')).toBe('2026-01-15');
  });

  it('refuses a value that is neither a number nor a string', () => {
    const a = testSite('site-a');
    expect(() => a.write({ reviewed: { at: 1 } })).toThrow(
      expect.objectContaining({ code: 'INVALID_COMMAND' }),
    );
  });
});

describe('set (add-wins observed-remove)', () => {
  it('removes only what the remover saw: a concurrent add of the same element survives', () => {
    const a = testSite('site-a');
    const b = testSite('site-b');
    const add1 = a.write({ tags: { add: ['urticaria'] } });
    b.chart.apply([add1]);
    const remove = b.write({ tags: { remove: ['urticaria'] } }); // b saw add1
    const add2 = a.write({ tags: { add: ['urticaria', 'wheeze'] } }); // concurrent re-add
    a.chart.apply([remove]);
    b.chart.apply([add2]);
    expect(valueOf(a.chart, 'tags')).toEqual(['urticaria', 'wheeze']);
    expect(a.chart.stateHash(STREAM)).toBe(b.chart.stateHash(STREAM));
  });

  it('a remove that saw every add removes the element', () => {
    const a = testSite('site-a');
    a.write({ tags: { add: ['rash', 'hives'] } });
    a.write({ tags: { remove: ['rash'] } });
    expect(valueOf(a.chart, 'tags')).toEqual(['hives']);
  });

  it('elements read back in the order they were first added (a FHIR list keeps its order), the same at every site', () => {
    const a = testSite('site-a');
    const b = testSite('site-b');
    const first = a.write({ tags: { add: ['wheeze', 'rash', 'hives'] } });
    expect(valueOf(a.chart, 'tags')).toEqual(['wheeze', 'rash', 'hives']);
    b.chart.apply([first]);
    b.tick(5);
    const concurrent = b.write({ tags: { add: ['angioedema'] } });
    const again = a.write({ tags: { add: ['rash'] } }); // re-adding does not move it
    a.chart.apply([concurrent]);
    b.chart.apply([again]);
    expect(valueOf(a.chart, 'tags')).toEqual(['wheeze', 'rash', 'hives', 'angioedema']);
    expect(valueOf(b.chart, 'tags')).toEqual(['wheeze', 'rash', 'hives', 'angioedema']);
    expect(a.chart.stateHash(STREAM)).toBe(b.chart.stateHash(STREAM));
  });

  it('an element a list holds twice is kept twice, in place; removing one of them leaves the other', () => {
    const a = testSite('site-a');
    const b = testSite('site-b');
    a.write({ tags: { add: ['rash', 'hives', 'rash'] } });
    expect(valueOf(a.chart, 'tags')).toEqual(['rash', 'hives', 'rash']);
    const elsewhere = b.write({ tags: { add: ['rash'] } }); // the same element added elsewhere is the same element
    a.chart.apply([elsewhere]);
    expect(valueOf(a.chart, 'tags')).toEqual(['rash', 'hives', 'rash']);
    a.write({ tags: { remove: ['rash', 'rash'], add: ['rash'] } });
    expect(valueOf(a.chart, 'tags')).toEqual(['rash', 'hives']);
  });

  it('elements are compared by value, including objects', () => {
    const a = testSite('site-a');
    a.write({ tags: { add: [{ system: 'snomed', code: '271807003' }] } });
    a.write({ tags: { add: [{ code: '271807003', system: 'snomed' }] } });
    expect(valueOf(a.chart, 'tags')).toHaveLength(1);
  });
});

describe('log', () => {
  it('keeps every entry from every site in total order, with who and when', () => {
    const a = testSite('site-a');
    const b = testSite('site-b');
    const n1 = a.write({ notes: 'BP high, recheck 2w' });
    b.tick(1);
    const n2 = b.write({ notes: 'Telephone triage: no chest pain' });
    a.tick(2);
    const n3 = a.write({ notes: 'Started amlodipine' });
    b.chart.apply([n3, n1]);
    a.chart.apply([n2]);
    const entries = valueOf(a.chart, 'notes') as { value: string; author: string }[];
    expect(entries.map((e) => e.value)).toEqual([
      'BP high, recheck 2w',
      'Telephone triage: no chest pain',
      'Started amlodipine',
    ]);
    expect(entries.map((e) => e.author)).toEqual([
      'site-a-clinician',
      'site-b-clinician',
      'site-a-clinician',
    ]);
    expect(a.chart.stateHash(STREAM)).toBe(b.chart.stateHash(STREAM));
  });
});
