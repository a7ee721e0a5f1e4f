import { describe, expect, it } from 'vitest';
import { RETRACTION_EVENT, syncPair, type EventData } from '../../src/index.js';
import { allEvents, draft, expectConverged, foldHash, openSite, STREAMS } from './fixtures.js';

const NETWORK = ['practice-a', 'hospital'];

describe('a retraction the schema does not understand', () => {
  it('recorded at one site (v 2, empty reason, extra field, non-id entry), deletes nothing on any replica', async () => {
    const a = await openSite('practice-a', { network: NETWORK });
    const h = await openSite('hospital', { network: NETWORK });
    const stream = STREAMS[0];
    const target = await a.record(draft('practice-a', 0, stream));
    const before = a.chart.stateHash(target.stream);
    const retractions: EventData[] = [
      { retracts: [target.id], reason: 'x' },
      { retracts: [target.id], reason: '' },
      { retracts: [target.id], reason: 'x', note: 'extra' },
      { retracts: [target.id, 42], reason: 'x' },
    ];
    for (const [i, data] of retractions.entries()) {
      await a.record({
        stream: target.stream,
        type: RETRACTION_EVENT,
        v: i === 0 ? 2 : 1,
        data,
        author: { id: 'dr-a' },
      });
    }
    expect((await syncPair(a, h)).refused.count).toBe(0);
    await expectConverged([a, h]);
    for (const replica of [a, h]) {
      expect(replica.chart.stateHash(target.stream), replica.site).toBe(before);
      expect(replica.chart.state(target.stream)?.retracted).toEqual([]);
      expect((await replica.history(target.stream, 'Item/r0', 'lww')).map((e) => [e.id, e.status])).toEqual([
        [target.id, 'current'],
      ]);
    }
    expect(a.chart.hash()).toBe(foldHash(await allEvents(a)));
  });
});
