import { describe, expect, it } from 'vitest';
import {
  createEventWriter,
  createHybridClock,
  eventHash,
  eventIdOf,
  siteId,
  generateSiteKeys,
  isChartlogError,
  signEvent,
  verifyEventSignature,
  type ChartEvent,
} from '../../src/index.js';
import { assertChartEvent } from '../../src/event/validateEvent.js';
import { fixedWriter, PATIENT, T0 } from './fixtures.js';

const author = { id: 'nmc-12A3456E', role: 'nurse' };
const write = (n: number) => ({
  stream: PATIENT,
  type: 'observation.recorded',
  author,
  data: { [`Observation/o${n}`]: { value: n } },
});

describe('event writer', () => {
  it('numbers a site’s events densely from 1 and chains each to the previous by hash', () => {
    const { writer } = fixedWriter('practice-a', T0);
    const events = writer.appendAll([write(1), write(2), write(3)]);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(events[0]?.prev).toBeNull();
    expect(events[1]?.prev).toBe(eventHash(events[0] as ChartEvent));
    expect(events[2]?.prev).toBe(eventHash(events[1] as ChartEvent));
    expect(writer.head).toEqual({ seq: 3, hash: eventHash(events[2] as ChartEvent) });
    for (const e of events) expect(() => assertChartEvent(e)).not.toThrow();
  });

  it('issues strictly increasing clock stamps and distinct ids, each the id its content derives, even within one millisecond', () => {
    const { writer } = fixedWriter('practice-a', T0);
    const events = writer.appendAll(Array.from({ length: 50 }, (_, i) => write(i)));
    for (let i = 1; i < events.length; i++)
      expect((events[i] as ChartEvent).hlc > (events[i - 1] as ChartEvent).hlc).toBe(true);
    expect(new Set(events.map((e) => e.id)).size).toBe(50);
    for (const e of events) {
      const { id, sig: _sig, ...rest } = e;
      expect(id).toBe(eventIdOf(rest));
    }
  });

  it('continues a chain from a stored head after a restart', () => {
    const before = fixedWriter('practice-a', T0).writer;
    const [a] = before.appendAll([write(1)]) as [ChartEvent];
    const after = createEventWriter({
      site: siteId('practice-a'),
      head: before.head,
      clock: createHybridClock({ wallClock: () => T0 + 1000, last: a.hlc }),
    });
    const b = after.append(write(2));
    expect(b.seq).toBe(2);
    expect(b.prev).toBe(eventHash(a));
    expect(b.hlc > a.hlc).toBe(true);
  });

  it('refuses a malformed draft, naming the field, and consumes no seq', () => {
    const { writer } = fixedWriter('practice-a', T0);
    writer.append(write(1));
    const before = writer.head;
    const bad = { ...write(2), data: { 'Observation/o2': { value: Number.NaN } } };
    let err: unknown;
    try {
      writer.append(bad);
    } catch (e) {
      err = e;
    }
    expect(isChartlogError(err) && err.code).toBe('MALFORMED_EVENT');
    expect(isChartlogError(err) && err.issues[0]?.path).toEqual(['data', 'Observation/o2', 'value']);
    expect(writer.head).toEqual(before);
    expect(writer.append(write(3)).seq).toBe(2);
  });

  it('appendAll is all or nothing', () => {
    const { writer } = fixedWriter('practice-a', T0);
    expect(() => writer.appendAll([write(1), { ...write(2), stream: 'Patient 1' as never }])).toThrow(
      /stream/,
    );
    expect(writer.head).toEqual({ seq: 0, hash: null });
  });

  it('copies and freezes the payload so later mutation by the caller cannot change a recorded event', () => {
    const { writer } = fixedWriter('practice-a', T0);
    const data = { 'Observation/o1': { value: { systolic: 120 } } };
    const e = writer.append({ stream: PATIENT, type: 'observation.recorded', author, data });
    const hash = eventHash(e);
    data['Observation/o1'].value.systolic = 200;
    expect((e.data['Observation/o1'] as { value: { systolic: number } }).value.systolic).toBe(120);
    expect(Object.isFrozen(e.data)).toBe(true);
    expect(eventHash({ ...e })).toBe(hash);
  });

  it('refuses an event over the size limit with OVERSIZE', () => {
    const { writer } = fixedWriter('practice-a', T0);
    const big = {
      stream: PATIENT,
      type: 'encounter.note-added',
      author,
      data: { 'Encounter/e1': { note: 'x'.repeat(1024 * 1024) } },
    };
    expect(() => writer.append(big)).toThrow(expect.objectContaining({ code: 'OVERSIZE' }));
  });

  it('signs a head every `every` events, and on request, with the site key', () => {
    const keys = generateSiteKeys();
    const { writer } = fixedWriter('practice-a', T0, { signing: { privateKey: keys.privateKey, every: 4 } });
    const events = writer.appendAll(Array.from({ length: 9 }, (_, i) => write(i)));
    expect(events.filter((e) => e.sig !== undefined).map((e) => e.seq)).toEqual([4, 8]);
    for (const e of events.filter((x) => x.sig)) expect(verifyEventSignature(e, keys.publicKey)).toBe(true);
    const head = writer.signHead();
    expect(head?.seq).toBe(9);
    expect(head && verifyEventSignature(head, keys.publicKey)).toBe(true);
  });
});

describe('signed heads', () => {
  it('a signature covers the hash, so one flipped byte anywhere in the event breaks it', () => {
    const keys = generateSiteKeys();
    const { writer } = fixedWriter('practice-a', T0);
    const signed = signEvent(writer.append(write(1)), keys.privateKey);
    expect(verifyEventSignature(signed, keys.publicKey)).toBe(true);
    const tampered: ChartEvent = { ...signed, data: { 'Observation/o1': { value: 2 } } };
    expect(verifyEventSignature(tampered, keys.publicKey)).toBe(false);
  });

  it('another site’s key does not verify, and an unsigned event is not a signed head', () => {
    const mine = generateSiteKeys();
    const theirs = generateSiteKeys();
    const { writer } = fixedWriter('practice-a', T0);
    const e = writer.append(write(1));
    expect(verifyEventSignature(signEvent(e, mine.privateKey), theirs.publicKey)).toBe(false);
    expect(verifyEventSignature(e, mine.publicKey)).toBe(false);
  });

  it('adding a signature does not change the event hash, so relays can attach it later', () => {
    const keys = generateSiteKeys();
    const { writer } = fixedWriter('practice-a', T0);
    const e = writer.append(write(1));
    expect(eventHash(signEvent(e, keys.privateKey))).toBe(eventHash(e));
  });
});
