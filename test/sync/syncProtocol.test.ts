/**
 * The sync protocol as pure steps, with no store and no replica: two "peers" are plain
 * arrays of events per site, and receiving just appends what chains on.
 */
import { describe, expect, it } from 'vitest';
import {
  createEventWriter,
  createHybridClock,
  generateSyncMessage,
  initSyncState,
  receiveSyncMessage,
  restoreSyncState,
  siteId,
  streamId,
  type ChartEvent,
  type SyncMessage,
  type SyncOptions,
  type SyncState,
  type VersionVector,
} from '../../src/index.js';
import { encodeEvent } from '../../src/event/eventHash.js';
import { encodeSyncMessage, parseSyncMessage } from '../../src/sync/syncMessage.js';
import { keysOf, T0 } from '../replica/fixtures.js';

const stream = streamId('patient/ann-jones');

/** `count` events of `site`, a signed head every `every` events and at the last one. */
function chain(site: string, count: number, every = 256, signLast = true): ChartEvent[] {
  let wall = T0;
  const writer = createEventWriter({
    site: siteId(site),
    clock: createHybridClock({ wallClock: () => (wall += 10) }),
    signing: { privateKey: keysOf(site).privateKey, every },
  });
  const events = Array.from({ length: count }, (_, i) =>
    writer.append({
      stream,
      type: 'item.written',
      data: { 'Item/r1': { lww: `${site} ${i}`, log: 'x'.repeat(120) } },
      author: { id: `dr-${site}` },
    }),
  );
  if (signLast && count > 0) events[count - 1] = writer.signHead() as ChartEvent;
  return events;
}

/** A peer as the protocol sees it: events per site, in seq order. */
class Peer {
  readonly held = new Map<string, ChartEvent[]>();
  state: SyncState = initSyncState();
  /** The peer's own site, as a replica names it to the protocol; none for a hub. */
  site: string | undefined;
  constructor(...runs: ChartEvent[][]) {
    for (const run of runs) for (const e of run) this.take(e);
  }
  get vector(): VersionVector {
    return Object.fromEntries([...this.held].map(([s, run]) => [s, run.length]));
  }
  take(e: ChartEvent): void {
    const run = this.held.get(e.site) ?? [];
    if (e.seq === run.length + 1) run.push(e);
    this.held.set(e.site, run);
  }
  generate(options?: SyncOptions): SyncMessage | null {
    const [state, message] = generateSyncMessage(
      {
        vector: this.vector,
        ...(this.site === undefined ? {} : { site: this.site }),
        events: (r) => (this.held.get(r.site) ?? []).slice(r.from - 1, r.to),
      },
      this.state,
      options,
    );
    this.state = state;
    return message;
  }
  receive(message: SyncMessage): void {
    const [state, { events }] = receiveSyncMessage(this.state, message);
    this.state = state;
    for (const e of events) this.take(e);
  }
}

/** Ping-pong until both are quiet; returns every message sent. */
function converse(
  a: Peer,
  b: Peer,
  options?: SyncOptions,
  deliver: (m: SyncMessage, to: Peer) => void = (m, to) => to.receive(m),
): SyncMessage[] {
  const sent: SyncMessage[] = [];
  for (let round = 0; round < 200; round++) {
    const ma = a.generate(options);
    if (ma) {
      sent.push(ma);
      deliver(ma, b);
    }
    const mb = b.generate(options);
    if (mb) {
      sent.push(mb);
      deliver(mb, a);
    }
    if (!ma && !mb) return sent;
  }
  throw new Error('not quiet after 200 rounds');
}

