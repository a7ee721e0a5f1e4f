import { describe, expect, it } from 'vitest';
import { isChartlogError, listConflicts, prepareRetraction, prepareWrite } from '../../src/index.js';
import { schema, STREAM, testSite, valueOf } from './fixtures.js';

function refusal(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a refusal');
}

describe('prepareWrite', () => {
  it('fills pred with exactly the writes the author sees, so the write supersedes them', () => {
    const a = testSite('site-a');
    const first = a.write({ dose: '5 mg', text: 'x' });
    const draft = prepareWrite(schema, a.state(), {
      stream: STREAM,
      type: 'item.written',
      author: { id: 'dr' },
      writes: { 'Item/i1': { dose: '10 mg', notes: 'n' } },
    });
    expect(draft.pred).toEqual({ 'Item/i1': { dose: [first.id] } });
  });

  it('refuses values that are not plain JSON as INVALID_COMMAND naming the field, before anything is recorded', () => {
    const err = refusal(() =>
      prepareWrite(schema, undefined, {
        stream: STREAM,
        type: 'item.written',
        author: { id: 'dr' },
        writes: { 'Item/i1': { text: new Date() as never } },
      }),
    );
    expect(isChartlogError(err) && err.code).toBe('INVALID_COMMAND');
    expect(isChartlogError(err) && err.issues[0]?.path).toEqual(['writes', 'Item/i1', 'text']);
  });

  it('refuses unknown fields, resource types the event may not write, and values the rule refuses', () => {
    const err = refusal(() =>
      prepareWrite(schema, undefined, {
        stream: STREAM,
        type: 'item.written',
        author: { id: 'dr' },
        writes: { 'Item/i1': { colour: 'red', reviewed: [1] }, 'Other/o1': { text: 'x' } },
      }),
    );
    expect(isChartlogError(err) && err.issues.map((i) => i.path)).toEqual([
      ['data', 'Item/i1', 'colour'],
      ['data', 'Item/i1', 'reviewed'],
      ['data', 'Other/o1'],
      ['data', 'Other/o1', 'text'],
    ]);
  });

  it('an explicit supersede names exactly the writes to replace, even in a conflict', () => {
    const a = testSite('site-a');
    const b = testSite('site-b');
    const wa = a.write({ dose: '5 mg' });
    const wb = b.write({ dose: '10 mg' });
    a.chart.apply([wb]);
    const draft = prepareWrite(schema, a.state(), {
      stream: STREAM,
      type: 'item.written',
      author: { id: 'dr' },
      writes: { 'Item/i1': { dose: '7 mg' } },
      supersede: { 'Item/i1': { dose: [wa.id] } },
    });
    a.chart.apply([a.writer.append(draft)]);
    expect(listConflicts(a.chart)[0]?.writes.map((w) => w.value)).toEqual(['10 mg', '7 mg']);
    expect(valueOf(a.chart, 'dose')).toBe('7 mg');
  });

  it('a retraction must name events and give a reason', () => {
    const err = refusal(() =>
      prepareRetraction({ stream: STREAM, events: [], reason: ' ', author: { id: 'dr' } }),
    );
    expect(isChartlogError(err) && err.issues.map((i) => i.path)).toEqual([['events'], ['reason']]);
  });
});
