/**
 * `npm run bench -- rebuild [--quick]`: batch-rebuild every chart from in-memory events.
 * 1,000,000 events over 10,000 patients from 3 sites, ~1% of updates concurrent
 * (--quick: 100,000 over 1,000). Prints events/s (median of runs), the replica hash
 * time, and peak RSS.
 */
import { clinicalSchema, createChart, listConflicts } from '../src/index.js';
import { emit, median, peakRssMb, progress, type BenchOptions } from './emit.js';
import { savesToEvents } from './workload/primaryCareEvents.js';
import { generateSaves } from './workload/primaryCareSaves.js';

export async function run(options: BenchOptions): Promise<void> {
  const events = options.quick ? 100_000 : 1_000_000;
  const patients = options.quick ? 1_000 : 10_000;
  const runs = options.quick ? 3 : 5;
  progress(`rebuild: generating ${events} events over ${patients} patients…`);
  const t0 = performance.now();
  const log = savesToEvents(generateSaves({ saves: events, patients, concurrency: 0.01 }), (n) => progress(`  ${n} events recorded`));
  const recordS = (performance.now() - t0) / 1000;
  emit({ bench: 'rebuild', metric: 'record_events_per_s', value: Math.round(events / recordS), unit: 'events/s', events });

  const rates: number[] = [];
  let hashMs = 0;
  let conflicts = 0;
  let hash = '';
  for (let r = 0; r < runs; r++) {
    const chart = createChart({ schema: clinicalSchema });
    const start = performance.now();
    chart.apply(log);
    const seconds = (performance.now() - start) / 1000;
    rates.push(events / seconds);
    const h0 = performance.now();
    const replicaHash = chart.hash();
    hashMs = performance.now() - h0;
    if (hash !== '' && replicaHash !== hash) throw new Error('rebuild is not deterministic: replica hashes differ between runs');
    hash = replicaHash;
    conflicts = listConflicts(chart).length;
    progress(`  run ${r + 1}/${runs}: ${Math.round(events / seconds)} events/s`);
  }
  emit({ bench: 'rebuild', metric: 'events_per_s', value: Math.round(median(rates)), unit: 'events/s', events, patients, runs, statistic: 'median' });
  emit({ bench: 'rebuild', metric: 'replica_hash_ms', value: Math.round(hashMs), unit: 'ms', streams: patients });
  emit({ bench: 'rebuild', metric: 'open_conflicts', value: conflicts, unit: 'conflicts' });
  emit({ bench: 'rebuild', metric: 'peak_rss_mb', value: peakRssMb(), unit: 'MiB' });
}
