/**
 * `npm run bench -- rebuild [--quick] [--events N] [--runs K] [--cache-mib N] [--budget-s 1800] [--rss-cap-mib 6000]`:
 * the streaming rebuild of a persisted projection (what `chartlog replay` and a schema
 * upgrade do), against the in-memory fold it replaces.
 *
 * The store: a SQLite replica store of 1,000,000 events over 10,000 patients (100 each)
 * from 3 sites with the primary-care workload, ~1% of updates concurrent (`--quick`:
 * 100,000 over 1,000; `--events N`: N over N / 100), built once and cached under
 * `.bench-out/practice/` exactly as the practice benchmark builds its own
 * (bench/practice/practiceStore.ts: signed, with a current projection).
 *
 * Two measurements, each in a fresh bounded process (bench/practice/practiceWorker.ts),
 * each printing `events_per_s` (median of `--runs` runs, default 3), `replica_hash_ms`
 * (the first `hash()` after the last run) and `peak_rss_mb` (the process's peak, for the
 * whole measurement), with `method`:
 * - `replay`: on a copy of the store, `openProjection({ schema: clinicalSchema })`, then
 *   `projection.rebuild()` timed: streams read one at a time from SQLite, folded and
 *   written back in batches (bounded memory; `--cache-mib` sets its `cacheBytes`);
 * - `fold`: every event read into memory first (untimed; `loadS`), then
 *   `createChart({ schema: clinicalSchema }).apply(events)` timed, the rebuild as it was
 *   before the persisted projection (it holds every event and every state).
 * Then `open_conflicts`; the run fails unless both give the same replica hash and the
 * same conflicts (the projection equals the pure fold). A measurement killed for its
 * budget or RSS cap prints `"value": null` and `exceeded`.
 */
import { join } from 'node:path';
import { numberArg } from './benchArgs.js';
import { emit, median, progress, type BenchOptions } from './emit.js';
import type { PracticeJob, RebuildResult } from './practice/practiceJob.js';
import { practiceStore } from './practice/practiceStore.js';
import { runPracticeJob } from './practice/runPracticeJob.js';
import type { Bounds } from './practice/runBounded.js';

/** Events per patient, as in the scale benchmark: a record's shape does not change with N. */
const EVENTS_PER_PATIENT = 100;

/** Runs the benchmark; see the file comment. */
export async function run(options: BenchOptions): Promise<void> {
  const requested = numberArg(options.args, '--events', 'rebuild') ?? (options.quick ? 100_000 : 1_000_000);
  const patients = Math.max(1, Math.round(requested / EVENTS_PER_PATIENT));
  const runs = Math.round(numberArg(options.args, '--runs', 'rebuild') ?? 3);
  const cacheMib = numberArg(options.args, '--cache-mib', 'rebuild');
  const bounds: Bounds = {
    budgetS: numberArg(options.args, '--budget-s', 'rebuild') ?? 1800,
    rssCapMib: numberArg(options.args, '--rss-cap-mib', 'rebuild') ?? 6000,
  };

  const store = await practiceStore({
    patients,
    eventsPerPatient: EVENTS_PER_PATIENT,
    concurrency: 0.01,
    seed: 1,
    catchupPerSite: 0,
  });
  const events = store.events;
  progress(
    `rebuild: store ${store.storePath} (${events} events over ${patients} patients) ${store.cached ? 'cached' : `built in ${store.buildS.toFixed(1)} s`}`,
  );
  const job = (kind: 'replay' | 'fold'): PracticeJob => ({
    kind,
    storePath: store.storePath,
    keyFiles: store.keyFiles,
    catchupPath: store.catchupPath,
    patients,
    events,
    samples: 0,
    scratchDir: join(store.dir, '..', 'scratch'),
    runs,
    ...(cacheMib !== undefined ? { cacheBytes: Math.round(cacheMib * 1024 * 1024) } : {}),
  });

  const results = new Map<'replay' | 'fold', RebuildResult>();
  for (const method of ['replay', 'fold'] as const) {
    const { run, result } = await runPracticeJob(`rebuild ${events}`, job(method), bounds);
    const r = result as RebuildResult | undefined;
    const common = {
      method,
      events,
      patients,
      runs,
      ...(method === 'replay' ? { cacheMib: cacheMib ?? 'default' } : {}),
    };
    if (r === undefined) {
      const why =
        run.exceeded !== undefined
          ? { exceeded: run.exceeded, afterS: Math.round(run.wallS) }
          : { failed: `exit ${run.exit}` };
      process.stdout.write(
        JSON.stringify({
          bench: 'rebuild',
          metric: 'events_per_s',
          value: null,
          unit: 'events/s',
          ...common,
          ...why,
          reached: run.reached,
          peakRssMb: run.peakRssMib,
        }) + '\n',
      );
      continue;
    }
    results.set(method, r);
    const rates = r.runsS.map((s) => r.events / s);
    emit({
      bench: 'rebuild',
      metric: 'events_per_s',
      value: Math.round(median(rates)),
      unit: 'events/s',
      ...common,
      statistic: 'median',
      min: Math.round(Math.min(...rates)),
      max: Math.round(Math.max(...rates)),
      streams: r.streams,
      ...(r.loadS !== undefined ? { loadS: Math.round(r.loadS * 100) / 100 } : {}),
    });
    emit({
      bench: 'rebuild',
      metric: 'replica_hash_ms',
      value: Math.round(r.hashMs * 1000) / 1000,
      unit: 'ms',
      method,
      streams: r.streams,
    });
    emit({ bench: 'rebuild', metric: 'peak_rss_mb', value: run.peakRssMib, unit: 'MiB', method, events });
  }
  const replay = results.get('replay');
  const fold = results.get('fold');
  if (replay === undefined || fold === undefined) return;
  if (replay.hash !== fold.hash || replay.conflicts !== fold.conflicts || replay.events !== fold.events) {
    throw new Error(
      `rebuild: the persisted projection differs from the in-memory fold (hash ${replay.hash} vs ${fold.hash}, conflicts ${replay.conflicts} vs ${fold.conflicts}, events ${replay.events} vs ${fold.events})`,
    );
  }
  emit({ bench: 'rebuild', metric: 'open_conflicts', value: replay.conflicts, unit: 'conflicts', events });
}
