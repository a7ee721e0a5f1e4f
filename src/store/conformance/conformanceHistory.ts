/**
 * Real events for the store conformance suite (and chartlog's own store tests): made by {@link createEventWriter} (dense seq, HLC,
 * hash chain), with a simulated wall clock so runs are reproducible.
 */
import { createEventWriter, type EventWriter } from '../../event/eventWriter.js';
import type { ChartEvent } from '../../event/chartEvent.js';
import { createHybridClock } from '../../event/hybridClock.js';
import { siteId, streamId, type SiteId, type StreamId } from '../../event/ids.js';
import type { SiteHead } from '../../event/eventWriter.js';
import type { KeyObject } from 'node:crypto';
import type { EncodingHandover } from '../../event/encodingHandover.js';
import { eventIdOf } from '../../event/eventId.js';

/** Three sites, as in the outage drill: two practices and a hospital. */
export const SITES: readonly SiteId[] = [siteId('practice-a'), siteId('practice-b'), siteId('hospital')];
/** Two patient records and an appointment book. */
export const STREAMS: readonly StreamId[] = [
  streamId('patient/0192f0c4-7a1e-7000-8000-000000000001'),
  streamId('patient/0192f0c4-7a1e-7000-8000-000000000002'),
  streamId('schedule/clinic-a'),
];

/** Options for {@link makeWriter}. */
export interface FixtureWriterOptions {
  /** Where the site's chain ends. @defaultValue empty */
  readonly head?: SiteHead;
  /**
   * Varies the events the writer makes: its clock starts `seed` ms later, so two writers
   * of one site with different seeds make different histories (a fork). Event ids cannot
   * differ otherwise: they are derived from (site, seq). @defaultValue `0`
   */
  readonly seed?: number;
  /** Start of the simulated wall clock. @defaultValue 2026-01-05T09:00:00Z */
  readonly startMs?: number;
  /** Signs a head every `every` events. */
  readonly signing?: { readonly privateKey: KeyObject; readonly every?: number };
  /** Use the real wall clock instead of a simulated one. */
  readonly realClock?: boolean;
  /** Where the writer leaves its events' canonical encodings for the store append. */
  readonly encodings?: EncodingHandover;
}

/** A writer for `site` with a simulated clock that ticks 1 ms per event. */
export function makeWriter(site: SiteId, options: FixtureWriterOptions = {}): EventWriter {
  let wall = (options.startMs ?? Date.UTC(2026, 0, 5, 9, 0, 0)) + (options.seed ?? 0);
  const clock = createHybridClock(options.realClock ? {} : { wallClock: () => (wall += 1) });
  return createEventWriter({
    site,
    clock,
    ...(options.head ? { head: options.head } : {}),
    ...(options.signing ? { signing: options.signing } : {}),
    ...(options.encodings ? { encodings: options.encodings } : {}),
  });
}

/** A plausible clinical write for event number `n` of a stream. */
export function draftFor(
  stream: StreamId,
  n: number,
): {
  stream: StreamId;
  type: string;
  data: Record<string, Record<string, string | number>>;
  author: { id: string; role: string };
} {
  if (stream.startsWith('schedule/')) {
    return {
      stream,
      type: 'appointment.booked',
      data: {
        [`Appointment/slot-${n}`]: {
          status: 'booked',
          start: `2026-02-0${(n % 9) + 1}T09:${String(n % 60).padStart(2, '0')}:00Z`,
        },
      },
      author: { id: 'receptionist-1', role: 'receptionist' },
    };
  }
  return {
    stream,
    type: 'observation.recorded',
    data: {
      [`Observation/o${n}`]: {
        code: 'blood-pressure',
        systolic: 110 + (n % 40),
        diastolic: 70 + (n % 20),
        note: `reading ${n}, seated, left arm`,
      },
    },
    author: { id: 'gp-1', role: 'gp' },
  };
}

/** `count` events of one site, cycling through `streams`. */
export function siteEvents(
  writer: EventWriter,
  count: number,
  streams: readonly StreamId[] = STREAMS,
): ChartEvent[] {
  const out: ChartEvent[] = [];
  for (let i = 0; i < count; i++) {
    const stream = streams[(writer.head.seq + i) % streams.length] as StreamId;
    out.push(writer.append(draftFor(stream, writer.head.seq + 1)));
  }
  return out;
}

/** `perSite` events for each of {@link SITES}: `{ [site]: events }`, plus writers to continue. */
export function makeHistory(perSite: number): {
  events: Map<SiteId, ChartEvent[]>;
  writers: Map<SiteId, EventWriter>;
} {
  const events = new Map<SiteId, ChartEvent[]>();
  const writers = new Map<SiteId, EventWriter>();
  SITES.forEach((site, i) => {
    const w = makeWriter(site, { startMs: Date.UTC(2026, 0, 5, 9, 0, 0) + i * 7 });
    writers.set(site, w);
    events.set(site, siteEvents(w, perSite));
  });
  return { events, writers };
}

/** Interleaves several sites' runs round-robin, keeping each site's seq order. */
export function interleave(runs: readonly (readonly ChartEvent[])[]): ChartEvent[] {
  const out: ChartEvent[] = [];
  const max = Math.max(0, ...runs.map((r) => r.length));
  for (let i = 0; i < max; i++) for (const run of runs) if (i < run.length) out.push(run[i] as ChartEvent);
  return out;
}

/**
 * `event` with `changes` applied and its id derived again from the new content, without a
 * signature: what a careful forger (a relay, a buggy writer) would make, so that a test
 * reaches the check it is about (chain, signature, fork) rather than stopping at the id,
 * which any alteration of an event changes (see eventIdOf).
 */
export function alteredEvent(
  event: ChartEvent,
  changes: Partial<Record<keyof ChartEvent, unknown>>,
): ChartEvent {
  const { id: _id, sig: _sig, ...rest } = { ...event, ...changes } as ChartEvent;
  return { ...rest, id: eventIdOf(rest) } as ChartEvent;
}
