import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createEventWriter,
  eventHash,
  initSyncState,
  siteId,
  streamId,
  type ChartEvent,
  type Json,
  type SyncMessage,
} from '../../src/index.js';
import { decodeWireEvent, encodeWireEvent } from '../../src/event/wireEvent.js';
import { encodeEvent } from '../../src/event/eventHash.js';
import { syncMessageLines } from '../../src/sync/wireMessage.js';
import { allEvents, openSite, recordMany } from '../replica/fixtures.js';
import { propertyRuns } from '../../src/testing/index.js';
import { takeClaimedEncoding } from '../../src/event/wireEvent.js';

const NETWORK = ['practice-a', 'hospital'];

/** practice-a's events as wire lines, its head signed (as when it answers a sync). */
async function originLines(n: number): Promise<{ events: ChartEvent[]; lines: string[] }> {
  const origin = await openSite('practice-a', { network: NETWORK });
  await recordMany(origin, n);
  await origin.signHead();
  const events = await allEvents(origin);
  return { events, lines: events.map(encodeWireEvent) };
}

/** The JSON of `value` with every object's keys in reverse order: valid, equal, not canonical. */
function reversedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(reversedJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .reverse()
      .map((k) => `${JSON.stringify(k)}:${reversedJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('the wire form of an event', () => {
  it('carries the canonical bytes verbatim and decodes to an equal, frozen event', async () => {
    const { events, lines } = await originLines(3);
    lines.forEach((line, i) => {
      const e = events[i] as ChartEvent;
      expect(
        line.slice('{"e":'.length, line.length - (e.sig === undefined ? 1 : `,"sig":"${e.sig}"}`.length)),
      ).toBe(encodeEvent(e));
      const decoded = decodeWireEvent(line) as ChartEvent;
      expect(decoded).toEqual(e);
      expect(Object.isFrozen(decoded.data)).toBe(true);
      expect(eventHash(decoded)).toBe(eventHash(e));
    });
  });

  it('is accepted from a relay that re-encoded it in another key order (ingest encodes it itself), with the same hashes', async () => {
    const { events } = await originLines(5);
    const relayed = events.map((e) => {
      const { sig, ...rest } = e;
      return decodeWireEvent(`{"e":${reversedJson(rest)}${sig === undefined ? '' : `,"sig":"${sig}"`}}`);
    });
    const hospital = await openSite('hospital', { network: NETWORK });
    const report = await hospital.ingest(relayed);
    expect(report).toMatchObject({ accepted: 5, refused: { count: 0 } });
    expect((await allEvents(hospital)).map(eventHash)).toEqual(events.map(eventHash));
  });

  it('is refused, with nothing stored, when one byte of the carried bytes changes', async () => {
    const { lines } = await originLines(4);
    const hospital = await openSite('hospital', { network: NETWORK });
    const flipped = lines.map((l, i) => (i === 1 ? l.replace('"lww":"practice-a', '"lww":"practice-b') : l));
    expect(flipped[1]).not.toBe(lines[1]);
    const report = await hospital.ingest(flipped.map(decodeWireEvent));
    expect(report.accepted).toBe(0);
    // The changed event's id is no longer its content's, so it is malformed; the rest of
    // its site's run is then incomplete (a gap) and refused with it.
    expect(report.refused.examples.map((r) => r.reason.code)).toEqual(['gap', 'malformed', 'gap', 'gap']);
    expect(await hospital.versionVector()).toEqual({});
  });

  it('is refused when a relay smuggles a member into the data while keeping the original bytes elsewhere on the line', async () => {
    const { lines } = await originLines(3);
    // A nested "sig" right after the data's first resource: the line still ends as a signed line.
    const smuggled = lines.map((l, i) => (i === 0 ? l.replace('"lww":', '"sig":"x","lww":') : l));
    expect(smuggled[0]).not.toBe(lines[0]);
    const hospital = await openSite('hospital', { network: NETWORK });
    const report = await hospital.ingest(smuggled.map(decodeWireEvent));
    expect(report.accepted).toBe(0);
    expect(hospital.chart.size).toBe(0);
  });

  it('JSON that is not an event line is passed on for ingest to refuse; text that is not JSON decodes to nothing', async () => {
    expect(decodeWireEvent('{"id":"x"}')).toEqual({ id: 'x' });
    expect(decodeWireEvent('{"e":{},"sig":1}')).toEqual({ e: {}, sig: 1 });
    expect(decodeWireEvent('{"e":')).toBeUndefined();
    const hospital = await openSite('hospital', { network: NETWORK });
    const report = await hospital.ingest([decodeWireEvent('{"e":{"id":"x"}}')]);
    expect(report.refused.examples.map((r) => r.reason.code)).toEqual(['malformed']);
  });
});

describe('the writer encodes natively only when that is the canonical encoding', () => {
  // Keys that JavaScript orders differently from canonical JSON (array indices first),
  // that NFC changes, and ordinary ones, in any insertion order. ('e\u0301' and '\u00e9'
  // together are one key after NFC, which the writer refuses: '\u00f1' is NFC already.)
  const key = fc.constantFrom('b', 'a', 'Z', '10', '9', '0', '-x', 'e\u0301', '\u00f1', 'code', 'note');
  const value: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      fc.string(),
      fc.integer(),
      fc.constant(null),
      fc.array(tie('v'), { maxLength: 3 }),
      fc.dictionary(key, tie('v'), { maxKeys: 4 }),
    ),
  })).v;

  it('every event it writes hashes as the canonical encoding of the event', () => {
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 4 }), (fields) => {
        const writer = createEventWriter({ site: siteId('practice-a') });
        const event = writer.append({
          stream: streamId('patient/p1'),
          type: 'note.written',
          data: { 'Item/r1': fields },
          author: { id: 'dr-1' },
        });
        // A fresh, unsorted copy forces the generic encoder; the writer's cached hash must agree.
        const copy = JSON.parse(reversedJson(event)) as ChartEvent;
        expect(eventHash(event)).toBe(eventHash(copy));
        expect(writer.head.hash).toBe(eventHash(copy));
      }),
      { numRuns: propertyRuns(200) },
    );
  });
});

describe('the encoding a decoded line hands to ingest', () => {
  // Not both 'e\u0301' and '\u00e9': keys equal after NFC are refused by the writer.
  const key = fc.constantFrom(
    'b',
    'a',
    'Z',
    '10',
    '9',
    '0',
    '-x',
    'e\u0301',
    '\u00f1',
    'code',
    'note',
    'sig',
  );
  const value: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      fc.string(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constant(null),
      fc.array(tie('v'), { maxLength: 3 }),
      fc.dictionary(key, tie('v'), { maxKeys: 4 }),
    ),
  })).v;
  // Spellings of one JSON text a sender may use: canonical, reversed key order, whitespace, a duplicated member, escapes, the `C,"e":C` frame.
  const spell = fc.constantFrom<(c: string) => string>(
    (c) => `{"e":${c}}`,
    (c) => `{"e":${reversedJson(JSON.parse(c))}}`,
    (c) => `{"e":${JSON.stringify(JSON.parse(c), null, 1)}}`,
    (c) => `{"e":${c.replace('"data":', '"data":{"x":1},"data":')}}`,
    (c) => `{"e":${c.replace(/"type":"/, '"type":"\\u006e')}}`,
    (c) => `{"e":${c},"e":${c}}`,
    (c) => `{"e":${c.replace(/,"v":1}$/, ',"v":1.0,"sig":"AAAA"}')}}`,
  );

  it('is the canonical encoding of the parsed event, or nothing: never the bytes as they arrived', () => {
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 4 }), spell, (fields, spelling) => {
        const writer = createEventWriter({ site: siteId('practice-a') });
        const event = writer.append({
          stream: streamId('patient/p1'),
          type: 'note.written',
          data: { 'Item/r1': fields },
          author: { id: 'dr-1' },
        });
        const decoded = decodeWireEvent(spelling(encodeEvent(event))) as ChartEvent;
        const encoding = takeClaimedEncoding(decoded);
        if (encoding !== undefined) expect(encoding).toBe(encodeEvent(decoded));
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('is made natively for a line in canonical key order, whatever its spacing', async () => {
    const { events, lines } = await originLines(2);
    for (const [i, line] of lines.entries()) {
      expect(takeClaimedEncoding(decodeWireEvent(line) as ChartEvent)).toBe(
        encodeEvent(events[i] as ChartEvent),
      );
      const spaced = decodeWireEvent(JSON.stringify(JSON.parse(line), null, 2)) as ChartEvent;
      expect(takeClaimedEncoding(spaced)).toBe(encodeEvent(events[i] as ChartEvent));
    }
    const reordered = decodeWireEvent(
      `{"e":${reversedJson(JSON.parse(encodeEvent(events[0] as ChartEvent)))}}`,
    ) as ChartEvent;
    expect(takeClaimedEncoding(reordered)).toBeUndefined();
  });
});

describe('the lines of a generated message', () => {
  it('are the encoded events, and an event swapped into the message after it was generated is sent as swapped', async () => {
    const origin = await openSite('practice-a', { network: NETWORK });
    const peer = await openSite('hospital', { network: NETWORK });
    await recordMany(origin, 3);
    // A first exchange of vectors: then origin knows what the peer lacks.
    const [a1, hello] = await origin.generateSyncMessage(initSyncState());
    const [b1] = await peer.receiveSyncMessage(initSyncState(), hello);
    const [, reply] = await peer.generateSyncMessage(b1);
    const [a2] = await origin.receiveSyncMessage(a1, reply);
    const [, message] = await origin.generateSyncMessage(a2);
    expect(message).not.toBeNull();
    const events = (message as SyncMessage).events as ChartEvent[];
    expect(events).toHaveLength(3);
    const lines = [...syncMessageLines(message)].slice(1);
    expect(lines).toEqual(events.map((e) => `${encodeWireEvent(e)}\n`));
    const other = (await recordMany(origin, 1))[0] as ChartEvent;
    events[1] = other; // a caller edits the message before sending it
    expect([...syncMessageLines(message)][2]).toBe(`${encodeWireEvent(other)}\n`);
  });
});
