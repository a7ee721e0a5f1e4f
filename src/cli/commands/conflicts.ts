import { createChart } from '../../chart/chart.js';
import { listConflicts } from '../../chart/conflicts.js';
import { clinicalSchema } from '../../clinical/clinicalSchema.js';
import { rebuildChart } from '../../replica/rebuildChart.js';
import { EXIT } from '../exitCodes.js';
import { out, outJson, requiredOption, wantsJson, type CliCommand } from '../cliCommand.js';
import { openStoreFile } from '../openStoreFile.js';

/** `chartlog conflicts`: the clinician review queue of a store. */
export const conflictsCommand: CliCommand = {
  name: 'conflicts',
  summary: 'list open conflicts (the clinician review queue) with values, sites, authors, times',
  description: [
    'Rebuilds the chart from the store (read-only) and lists every open conflict by record,',
    'resource and field: its merge rule, the value shown until a clinician resolves it, and each',
    'competing write with its author, site and HLC time. Open conflicts are not a failure: exit 0.',
    'With --json: {"count":n,"conflicts":[{stream,resource,field,rule,provisional,writes:[…]}]}.',
  ],
  options: {
    store: { type: 'string', valueName: 'FILE', required: true, description: 'SQLite store file' },
  },
  examples: ['chartlog conflicts --store hospital-d.chartlog'],
  async run(values) {
    const store = await openStoreFile(requiredOption(values, 'store'), 'read');
    const chart = createChart({ schema: clinicalSchema });
    try {
      await rebuildChart(store, chart);
    } finally {
      await store.close();
    }
    const conflicts = listConflicts(chart);
    if (wantsJson(values)) outJson({ count: conflicts.length, conflicts });
    else {
      out(`${conflicts.length} open conflict${conflicts.length === 1 ? '' : 's'} for clinician review`);
      for (const c of conflicts) {
        out(`\n${c.stream}  ${c.resource}.${c.field}  (${c.rule})  shown until resolved: ${JSON.stringify(c.provisional)}`);
        for (const w of c.writes) out(`    ${JSON.stringify(w.value)}  by ${w.author.id}${w.author.role !== undefined ? ` (${w.author.role})` : ''} at ${w.site}, ${w.hlc}  [${w.id}]`);
      }
    }
    return EXIT.ok;
  },
};
