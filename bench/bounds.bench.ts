/**
 * `npm run bench -- bounds [--quick]`: what bounds chartlog's merge, measured on the
 * same machine and the same events as `vs-crdt` (3 sites × N saves, N/10 patients;
 * N = 100,000, `--quick` 20,000). Each primitive a merge cannot skip is timed alone
 * over exactly the work the merge does with it, and printed in µs per event and as a
 * total for the merge:
 *
 * - `stringify`: the sender encodes each event it sends as its wire line (120k sends at
 *   N = 20,000: each site receives the other two sites' events once);
 * - `parse`: the receiver parses each line (`JSON.parse`, nothing else);
 * - `sha256`: the receiver hashes the bytes (the chain and the signature need it);
 * - `decode`: chartlog's whole decode (parse + freeze + shared strings);
 * - `fold`: each replica folds all 3N events into its chart (from nothing, one batch).
 *
 * `floor_s` is parse + sha256 + stringify for the merge's sends: what any replica that
 * exchanges hash-chained JSON events pays before it checks or folds anything. Compare
 * it with Yjs's whole merge in `vs-crdt`: when the floor alone is near Yjs's merge, the
 * JSON wire and the per-event hash bound how close chartlog can get, not its code.
 */
import { createHash } from 'node:crypto';
import { createChart, type ChartEvent } from '../src/index.js';
import { clinicalSchema } from '../src/clinical/index.js';
import { decodeWireEvent, encodeWireEvent } from '../src/event/wireEvent.js';
import { encodeEvent } from '../src/event/eventHash.js';
import { emit, median, progress, type BenchOptions } from './emit.js';
import { savesToEvents } from './workload/primaryCareEvents.js';
import { generateSaves } from './workload/primaryCareSaves.js';

/** Runs the primitives; see the file comment. */
export async function run(options: BenchOptions): Promise<void> {
  const perSite = options.quick ? 20_000 : 100_000;
  const events = 3 * perSite;
  progress(`bounds: generating ${events} events over ${events / 30} patients…`);
  const log = savesToEvents(generateSaves({ saves: events, patients: perSite / 10, concurrency: 0.01 }));
  const lines = log.map(encodeWireEvent);
  const texts = log.map(encodeEvent);
  // In a merge of three sites each event is sent to, and received by, two others.
  const sends = 2 * events;
  const runs = options.quick ? 5 : 3;

  const time = (name: string, work: () => void, perRun: number, mergeCount: number): void => {
    const us: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      work();
      us.push(((performance.now() - t) * 1000) / perRun);
    }
    const perEvent = median(us);
    emit({
      bench: 'bounds',
      metric: `${name}_us_per_event`,
      value: Math.round(perEvent * 100) / 100,
      unit: 'µs',
      events,
      perSite,
      runs,
      statistic: 'median',
      mergeS: Math.round(perEvent * mergeCount) / 1e6,
    });
    totals.set(name, (perEvent * mergeCount) / 1e6);
  };
  const totals = new Map<string, number>();
  let sink = 0;
  time(
    'stringify',
    () => {
      for (const e of log) sink += JSON.stringify(e).length;
    },
    events,
    sends,
  );
  time(
    'parse',
    () => {
      for (const l of lines) sink += (JSON.parse(l) as object) === null ? 1 : 0;
    },
    events,
    sends,
  );
  time(
    'sha256',
    () => {
      for (const t of texts) sink += createHash('sha256').update(t).digest('hex').length;
    },
    events,
    sends,
  );
  time(
    'decode',
    () => {
      for (const l of lines) sink += decodeWireEvent(l) === undefined ? 1 : 0;
    },
    events,
    sends,
  );
  const decoded = lines.map(decodeWireEvent) as ChartEvent[];
  // Each of the three replicas folds every event once.
  time(
    'fold',
    () => {
      sink += createChart({ schema: clinicalSchema }).apply(decoded).applied;
    },
    events,
    3 * events,
  );
  const floor = (totals.get('parse') ?? 0) + (totals.get('sha256') ?? 0) + (totals.get('stringify') ?? 0);
  emit({
    bench: 'bounds',
    metric: 'floor_s',
    value: Math.round(floor * 1000) / 1000,
    unit: 's',
    perSite,
    what: 'parse + sha256 + stringify for every send of a 3-site merge',
  });
  emit({
    bench: 'bounds',
    metric: 'floor_plus_fold_s',
    value: Math.round((floor + (totals.get('fold') ?? 0)) * 1000) / 1000,
    unit: 's',
    perSite,
    what: 'the floor plus each replica folding every event once',
  });
  if (sink === -1) progress('');
}
