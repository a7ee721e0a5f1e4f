import { createChart } from '../../chart/chart.js';
import { clinicalSchema } from '../../clinical/clinicalSchema.js';
import { EXIT } from '../exitCodes.js';
import { integerOption, out, outJson, requiredOption, wantsJson, type CliCommand } from '../cliCommand.js';
import { openStoreFile } from '../openStoreFile.js';
import { createProgressReporter } from '../progressReporter.js';

/** `chartlog replay`: rebuild the chart from a store, timed. */
export const replayCommand: CliCommand = {
  name: 'replay',
  summary: 'rebuild the chart from a store with progress; print state hash, event count and rate',
  description: [
    'Folds every event of the store (read-only, in pages) into a fresh chart with the clinical',
    'schema. Progress goes to stderr: a bar when stderr is a terminal, a plain line every 10%',
    'otherwise. Prints the state hash (equal on every converged site), events and events/s.',
  ],
  options: {
    store: { type: 'string', valueName: 'FILE', required: true, description: 'SQLite store file' },
    'page-size': { type: 'string', valueName: 'N', description: 'events read per page', defaultValue: '1000' },
  },
  examples: ['chartlog replay --store hospital-d.chartlog', 'chartlog replay --store hospital-d.chartlog --json 2>/dev/null'],
  async run(values) {
    const pageSize = integerOption(values, 'page-size', 1000, 1, 100_000);
    const store = await openStoreFile(requiredOption(values, 'store'), 'read');
    const chart = createChart({ schema: clinicalSchema });
    let events = 0;
    let seconds: number;
    try {
      const total = await store.count();
      const progress = createProgressReporter('replay', total, process.stderr);
      const started = performance.now();
      let cursor: string | undefined;
      for (;;) {
        const page = await store.readAll(cursor, pageSize);
        chart.apply(page.events);
        events += page.events.length;
        progress.update(events);
        cursor = page.cursor;
        if (page.done || page.events.length === 0) break;
      }
      seconds = (performance.now() - started) / 1000;
      progress.done();
    } finally {
      await store.close();
    }
    const stateHash = chart.hash();
    const eventsPerSecond = seconds > 0 ? Math.round(events / seconds) : events;
    if (wantsJson(values)) outJson({ stateHash, events, streams: chart.streams().length, seconds, eventsPerSecond });
    else {
      out(`state hash  ${stateHash}`);
      out(`events      ${events} in ${chart.streams().length} records`);
      out(`rate        ${eventsPerSecond} events/s (${seconds.toFixed(3)} s)`);
    }
    return EXIT.ok;
  },
};
