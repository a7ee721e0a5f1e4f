import { describe, expect, it } from 'vitest';
import type { ChartEvent } from '../../src/event/chartEvent.js';
import { eventHash } from '../../src/event/eventHash.js';
import type { SiteHead } from '../../src/event/eventWriter.js';
import type { SiteId } from '../../src/event/ids.js';
import { generateSiteKeys, signEvent } from '../../src/event/signature.js';
import { planAppend, takenPositions, type AppendView } from '../../src/store/checkAppend.js';
import { makeWriter, siteEvents, SITES } from '../support/storeFixtures.js';
import { alteredEvent } from '../support/alteredEvent.js';

const [A, B] = SITES as [SiteId, SiteId];

/** A view of a store holding `held` (each site's run from seq 1). */
function viewOf(held: readonly ChartEvent[]): AppendView {
  const bySite = new Map<SiteId, ChartEvent[]>();
  for (const e of held) bySite.set(e.site, [...(bySite.get(e.site) ?? []), e]);
  return {
    head: (site): SiteHead => {
      const run = bySite.get(site);
      const last = run?.[run.length - 1];
      return last ? { seq: last.seq, hash: eventHash(last) } : { seq: 0, hash: null };
    },
    stored: (site, seq) => {
      const e = bySite.get(site)?.[seq - 1];
      return e && { hash: eventHash(e), signed: e.sig !== undefined };
    },
  };
}

describe('planAppend: the append rules every store shares', () => {
  it('plans the new events in batch order and the heads they reach', () => {
    const a = siteEvents(makeWriter(A), 4);
    const b = siteEvents(makeWriter(B), 2);
    const plan = planAppend([a[2]!, b[0]!, a[3]!, b[1]!], viewOf(a.slice(0, 2)));
    expect(plan.fresh.map((p) => p.event)).toEqual([a[2], b[0], a[3], b[1]]);
    expect(plan.fresh.map((p) => p.hash)).toEqual([a[2]!, b[0]!, a[3]!, b[1]!].map((e) => eventHash(e)));
    expect(plan.duplicates).toBe(0);
    expect(Object.fromEntries(plan.heads)).toEqual({
      [A]: { seq: 4, hash: eventHash(a[3]!) },
      [B]: { seq: 2, hash: eventHash(b[1]!) },
    });
  });

  it('counts duplicates of stored and of earlier batch events, and plans signatures for stored copies that lack one', () => {
    const keys = generateSiteKeys();
    const a = siteEvents(makeWriter(A), 3);
    const signed2 = signEvent(a[1]!, keys.privateKey);
    const plan = planAppend([a[0]!, signed2, signed2, a[2]!, a[2]!], viewOf(a.slice(0, 2)));
    expect(plan.duplicates).toBe(4);
    expect(plan.signatures).toEqual([{ site: A, seq: 2, sig: signed2.sig }]);
    expect(plan.fresh.map((p) => p.event)).toEqual([a[2]]);
  });

  it('keeps the signed copy when a batch holds a new event both unsigned and signed', () => {
    const keys = generateSiteKeys();
    const a = siteEvents(makeWriter(A), 1);
    const signed = signEvent(a[0]!, keys.privateKey);
    const plan = planAppend([a[0]!, signed], viewOf([]));
    expect(plan.fresh).toHaveLength(1);
    expect(plan.fresh[0]!.event.sig).toBe(signed.sig);
    expect(plan.duplicates).toBe(1);
  });

  it('names the batch index, site and seq of what it refuses', () => {
    const a = siteEvents(makeWriter(A), 3);
    expect(() => planAppend([a[0]!, a[2]!], viewOf([]))).toThrow(
      expect.objectContaining({
        code: 'SEQ_GAP',
        details: expect.objectContaining({ index: 1, site: A, seq: 3, expected: 2 }),
      }),
    );
    const fork = siteEvents(makeWriter(A, { seed: 5 }), 1)[0]!;
    expect(() => planAppend([fork], viewOf(a))).toThrow(
      expect.objectContaining({
        code: 'FORK',
        details: expect.objectContaining({ index: 0, site: A, seq: 1 }),
      }),
    );
    expect(() =>
      planAppend([alteredEvent(a[1]!, { prev: eventHash(a[1]!) })], viewOf(a.slice(0, 1))),
    ).toThrow(expect.objectContaining({ code: 'CHAIN_BROKEN' }));
    expect(() => planAppend([a[0]!, { ...a[1]!, seq: 0 }], viewOf([]))).toThrow(
      expect.objectContaining({ code: 'MALFORMED_EVENT', details: expect.objectContaining({ index: 1 }) }),
    );
    expect(() => planAppend('nope' as unknown as ChartEvent[], viewOf([]))).toThrow(
      expect.objectContaining({ code: 'MALFORMED_EVENT' }),
    );
  });

  it('honours maxEventBytes with OVERSIZE', () => {
    const a = siteEvents(makeWriter(A), 1);
    expect(() => planAppend(a, viewOf([]), { maxEventBytes: 100 })).toThrow(
      expect.objectContaining({ code: 'OVERSIZE' }),
    );
  });

  it('takenPositions lists what an asynchronous store must look up first', () => {
    const a = siteEvents(makeWriter(A), 3);
    const b = siteEvents(makeWriter(B), 1);
    const view = viewOf(a.slice(0, 2));
    expect(takenPositions([a[1]!, a[2]!, b[0]!, null as unknown as ChartEvent], view.head)).toEqual([
      { site: A, seq: 2 },
    ]);
  });
});
