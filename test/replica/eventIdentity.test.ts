/**
 * An event's identity belongs to its origin (docs/architecture.md, "Event identity"; THREAT_MODEL.md): no site can mint an event
 * the chart would take for another site's, two sites never give two events one id,
 * whatever randomness they were handed, and nobody can name an event before it exists.
 */
import { describe, expect, it } from 'vitest';
import {
  createEventWriter,
  createHybridClock,
  createKeyring,
  createMemoryEventLog,
  createReplica,
  prepareRetraction,
  signEvent,
  siteId,
  type ChartEvent,
  type EventId,
  type EventLog,
  type Replica,
} from '../../src/index.js';
import { clinicalSchema, patientStream, readAllergies, recordAllergy } from '../../src/clinical/index.js';
import { parseHlc } from '../../src/event/hlc.js';
import { openSqliteEventLog } from '../../src/store/sqlite/index.js';
import { uuidFromSha256 } from '../../src/event/uuidFromSha256.js';
import { seededFloats } from '../../src/testing/mulberry32.js';
import { useTempDir } from '../support/tempDir.js';
import { keysOf, publicKeys } from './fixtures.js';

const NETWORK = ['practice-a', 'practice-b', 'hub-1', 'hub-2'];
const T0 = Date.UTC(2026, 6, 19, 6, 0, 0, 0);
const PATIENT = 'ann-jones';
const STREAM = patientStream(PATIENT);
const PENICILLIN = {
  coding: [{ system: 'http://snomed.info/sct', code: '764146007', display: 'Penicillin' }],
  text: 'Penicillin',
};
const LATEX = {
  coding: [{ system: 'http://snomed.info/sct', code: '300916003', display: 'Latex allergy' }],
  text: 'Latex',
};

async function openClinicalSite(
  site: string,
  options: { store?: EventLog; wall?: () => number; extra?: object } = {},
): Promise<Replica> {
  return createReplica({
    site,
    keys: keysOf(site),
    store: options.store ?? createMemoryEventLog(),
    schema: clinicalSchema,
    keyring: createKeyring(publicKeys(NETWORK)),
    clock: createHybridClock({ wallClock: options.wall ?? (() => T0) }),
    // Spread, not named: the test stays valid for options a release no longer has.
    ...options.extra,
  });
}

/** Practice B records Ann's penicillin allergy; returns its signed head (what B sends). */
async function victimAllergy(b: Replica): Promise<ChartEvent> {
  await b.record(
    recordAllergy(b.chart.state(STREAM), {
      patientId: PATIENT,
      code: PENICILLIN,
      criticality: 'high',
      author: { id: 'dr-b', role: 'gp' },
    }),
  );
  return (await b.signHead()) as ChartEvent;
}

/**
 * Practice A, holding a valid key, signs an event in the same record that reuses the id
 * of B's event, stamped 1 ms earlier so it sorts first everywhere.
 */
function claimingEvent(victim: ChartEvent): ChartEvent {
  const a = siteId('practice-a');
  const writer = createEventWriter({
    site: a,
    clock: createHybridClock({ wallClock: () => parseHlc(victim.hlc).wallMs - 1 }),
  });
  const own = writer.append(
    recordAllergy(undefined, { patientId: PATIENT, code: LATEX, author: { id: 'dr-a', role: 'gp' } }),
  );
  const { sig: _sig, ...unsigned } = own;
  return signEvent({ ...unsigned, id: victim.id }, keysOf('practice-a').privateKey);
}

function allergyCodes(replica: Replica): string[] {
  return readAllergies(replica.chart.state(STREAM))
    .map((a) => a.code?.text ?? '?')
    .sort();
}

