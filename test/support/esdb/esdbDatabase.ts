/**
 * The storage model of the in-process EventStoreDB test double: streams of recorded
 * events, the `$all` log with monotonic positions, and the documented append rules
 * (expected revision, idempotent re-append, maximum append size). Pure data: the gRPC
 * surface lives in `esdbTestServer.ts`.
 *
 * Test double, not a database: nothing is persisted, there is one node, and positions
 * are byte-like offsets with commit = prepare for every event (see the README note in
 * esdbTestServer.ts for every known difference from a real server).
 */

/** An event as a client proposes it. */
export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
}

/** An event as the server stored it. */
export interface RecordedEvent extends ProposedEvent {
  readonly streamName: string;
  /** Revision in its stream, from 0. */
  readonly revision: bigint;
  /** Position in `$all` (used as both commit and prepare position). */
  readonly position: bigint;
  /** Creation time in 100 ns ticks since the Unix epoch, as the server reports it (`created`). */
  readonly created: bigint;
}

/** The four expected-revision modes of the Streams API. */
export type ExpectedRevision =
  | { readonly kind: 'any' }
  | { readonly kind: 'no_stream' }
  | { readonly kind: 'stream_exists' }
  | { readonly kind: 'revision'; readonly revision: bigint };

/** What an append did. */
export type AppendOutcome =
  | { readonly ok: true; readonly currentRevision: bigint | undefined; readonly position: bigint | undefined }
  | {
      readonly ok: false;
      readonly reason: 'wrong_expected_version';
      readonly currentRevision: bigint | undefined;
      readonly expected: ExpectedRevision;
    }
  | { readonly ok: false; readonly reason: 'max_append_size'; readonly maxAppendSize: number };

/** Where a read or subscription starts. */
export type StreamFrom = 'start' | 'end' | bigint;

/** Options of {@link EsdbDatabase}. */
export interface EsdbDatabaseOptions {
  /** Largest total size of one append (data + metadata), as the server's `MaxAppendSize`. @defaultValue 1 MiB */
  readonly maxAppendSize?: number;
  /** Write a few `$`-system events at start, as a real node does (stats, settings). @defaultValue true */
  readonly systemEvents?: boolean;
}

const RECORD_OVERHEAD = 96n;

/** The in-memory state of one test node. */
export class EsdbDatabase {
  readonly maxAppendSize: number;
  /** Every recorded event, in `$all` order. */
  readonly all: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private nextPosition = 0n;
  private readonly listeners = new Set<() => void>();

  constructor(options: EsdbDatabaseOptions = {}) {
    this.maxAppendSize = options.maxAppendSize ?? 1024 * 1024;
    if (options.systemEvents ?? true) {
      // A real node's log never starts with user events: it writes epochs, settings and stats.
      const json = (s: string): Uint8Array => Buffer.from(s, 'utf8');
      this.append('$settings', { kind: 'any' }, [
        {
          id: '0b1f4f8e-3c2a-4d5e-9f60-000000000001',
          type: '$settings',
          contentType: 'application/json',
          data: json('{"$userStreamAcl":{}}'),
          customMetadata: new Uint8Array(),
        },
      ]);
      this.append('$stats-127.0.0.1:2113', { kind: 'any' }, [
        {
          id: '0b1f4f8e-3c2a-4d5e-9f60-000000000002',
          type: '$statsCollected',
          contentType: 'application/json',
          data: json('{"proc-mem":1}'),
          customMetadata: new Uint8Array(),
        },
      ]);
    }
  }

  /** The stream's events, or undefined when it has none. */
  stream(name: string): readonly RecordedEvent[] | undefined {
    const s = this.streams.get(name);
    return s && s.length > 0 ? s : undefined;
  }

