import { describe, expect, it } from 'vitest';
import {
  createChart,
  foldStream,
  history,
  listConflicts,
  prepareRetraction,
  RETRACTION_EVENT,
  stateHash,
  streamId,
  type ChartEvent,
  type EventData,
} from '../../src/index.js';
import { schema, STREAM, T0, testSite, valueOf } from './fixtures.js';

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Two sites writing the same fields while cut off from each other. */
function outage(): ChartEvent[] {
  const a = testSite('site-a');
  const b = testSite('site-b', T0 + 3);
  const events: ChartEvent[] = [];
  for (let i = 0; i < 20; i++) {
    a.tick(7);
    b.tick(5);
    events.push(
      a.write({
        text: `a${i}`,
        dose: `${i} mg`,
        notes: `a note ${i}`,
        reviewed: i,
        tags: { add: [`a${i % 3}`] },
      }),
    );
    events.push(
      b.write({
        text: `b${i}`,
        dose: `${i + 1} mg`,
        notes: `b note ${i}`,
        reviewed: 40 - i,
        tags: i % 4 === 0 ? { remove: ['b0'] } : { add: [`b${i % 2}`] },
      }),
    );
  }
  return events;
}

describe('chart', () => {
  it('a late event rewinds to a snapshot and replays: the result equals the batch fold', () => {
    const events = outage();
    const expected = stateHash(foldStream(STREAM, events, schema));
    for (const seed of [1, 2, 3]) {
      const chart = createChart({ schema });
      let late = 0;
      for (const e of shuffled(events, seed)) late += chart.apply([e]).late;
      expect(late).toBeGreaterThan(0);
      expect(chart.stateHash(STREAM)).toBe(expected);
    }
  });

  it('applying a batch in one call equals applying it event by event, and duplicates change nothing', () => {
    const events = outage();
    const batch = createChart({ schema });
    const report = batch.apply([...events, ...events.slice(0, 5)]);
    expect(report).toMatchObject({ applied: events.length, duplicates: 5 });
    const single = createChart({ schema });
    for (const e of [...events].reverse()) single.apply([e]);
    expect(single.apply(events.slice(3, 9)).applied).toBe(0);
    expect(single.stateHash(STREAM)).toBe(batch.stateHash(STREAM));
    expect(single.hash()).toBe(batch.hash());
  });

  it('a state a consumer holds never changes when new events arrive (immutable, structurally shared)', () => {
    const a = testSite('site-a');
    a.write({ text: 'one' }, 'Item/i1');
    a.write({ text: 'other' }, 'Item/i2');
    const held = a.state();
    const heldJson = JSON.stringify(held);
    a.write({ text: 'two' }, 'Item/i1');
    expect(JSON.stringify(held)).toBe(heldJson);
    expect(Object.isFrozen(held?.resources)).toBe(true);
    expect(a.state()?.resources['Item/i2']).toBe(held?.resources['Item/i2']);
  });

  it('a write that saw another supersedes it even when its clock is earlier', () => {
    const fast = testSite('site-fast', T0 + 3_600_000); // an hour ahead
    const slow = testSite('site-slow', T0);
    const w1 = fast.write({ dose: '5 mg', text: 'fast' });
    slow.chart.apply([w1]);
    const w2 = slow.write({ dose: '2.5 mg', text: 'slow' }); // saw w1, stamped earlier
    expect(w2.hlc < w1.hlc).toBe(true);
    for (const order of [
      [w1, w2],
      [w2, w1],
    ]) {
      const chart = createChart({ schema });
      for (const e of order) chart.apply([e]);
      expect(valueOf(chart, 'dose')).toBe('2.5 mg');
      expect(valueOf(chart, 'text')).toBe('slow');
      expect(listConflicts(chart)).toEqual([]);
    }
  });

  it('a retraction removes exactly the retracted event’s effects, wherever it sorts, and keeps both in the log', () => {
    const a = testSite('site-a');
    const keep = a.write({ text: 'right patient', tags: { add: ['x'] } });
    const wrong = a.write({ text: 'wrong patient', dose: '10 mg', tags: { add: ['y'] } });
    const retraction = a.writer.append(
      prepareRetraction({
        stream: STREAM,
        events: [wrong.id],
        reason: 'recorded against the wrong patient',
        author: { id: 'dr-a' },
      }),
    );
    for (const order of [
      [keep, wrong, retraction],
      [retraction, wrong, keep],
      [keep, retraction, wrong],
    ]) {
      const chart = createChart({ schema });
      for (const e of order) chart.apply([e]);
      const state = chart.state(STREAM);
      expect(state?.resources).toEqual(foldStream(STREAM, [keep], schema).resources);
      expect(state?.retracted).toEqual([wrong.id]);
      expect(chart.events(STREAM)).toHaveLength(3);
      expect(history(chart, STREAM, 'Item/i1', 'text').map((h) => [h.value, h.status])).toEqual([
        ['right patient', 'current'],
        ['wrong patient', 'retracted'],
      ]);
    }
  });

  // Retractions this schema does not understand: the fold ignores them, so they must do nothing at all.
  const IGNORED_RETRACTIONS: Record<string, (target: string) => { v: number; data: EventData }> = {
    'of a newer version (v 2)': (target) => ({ v: 2, data: { retracts: [target], reason: 'wrong patient' } }),
    'with an empty reason': (target) => ({ v: 1, data: { retracts: [target], reason: ' ' } }),
    'with an extra field': (target) => ({
      v: 1,
      data: { retracts: [target], reason: 'wrong patient', 'Item/i1': { text: 'sneaked in' } },
    }),
    'naming something that is not an event id': (target) => ({
      v: 1,
      data: { retracts: [target, 'not-an-id'], reason: 'wrong patient' },
    }),
  };
  for (const [name, make] of Object.entries(IGNORED_RETRACTIONS)) {
    it(`a retraction ${name} is ignored and retracts nothing, in any arrival order, as the pure fold says`, () => {
      const a = testSite('site-a');
      const target = a.write({ text: 'penicillin allergy', tags: { add: ['x'] } });
      const retraction = a.writer.append({
        stream: STREAM,
        type: RETRACTION_EVENT,
        author: { id: 'dr-a' },
        ...make(target.id),
      });
      const expected = foldStream(STREAM, [target], schema);
      expect(stateHash(foldStream(STREAM, [target, retraction], schema))).toBe(stateHash(expected));
      for (const order of [
        [target, retraction],
        [retraction, target],
        [target, retraction, target],
      ]) {
        const chart = createChart({ schema });
        for (const e of order) chart.apply([e]);
        expect(chart.state(STREAM)?.resources).toEqual(expected.resources);
        expect(chart.state(STREAM)?.retracted).toEqual([]);
        expect(chart.stateHash(STREAM)).toBe(stateHash(expected));
        const statuses = history(chart, STREAM, 'Item/i1', 'text').map((h) => [h.id, h.status]);
        expect(statuses).toEqual(
          name === 'with an extra field'
            ? [
                [target.id, 'current'],
                [retraction.id, 'ignored'],
              ]
            : [[target.id, 'current']],
        );
      }
    });
  }

  it('keeps and ignores event types and versions it does not understand (mixed-version fleets)', () => {
    const a = testSite('site-a');
    a.write({ text: 'known' });
    const future = a.writer.append({
      stream: STREAM,
      type: 'item.written',
      v: 2,
      author: { id: 'dr-new' },
      data: { 'Item/i1': { text: 'from v2' } },
    });
    const unknown = a.writer.append({
      stream: STREAM,
      type: 'genomics.variant-recorded',
      author: { id: 'lab' },
      data: { 'Variant/v1': { gene: 'BRCA1' } },
    });
    const before = a.chart.stateHash(STREAM);
    a.chart.apply([future, unknown]);
    expect(a.chart.events(STREAM)).toHaveLength(3);
    expect(a.chart.stateHash(STREAM)).toBe(before);
    expect(history(a.chart, STREAM, 'Item/i1', 'text').map((h) => h.status)).toEqual(['current', 'ignored']);
  });

  it('applies an event whole or not at all: one bad field makes the fold skip the entire event', () => {
    const a = testSite('site-a');
    a.write({ text: 'before', reviewed: 1 });
    // Hand-made (a buggy peer): a valid text write next to a max write of an object.
    const bad = a.writer.append({
      stream: STREAM,
      type: 'item.written',
      author: { id: 'x' },
      data: { 'Item/i1': { text: 'after', reviewed: { not: 'a number' } } },
    });
    a.chart.apply([bad]);
    expect(valueOf(a.chart, 'text')).toBe('before');
    expect(history(a.chart, STREAM, 'Item/i1', 'text').map((h) => h.status)).toEqual(['current', 'ignored']);
  });

  it('history lists every write of a field with who, where, when, and what it replaced', () => {
    const a = testSite('site-a');
    const b = testSite('site-b');
    const w1 = a.write({ dose: '5 mg' });
    b.chart.apply([w1]);
    b.tick(60_000);
    const w2 = b.write({ dose: '10 mg' });
    a.chart.apply([w2]);
    const h = history(a.chart, STREAM, 'Item/i1', 'dose');
    expect(
      h.map((e) => ({
        value: e.value,
        site: e.site,
        author: e.author.id,
        replaced: e.replaced,
        status: e.status,
      })),
    ).toEqual([
      { value: '5 mg', site: 'site-a', author: 'site-a-clinician', replaced: [], status: 'superseded' },
      { value: '10 mg', site: 'site-b', author: 'site-b-clinician', replaced: [w1.id], status: 'current' },
    ]);
    expect(h[1]?.hlc).toBe(w2.hlc);
  });

  it('one replica hash covers every stream: it differs when any record differs', () => {
    const a = testSite('site-a');
    a.write({ text: 'x' });
    const other = streamId('patient/p2');
    const chart = createChart({ schema });
    chart.apply(a.chart.events(STREAM));
    expect(chart.hash()).toBe(a.chart.hash());
    const e = a.writer.append({
      stream: other,
      type: 'item.written',
      author: { id: 'x' },
      data: { 'Item/i9': { text: 'y' } },
    });
    chart.apply([e]);
    expect(chart.hash()).not.toBe(a.chart.hash());
    expect(chart.streams()).toEqual([STREAM, other]);
  });
});

describe('chart at scale', () => {
  it('takes a batch of 200,000 events for one stream in one call', () => {
    const a = testSite('site-a', T0);
    const events = [];
    for (let i = 0; i < 200_000; i++)
      events.push(
        a.writer.append({
          stream: STREAM,
          type: 'item.written',
          author: { id: 'x' },
          data: { 'Item/i1': { reviewed: i } },
        }),
      );
    const chart = createChart({ schema });
    expect(chart.apply(events).applied).toBe(200_000);
    expect(valueOf(chart, 'reviewed')).toBe(199_999);
  });
});
