import { describe, expect, it } from 'vitest';
import { syncPair, syncReplicas, type ChartEvent } from '../../src/index.js';
import { allEvents, expectConverged, openSite, recordMany, tampered } from './fixtures.js';

const NETWORK = ['practice-a', 'practice-b', 'hospital'];

describe('replicas with integrity: false (no signatures)', () => {
  it('record and sync without signing anything, keep and check the hash chain, and converge', async () => {
    const sites = await Promise.all(NETWORK.map((s) => openSite(s, { network: NETWORK, integrity: false })));
    for (const [i, s] of sites.entries()) await recordMany(s, 300 + i * 7); // past the default signEvery (256)
    await syncReplicas(sites);
    await expectConverged(sites);
    for (const s of sites) expect((await allEvents(s)).filter((e) => e.sig !== undefined)).toEqual([]);
  });

  it('still refuse a run whose chain is broken', async () => {
    const a = await openSite('practice-a', { network: NETWORK, integrity: false });
    const b = await openSite('practice-b', { network: NETWORK, integrity: false });
    const events = await recordMany(a, 3);
    const altered = tampered(events[1] as ChartEvent, (x) => (x['type'] = 'item.written-again'));
    const report = await b.ingest([events[0], altered, events[2]]);
    expect(report.accepted).toBe(0);
    expect(report.refused.examples.map((r) => r.reason.code)).toEqual([
      'broken-chain',
      'broken-chain',
      'broken-chain',
    ]);
    expect(await b.versionVector()).toEqual({});
  });

  it('are refused by a replica that requires signatures (unsigned runs are not vouched for)', async () => {
    const unsigned = await openSite('practice-a', { network: NETWORK, integrity: false });
    const signing = await openSite('hospital', { network: NETWORK });
    await recordMany(unsigned, 4);
    const report = await syncPair(unsigned, signing);
    expect(report.accepted).toBe(0);
    expect(new Set(report.refused.examples.map((r) => r.reason.code))).toEqual(new Set(['bad-signature']));
  });
});