describe('an event id belongs to the site that recorded it', () => {
  it("an event reusing another site's event id is refused as malformed, and that site's allergy shows at every replica whatever the arrival order", async () => {
    const b = await openClinicalSite('practice-b');
    const mine = await victimAllergy(b);
    const claim = claimingEvent(mine);

    const hub1 = await openClinicalSite('hub-1');
    const hub2 = await openClinicalSite('hub-2');
    const claimFirst = await hub1.ingest([claim]);
    expect(claimFirst.accepted).toBe(0);
    expect(claimFirst.refused.examples.map((r) => [r.site, r.seq, r.reason.code])).toEqual([
      ['practice-a', 1, 'malformed'],
    ]);
    expect(claimFirst.refused.examples[0]?.reason.message).toContain('id');
    expect((await hub1.ingest([mine])).accepted).toBe(1);

    expect((await hub2.ingest([mine])).accepted).toBe(1);
    expect((await hub2.ingest([claim])).refused.examples.map((r) => r.reason.code)).toEqual(['malformed']);
    expect((await b.ingest([claim])).refused.examples.map((r) => r.reason.code)).toEqual(['malformed']);

    for (const replica of [b, hub1, hub2]) {
      expect(allergyCodes(replica), replica.site).toEqual(['Penicillin']);
      expect(await replica.store.count(), replica.site).toBe(1);
    }
    expect(hub1.chart.hash()).toBe(hub2.chart.hash());
    expect(hub1.chart.hash()).toBe(b.chart.hash());
  });

  const file = useTempDir('event-identity');
  it("a site's own allergy is still shown after it restarts from its SQLite file, whatever another site sent claiming its id", async () => {
    const path = file('practice-b.chartlog');
    const store = openSqliteEventLog(path);
    const b = await openClinicalSite('practice-b', { store });
    const mine = await victimAllergy(b);
    await b.ingest([claimingEvent(mine)]);
    expect(allergyCodes(b)).toEqual(['Penicillin']);
    // Read before closing: a replica's chart reads its store's projection.
    const ids = readAllergies(b.chart.state(STREAM)).map((a) => a.id);
    await store.close();

    const reopened = openSqliteEventLog(path);
    try {
      const restarted = await openClinicalSite('practice-b', { store: reopened });
      expect(allergyCodes(restarted)).toEqual(['Penicillin']);
      expect(readAllergies(restarted.chart.state(STREAM)).map((a) => a.id)).toEqual(ids);
    } finally {
      await reopened.close();
    }
  });

  it('two sites handed the same random source and recording in the same millisecond give their events different ids, and both allergies show', async () => {
    // Two copies of one seeded source: the same bytes in the same order, as a shared
    // injected `random` (an old option that fed event ids) would give.
    const sameBytes = (): (() => Uint8Array) => {
      const next = seededFloats(7);
      return () => Uint8Array.from({ length: 16 }, () => Math.floor(next() * 256));
    };
    const a = await openClinicalSite('practice-a', { extra: { random: sameBytes() } });
    const b = await openClinicalSite('practice-b', { extra: { random: sameBytes() } });
    await a.record(
      recordAllergy(a.chart.state(STREAM), {
        patientId: PATIENT,
        code: LATEX,
        author: { id: 'dr-a', role: 'gp' },
      }),
    );
    const fromB = await victimAllergy(b);
    const fromA = (await a.signHead()) as ChartEvent;
    expect(parseHlc(fromA.hlc).wallMs).toBe(parseHlc(fromB.hlc).wallMs);
    expect(fromA.id).not.toBe(fromB.id);

    expect((await a.ingest([fromB])).accepted).toBe(1);
    expect((await b.ingest([fromA])).accepted).toBe(1);
    for (const replica of [a, b])
      expect(allergyCodes(replica), replica.site).toEqual(['Latex', 'Penicillin']);
    expect(a.chart.hash()).toBe(b.chart.hash());
  });

  it("no site can name another site's event before it exists: a retraction naming B's next (site, seq) does not hide B's allergy when it comes", async () => {
    // The id B's first event would have under an id rule of names (site, seq): anyone
    // could compute it in advance, and a retraction of it recorded first hid the event.
    const named = uuidFromSha256('chartlog/event-id/v1\npractice-b\n1') as EventId;
    const a = await openClinicalSite('practice-a');
    const b = await openClinicalSite('practice-b');
    await a.record(
      prepareRetraction({
        stream: STREAM,
        events: [named],
        reason: 'pre-emptive',
        author: { id: 'dr-a', role: 'gp' },
      }),
    );
    const mine = await victimAllergy(b);
    expect(mine.id).not.toBe(named);
    expect((await b.ingest([(await a.signHead()) as ChartEvent])).accepted).toBe(1);
    expect((await a.ingest([mine])).accepted).toBe(1);
    for (const replica of [a, b]) expect(allergyCodes(replica), replica.site).toEqual(['Penicillin']);
    expect(a.chart.hash()).toBe(b.chart.hash());
  });
});
