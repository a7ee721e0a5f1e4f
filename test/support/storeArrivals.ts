/**
 * What a store receives from sync: each site's events in seq order (a store refuses a
 * gap), sites interleaved, cut into batches of random size, some batches holding several
 * sites, and events already sent re-sent now and then (a retrying peer).
 */
import fc, { type Arbitrary } from 'fast-check';
import type { ChartEvent } from '../../src/index.js';

/** One batch a store is offered, and which of its events are repeats of earlier batches. */
export interface StoreBatch {
  readonly events: readonly ChartEvent[];
  /** Events of this batch that an earlier batch already carried. */
  readonly resent: number;
}

interface ArrivalPlan {
  readonly cuts: readonly {
    readonly take: number;
    readonly join: boolean;
    readonly resend: readonly number[];
  }[];
}

/**
 * Batches carrying every event of `events` at least once, each site's events in seq order.
 *
 * @example fc.assert(fc.asyncProperty(scenarioArbitrary().chain((s) => storeArrivalArbitrary(s.events).map((b) => [s, b] as const)), …))
 */
export function storeArrivalArbitrary(events: readonly ChartEvent[]): Arbitrary<StoreBatch[]> {
  const plan: Arbitrary<ArrivalPlan> = fc.record({
    cuts: fc.array(
      fc.record({
        take: fc.integer({ min: 1, max: 5 }),
        join: fc.boolean(),
        resend: fc.array(fc.nat(), { maxLength: 2 }),
      }),
      { minLength: 1, maxLength: 12 },
    ),
  });
  return plan.map((p) => {
    const batches = storeArrivals(events, p);
    return Object.defineProperty(batches, fc.toStringMethod, {
      value: () => batches.map((b) => `[${b.events.map((e) => `${e.site}/${e.seq}`).join(' ')}]`).join(' '),
      enumerable: false,
    });
  });
}

/** Each site's events in seq order (one queue per site, in order of first appearance). */
export function siteQueues(events: readonly ChartEvent[]): ChartEvent[][] {
  const bySite = new Map<string, ChartEvent[]>();
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
    const list = bySite.get(e.site) ?? [];
    list.push(e);
    bySite.set(e.site, list);
  }
  return [...bySite.values()];
}

/**
 * Each site's events in seq order, cut into chunks of 1–4 (`cuts` picks each size in
 * turn), sites taking turns: a deterministic arrival order a store accepts (no gaps),
 * with late events whenever sites' clocks interleave.
 */
export function interleavedBatches(events: readonly ChartEvent[], cuts: readonly number[]): ChartEvent[][] {
  const queues = siteQueues(events);
  const out: ChartEvent[][] = [];
  let c = 0;
  while (queues.some((q) => q.length > 0)) {
    for (const q of queues) {
      const take = 1 + ((cuts[c++ % cuts.length] ?? 0) % 4);
      if (q.length > 0) out.push(q.splice(0, take));
    }
  }
  return out;
}

function storeArrivals(events: readonly ChartEvent[], plan: ArrivalPlan): StoreBatch[] {
  const queues = siteQueues(events);
  const sent: ChartEvent[] = [];
  const out: StoreBatch[] = [];
  let current: ChartEvent[] = [];
  let resent = 0;
  let c = 0;
  for (let q = 0; queues.some((list) => list.length > 0); q = (q + 1) % queues.length) {
    const queue = queues[q] as ChartEvent[];
    if (queue.length === 0) continue;
    const cut = plan.cuts[c++ % plan.cuts.length] as ArrivalPlan['cuts'][number];
    // Repeats of events earlier batches carried: a store holds them already, so they are no-ops anywhere in the batch.
    const repeats = sent.length === 0 ? [] : cut.resend.map((n) => sent[n % sent.length] as ChartEvent);
    current.push(...repeats, ...queue.splice(0, cut.take));
    resent += repeats.length;
    if (!cut.join || queues.every((list) => list.length === 0)) {
      out.push({ events: current, resent });
      sent.push(...current);
      current = [];
      resent = 0;
    }
  }
  return out;
}
