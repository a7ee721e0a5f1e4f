import { clinicalSchema } from '../../clinical/clinicalSchema.js';
import type { ProjectionRebuild } from '../../store/storeProjection.js';
import { EXIT } from '../exitCodes.js';
import { integerOption, out, outJson, requiredOption, wantsJson, type CliCommand } from '../cliCommand.js';
import { openStoreFile } from '../openStoreFile.js';
import { createProjectionProgressPrinter } from '../projectionProgressPrinter.js';
import { countOf } from '../countOf.js';
import { jsonSeconds } from '../jsonSeconds.js';
import { storeOption } from '../siteOptions.js';

/** `chartlog replay`: rebuild a store's persisted projection from its events, streaming, with progress. */
export const replayCommand: CliCommand = {
  name: 'replay',
  summary:
    "rebuild a store's persisted projection from its events with progress; print state hash, events, rate",
  description: [
    'Folds every event of the store afresh into its persisted projection (the folded chart that',
    'status, conflicts, verify and a replica read) with the clinical schema, one record at a time',
    '(bounded memory), in the store file itself. This is the fix for PROJECTION_STALE (a store',
    'written by an older chartlog, or folded with another schema) and for a damaged projection.',
    'It writes the store, so it refuses one that chartlog serve holds (STORE_LOCKED, exit 3): stop',
    'serve first. Progress goes to stderr (events done/total, percent, events/s, ETA): one line',
    'redrawn in place on a terminal, a plain line every 5 s otherwise. Prints the state hash',
    '(equal on every converged site), events, records, seconds, events/s and workers. --workers N reads',
    'and folds records in N worker threads while this one writes their rows (the same rows).',
  ],
  options: {
    store: storeOption('must exist'),
    workers: {
      type: 'string',
      valueName: 'N',
      defaultValue: 'the cores (1 to 4) from 20,000 events, else 0',
      description: 'worker threads that fold records (0: fold in this thread)',
    },
  },
  examples: [
    'chartlog replay --store hospital-d.chartlog',
    'chartlog replay --store hospital-d.chartlog --workers 2',
    'chartlog replay --store hospital-d.chartlog --json 2>/dev/null',
  ],
  async run(values) {
    const workers =
      values['workers'] === undefined ? {} : { workers: integerOption(values, 'workers', 0, 0, 64) };
    const store = await openStoreFile(requiredOption(values, 'store'), 'update');
    const onProgress = createProjectionProgressPrinter('replay', process.stderr);
    let rebuilt: ProjectionRebuild;
    let stateHash: string;
    try {
      const projection = await store.openProjection({ schema: clinicalSchema, onProgress, ...workers });
      // A projection missing or folded with another schema was just rebuilt by opening it: not twice.
      const { opening } = projection;
      rebuilt =
        opening.action === 'rebuilt'
          ? {
              events: opening.events,
              streams: projection.streams().length,
              seconds: opening.seconds,
              ...(opening.workers === undefined ? {} : { workers: opening.workers }),
            }
          : await projection.rebuild({ onProgress, ...workers });
      stateHash = projection.hash();
    } finally {
      await store.close();
    }
    const { events, streams } = rebuilt;
    const seconds = jsonSeconds(rebuilt.seconds);
    const threads = rebuilt.workers ?? 0;
    const eventsPerSecond = seconds > 0 ? Math.round(events / seconds) : events;
    if (wantsJson(values))
      outJson({ stateHash, events, streams, seconds, eventsPerSecond, workers: threads });
    else {
      out(`state hash  ${stateHash}`);
      out(`events      ${events} in ${countOf(streams, 'record')}`);
      out(
        `rate        ${eventsPerSecond} events/s (${seconds.toFixed(3)} s${threads > 0 ? `, ${countOf(threads, 'worker thread')}` : ''})`,
      );
    }
    return EXIT.ok;
  },
};
