import { describe, expect, it } from 'vitest';
import {
  createEventWriter,
  createHybridClock,
  eventHash,
  generateSiteKeys,
  siteId,
  type ChartEvent,
} from '../../src/index.js';
import { createEncodingHandover } from '../../src/event/encodingHandover.js';
import { encodeEvent } from '../../src/event/eventHash.js';
import { PATIENT, T0 } from './fixtures.js';

const author = { id: 'nmc-12A3456E' };
const draft = (n: number) => ({
  stream: PATIENT,
  type: 'observation.recorded',
  author,
  data: { [`Observation/o${n}`]: { value: n } },
});

describe('encoding handover', () => {
  it('a writer given a handover leaves there each event’s canonical encoding and hash, signed copies included, each taken once', () => {
    const encodings = createEncodingHandover();
    const writer = createEventWriter({
      site: siteId('practice-a'),
      clock: createHybridClock({ wallClock: () => T0 }),
      signing: { privateKey: generateSiteKeys().privateKey, every: 2 },
      encodings,
    });
    const events = writer.appendAll([draft(1), draft(2), draft(3)]);
    expect(events[1]?.sig).toBeDefined();
    for (const e of events) {
      expect(encodings.take(e)).toEqual({ encoded: encodeEvent(e), hash: eventHash(e) });
      expect(encodings.take(e)).toBeUndefined();
    }
  });

  it('two owners do not share: what one writer leaves is not in another’s handover', () => {
    const mine = createEncodingHandover();
    const theirs = createEncodingHandover();
    const writer = createEventWriter({
      site: siteId('practice-a'),
      clock: createHybridClock({ wallClock: () => T0 }),
      encodings: mine,
    });
    const [event] = writer.appendAll([draft(1)]) as [ChartEvent];
    expect(theirs.take(event)).toBeUndefined();
    expect(mine.take(event)).toBeDefined();
  });

  it('keeps nothing for an event its owner could still change (not deeply frozen)', () => {
    const encodings = createEncodingHandover();
    const writer = createEventWriter({
      site: siteId('practice-a'),
      clock: createHybridClock({ wallClock: () => T0 }),
    });
    const frozen = writer.append(draft(1));
    const thawed = { ...frozen, data: { ...frozen.data } } as ChartEvent;
    encodings.remember(thawed, encodeEvent(frozen), eventHash(frozen));
    expect(encodings.take(thawed)).toBeUndefined();
  });

  it('holds the most recent encodings only: a writer whose events never reach a store keeps a bounded amount', () => {
    const encodings = createEncodingHandover({ maxHeld: 2 });
    const writer = createEventWriter({
      site: siteId('practice-a'),
      clock: createHybridClock({ wallClock: () => T0 }),
      encodings,
    });
    const events = writer.appendAll([1, 2, 3, 4, 5, 6].map(draft));
    expect(events.map((e) => encodings.take(e) !== undefined)).toEqual([
      false,
      false,
      true,
      true,
      true,
      true,
    ]);
  });
});
