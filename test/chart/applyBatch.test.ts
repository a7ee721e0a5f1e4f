import { describe, expect, it } from 'vitest';
import {
  createEventWriter,
  createHybridClock,
  defineSchema,
  fold,
  lww,
  siteId,
  streamId,
  type ChartEvent,
  type MergeRule,
  type RegisterState,
  type Schema,
} from '../../src/index.js';

const T0 = Date.UTC(2026, 6, 19, 6, 0, 0, 0);

function eventsOf(stream: string, writes: Record<string, Record<string, number>>): ChartEvent[] {
  const writer = createEventWriter({
    site: siteId('practice-a'),
    clock: createHybridClock({ wallClock: () => T0 }),
  });
  return [
    writer.append({
      stream: streamId(stream),
      type: 'item.written',
      author: { id: 'clinician' },
      data: writes,
    }),
  ];
}

describe('applying a batch', () => {
  it('a custom rule that folds another record while it merges leaves the outer fold’s writes intact', () => {
    const inner = eventsOf('patient/inner', { 'Item/x': { plain: 1 } });
    let innerState: unknown;
    // A rule that looks at another record as it merges (say, to consult a reference
    // list): the fold it runs must not share the outer fold's buffer of planned writes.
    const consulting: MergeRule<RegisterState> = {
      ...lww,
      name: 'consulting',
      create(write, pred) {
        innerState = fold(inner, schema).get(streamId('patient/inner'));
        return lww.create(write, pred);
      },
    };
    const schema: Schema = defineSchema({
      rules: { consulting },
      resources: { Item: { fields: { looked: 'consulting', plain: 'lww' } } },
      events: { 'item.written': { v: 1, resources: ['Item'] } },
    });
    const outer = eventsOf('patient/outer', { 'Item/i1': { looked: 1, plain: 2 } });

    const state = fold(outer, schema).get(streamId('patient/outer'));

    expect(state?.resources['Item/i1']?.fields['looked']?.value).toBe(1);
    expect(state?.resources['Item/i1']?.fields['plain']?.value).toBe(2);
    expect(innerState).toBeDefined();
  });
});
