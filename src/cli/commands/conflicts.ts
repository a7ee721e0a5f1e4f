import { readConflicts, type Conflict } from '../../chart/conflicts.js';
import { clinicalSchema } from '../../clinical/clinicalSchema.js';
import { EXIT } from '../exitCodes.js';
import { out, outJson, requiredOption, wantsJson, type CliCommand } from '../cliCommand.js';
import { openStoreFile } from '../openStoreFile.js';
import { readStoreProjection } from '../readStoreProjection.js';
import { storeOption } from '../siteOptions.js';

/** `chartlog conflicts`: the clinician review queue of a store. */
export const conflictsCommand: CliCommand = {
  name: 'conflicts',
  summary: 'list open conflicts (the clinician review queue) with values, sites, authors, times',
  description: [
    "Reads the store's persisted projection (read-only, safe next to a running chartlog serve;",
    'nothing is folded): every open conflict from its conflict index, by record, resource and',
    'field, with its merge rule, the value shown until a clinician resolves it, and each competing',
    "write with its author (read from the write's event), site and HLC time. Open conflicts are",
    'not a failure: exit 0. A store whose projection is missing or out of date is PROJECTION_STALE,',
    'exit 3: chartlog replay --store FILE rebuilds it.',
    'With --json: {"count":n,"conflicts":[{stream,resource,field,rule,provisional,writes:[…]}]}.',
  ],
  options: {
    store: storeOption(),
  },
  examples: ['chartlog conflicts --store hospital-d.chartlog'],
  async run(values) {
    const store = await openStoreFile(requiredOption(values, 'store'), 'read');
    let conflicts: Conflict[];
    try {
      const projection = await readStoreProjection(store, clinicalSchema);
      conflicts = await readConflicts(projection, async (w) => (await store.get(w.site, w.seq))?.author);
    } finally {
      await store.close();
    }
    if (wantsJson(values)) outJson({ count: conflicts.length, conflicts });
    else {
      out(`${conflicts.length} open conflict${conflicts.length === 1 ? '' : 's'} for clinician review`);
      for (const c of conflicts) {
        out(
          `\n${c.stream}  ${c.resource}.${c.field}  (${c.rule})  shown until resolved: ${JSON.stringify(c.provisional)}`,
        );
        for (const w of c.writes) {
          const role = w.author.role !== undefined ? ` (${w.author.role})` : '';
          out(`    ${JSON.stringify(w.value)}  by ${w.author.id}${role} at ${w.site}, ${w.hlc}  [${w.id}]`);
        }
      }
    }
    return EXIT.ok;
  },
};
