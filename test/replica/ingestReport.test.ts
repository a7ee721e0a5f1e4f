import { describe, expect, it } from 'vitest';
import { createReplica, createKeyring, createMemoryEventLog } from '../../src/index.js';
import { testSchema } from '../../src/testing/index.js';
import { keysOf, openSite, publicKeys, recordMany, allEvents, tampered } from './fixtures.js';

const NETWORK = ['practice-a', 'hospital'];

describe('an ingest report aggregates refusals: exact counts, and the first few as examples', () => {
  it('a batch of 50,000 junk items is reported as counts plus 20 examples, never one object per item', async () => {
    const h = await openSite('hospital', { network: NETWORK });
    const junk = Array.from({ length: 50_000 }, (_, i) => (i % 2 === 0 ? {} : 7));
    const report = await h.ingest(junk);
    expect(report.accepted).toBe(0);
    expect(report.refused.count).toBe(50_000);
    expect(report.refused.byCode).toEqual({ malformed: 50_000 });
    expect(report.refused.examples).toHaveLength(20);
    expect(report.refused.examples.map((r) => r.index)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(report.refusedSites).toEqual([]);
  });

  it('keeps the examples with the lowest positions whatever order runs are checked in, and counts every code', async () => {
    const a = await openSite('practice-a', { network: NETWORK });
    await recordMany(a, 4);
    await a.signHead();
    const events = await allEvents(a);
    const h = await createReplica({
      site: 'hospital',
      keys: keysOf('hospital'),
      store: createMemoryEventLog(),
      schema: testSchema,
      keyring: createKeyring(publicKeys(NETWORK)),
      maxRefusalExamples: 3,
    });
    const forged = tampered(events[3] as (typeof events)[number], (x) => (x['type'] = 'item.other'));
    const report = await h.ingest([...events.slice(0, 3), forged, {}, {}]);
    expect(report.refused.count).toBe(6);
    expect(report.refused.byCode).toEqual({ 'bad-signature': 4, malformed: 2 });
    expect(report.refused.examples.map((r) => r.index)).toEqual([0, 1, 2]);
    expect(report.refusedSites).toEqual(['practice-a']);
  });
});