describe('the sync protocol as pure steps', () => {
  it("opens with the sender's vector and no events, before it has heard the peer", () => {
    const a = new Peer(chain('practice-a', 3));
    const hello = a.generate();
    expect(hello).toEqual({ protocol: 1, vector: { 'practice-a': 3 }, events: [] });
    expect(a.generate()).toBeNull(); // said once, not repeated
  });

  it('answers a vector with exactly the events the peer lacks, per site in seq order', () => {
    const a = new Peer(chain('practice-a', 5), chain('hospital', 4));
    const b = new Peer(chain('practice-a', 5).slice(0, 2));
    a.receive(b.generate() as SyncMessage);
    const answer = a.generate() as SyncMessage;
    expect(answer.events.map((e) => `${e.site}:${e.seq}`)).toEqual([
      'hospital:1',
      'hospital:2',
      'hospital:3',
      'hospital:4',
      'practice-a:3',
      'practice-a:4',
      'practice-a:5',
    ]);
    expect(answer.known).toEqual({ 'practice-a': 5, hospital: 4 });
  });

  it("sends a site's own events before other sites' it relays, when one message cannot carry them all", () => {
    // The own events exist nowhere else yet; a third site's may reach the peer from that site too.
    const seqs = (m: SyncMessage | null): string[] => (m?.events ?? []).map((e) => `${e.site}:${e.seq}`);
    const a = new Peer(chain('practice-a', 10, 5), chain('hospital', 10, 5));
    a.site = 'practice-a';
    const b = new Peer();
    a.receive(b.generate() as SyncMessage);
    expect(seqs(a.generate({ maxEvents: 10 }))).toEqual(
      Array.from({ length: 10 }, (_, i) => `practice-a:${i + 1}`),
    );
    expect(seqs(a.generate({ maxEvents: 10 }))).toEqual(
      Array.from({ length: 10 }, (_, i) => `hospital:${i + 1}`),
    );
    // A source that names no site of its own (a hub's store) sends the sites in id order.
    const hub = new Peer(chain('practice-a', 10, 5), chain('hospital', 10, 5));
    hub.receive(new Peer().generate() as SyncMessage);
    expect(seqs(hub.generate({ maxEvents: 10 }))[0]).toBe('hospital:1');
  });

  it("ends each site's run at a signed head, holding back an unsigned tail", () => {
    const a = new Peer(chain('practice-a', 10, 4, false)); // signed at 4 and 8 only
    const b = new Peer();
    a.receive(b.generate() as SyncMessage);
    const answer = a.generate() as SyncMessage;
    expect(answer.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(answer.events.at(-1)?.sig).toBeDefined();
  });

  it('bounds a message by maxEvents and maxBytes, cutting at the last signed head within the bound', () => {
    const a = new Peer(chain('practice-a', 100, 10));
    const b = new Peer();
    a.receive(b.generate() as SyncMessage);
    expect((a.generate({ maxEvents: 25 }) as SyncMessage).events.map((e) => e.seq)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    const size = Buffer.byteLength(JSON.stringify(chain('practice-a', 1)[0]));
    const byBytes = a.generate({ maxBytes: size * 15 }) as SyncMessage;
    expect(byBytes.events.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 21));
  });

  it('runs past the bound to the first signed head rather than send nothing', () => {
    const a = new Peer(chain('practice-a', 30, 16));
    const b = new Peer();
    a.receive(b.generate() as SyncMessage);
    expect((a.generate({ maxEvents: 5 }) as SyncMessage).events).toHaveLength(16);
  });

  it('goes quiet once both hold the union, in both directions, relaying third-party sites', () => {
    const [pa, pb, h] = [chain('practice-a', 40, 8), chain('practice-b', 30, 8), chain('hospital', 20, 8)];
    const a = new Peer(pa, h.slice(0, 8));
    const b = new Peer(pb, h);
    const messages = converse(a, b, { maxEvents: 16 });
    expect(a.vector).toEqual({ 'practice-a': 40, 'practice-b': 30, hospital: 20 });
    expect(b.vector).toEqual(a.vector);
    // Nothing was sent twice.
    const sent = messages.flatMap((m) => m.events.map((e) => `${e.site}:${e.seq}`));
    expect(new Set(sent).size).toBe(sent.length);
    expect(sent).toHaveLength(40 + 30 + 12);
  });

  it("sends a lost batch again once the peer's vector shows it missing", () => {
    const a = new Peer(chain('practice-a', 64, 8));
    const b = new Peer();
    let dropped = 0;
    converse(a, b, { maxEvents: 8 }, (m, to) => {
      if (m.events.length > 0 && m.events[0]?.seq === 17 && dropped === 0) return void dropped++;
      to.receive(m);
    });
    expect(dropped).toBe(1);
    expect(b.vector).toEqual({ 'practice-a': 64 });
  });

  it('is harmless under duplicated, replayed and reordered messages', () => {
    const a = new Peer(chain('practice-a', 48, 8));
    const b = new Peer(chain('hospital', 16, 8));
    // Every message arrives twice, and then an older message from the same sender is replayed.
    const seen = new Map<Peer, SyncMessage[]>([
      [a, []],
      [b, []],
    ]);
    converse(a, b, { maxEvents: 8 }, (m, to) => {
      const fromPeer = seen.get(to) as SyncMessage[];
      fromPeer.push(m);
      to.receive(m);
      to.receive(m);
      to.receive(fromPeer[Math.floor(fromPeer.length / 2)] as SyncMessage);
    });
    expect(a.vector).toEqual({ 'practice-a': 48, hospital: 16 });
    expect(b.vector).toEqual(a.vector);
  });

  it("costs at most 1.1× the events' canonical bytes on the wire", () => {
    const a = new Peer(chain('practice-a', 600), chain('hospital', 400));
    const b = new Peer();
    const messages = converse(a, b);
    const wire = messages.reduce((n, m) => n + Buffer.byteLength(encodeSyncMessage(m)), 0);
    const canonical = messages
      .flatMap((m) => m.events)
      .reduce((n, e) => n + Buffer.byteLength(encodeEvent(e)), 0);
    expect(wire / canonical).toBeLessThan(1.1);
  });

  it('round-trips messages and states as plain JSON, and rejects malformed messages with MALFORMED_MESSAGE', () => {
    const a = new Peer(chain('practice-a', 3));
    const b = new Peer();
    a.receive(b.generate() as SyncMessage);
    const message = a.generate() as SyncMessage;
    expect(parseSyncMessage(JSON.parse(encodeSyncMessage(message)))).toEqual(
      JSON.parse(JSON.stringify(message)),
    );
    expect(restoreSyncState(JSON.parse(JSON.stringify(a.state)))).toEqual(a.state);
    expect(restoreSyncState({ nonsense: true })).toEqual(initSyncState());
    expect(() => parseSyncMessage({ protocol: 2, vector: { 'Bad Site': 1 }, events: {} })).toThrow(
      expect.objectContaining({ code: 'MALFORMED_MESSAGE' }),
    );
    expect(() => parseSyncMessage('hello')).toThrow(expect.objectContaining({ code: 'MALFORMED_MESSAGE' }));
  });
});