  /** Appends with the server's expected-revision and idempotency rules. */
  append(streamName: string, expected: ExpectedRevision, events: readonly ProposedEvent[]): AppendOutcome {
    const size = events.reduce((n, e) => n + e.data.length + e.customMetadata.length, 0);
    if (size > this.maxAppendSize)
      return { ok: false, reason: 'max_append_size', maxAppendSize: this.maxAppendSize };
    const stream = this.streams.get(streamName) ?? [];
    const current = stream.length === 0 ? undefined : BigInt(stream.length - 1);
    const wrong = (): AppendOutcome => ({
      ok: false,
      reason: 'wrong_expected_version',
      currentRevision: current,
      expected,
    });

    // Where the proposed events would have to sit for the request to be a retry.
    let retryAt: bigint | undefined;
    switch (expected.kind) {
      case 'any':
        retryAt = this.findIdempotentStart(stream, events);
        break;
      case 'stream_exists':
        if (current === undefined) return wrong();
        retryAt = this.findIdempotentStart(stream, events);
        break;
      case 'no_stream':
        if (current !== undefined) retryAt = 0n;
        break;
      case 'revision':
        if (current !== expected.revision) {
          if (current === undefined || expected.revision > current) return wrong();
          retryAt = expected.revision + 1n;
        }
        break;
    }
    if (retryAt !== undefined) {
      const match = this.matchesAt(stream, retryAt, events);
      if (match === 'all') {
        const last = stream[Number(retryAt) + events.length - 1];
        return { ok: true, currentRevision: last?.revision ?? current, position: last?.position };
      }
      if (expected.kind !== 'any' && expected.kind !== 'stream_exists') return wrong();
      // `any`/`stream_exists` with no (or a partial) match write the events again.
    }
    if (events.length === 0) return { ok: true, currentRevision: current, position: undefined };
    const created = BigInt(Date.now()) * 10_000n;
    let last: RecordedEvent | undefined;
    for (const e of events) {
      last = { ...e, streamName, revision: BigInt(stream.length), position: this.nextPosition, created };
      this.nextPosition +=
        RECORD_OVERHEAD +
        BigInt(Buffer.byteLength(streamName) + e.type.length + e.data.length + e.customMetadata.length);
      stream.push(last);
      this.all.push(last);
    }
    this.streams.set(streamName, stream);
    for (const listener of [...this.listeners]) listener();
    return { ok: true, currentRevision: last?.revision, position: last?.position };
  }

  /** Events of one stream from `from` (inclusive), at most `count`; undefined when the stream does not exist. */
  readStream(name: string, from: StreamFrom, backwards: boolean, count: bigint): RecordedEvent[] | undefined {
    const stream = this.stream(name);
    if (!stream) return undefined;
    const out: RecordedEvent[] = [];
    if (backwards) {
      let i =
        from === 'end' ? stream.length - 1 : from === 'start' ? 0 : Math.min(Number(from), stream.length - 1);
      for (; i >= 0 && BigInt(out.length) < count; i--) out.push(stream[i] as RecordedEvent);
    } else {
      let i = from === 'start' ? 0 : from === 'end' ? stream.length : Number(from);
      for (; i < stream.length && BigInt(out.length) < count; i++) out.push(stream[i] as RecordedEvent);
    }
    return out;
  }

  /** Index into {@link all} of the first event at or after `position` (forwards reads are inclusive). */
  indexAtOrAfter(position: bigint): number {
    let lo = 0;
    let hi = this.all.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.all[mid] as RecordedEvent).position < position) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The event a link (`$>` with data `revision@stream`) points at, if it exists. */
  resolveLink(link: RecordedEvent): RecordedEvent | undefined {
    const text = Buffer.from(link.data).toString('utf8');
    const at = text.indexOf('@');
    if (at < 1 || !/^\d+$/.test(text.slice(0, at))) return undefined;
    return this.stream(text.slice(at + 1))?.[Number(text.slice(0, at))];
  }

  /** Calls `listener` after every append that stored events; returns the unsubscribe. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private findIdempotentStart(
    stream: readonly RecordedEvent[],
    events: readonly ProposedEvent[],
  ): bigint | undefined {
    const first = events[0];
    if (!first) return undefined;
    const at = stream.findIndex((r) => r.id === first.id);
    return at < 0 ? undefined : BigInt(at);
  }

  private matchesAt(
    stream: readonly RecordedEvent[],
    start: bigint,
    events: readonly ProposedEvent[],
  ): 'all' | 'partial' | 'none' {
    let matched = 0;
    for (let i = 0; i < events.length; i++) {
      const r = stream[Number(start) + i];
      if (!r || r.id !== events[i]?.id) break;
      matched++;
    }
    return matched === events.length && events.length > 0 ? 'all' : matched > 0 ? 'partial' : 'none';
  }
}
