import { EXIT } from '../exitCodes.js';
import { integerOption, out, outJson, wantsJson, type CliCommand } from '../cliCommand.js';
import { runOutageDrill } from '../outageDrill.js';

/** `chartlog demo`: the outage drill (also `npm run demo`). */
export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'run the outage drill: 4 sites cut off for hours, then converging, conflicts listed',
  description: [
    'Three GP practices and a hospital keep recording through a total outage (including',
    "concurrent changes to the same patients' allergies and doses, and one slot booked twice),",
    'then links return one by one. Prints progress, a table per site (events, state hash,',
    'conflicts) and the open conflicts. Each site is a replica on a SQLite file in a temporary',
    'directory (removed afterwards), syncing with the sync protocol.',
    'With --json: one line {"converged":…,"sites":[…],"conflicts":[…]}. Exit 1 if not converged.',
  ],
  options: {
    patients: { type: 'string', valueName: 'N', description: 'patients registered across the practices', defaultValue: '60' },
    hours: { type: 'string', valueName: 'H', description: 'simulated hours of outage', defaultValue: '6' },
  },
  examples: ['chartlog demo', 'chartlog demo --json --patients 200 --hours 12'],
  async run(values) {
    const json = wantsJson(values);
    const result = await runOutageDrill({ patients: integerOption(values, 'patients', 60), outageHours: integerOption(values, 'hours', 6), ...(json ? {} : { onProgress: (line: string) => out(line) }) });
    const code = result.converged ? EXIT.ok : EXIT.problems;
    if (json) {
      outJson(result);
      return code;
    }
    out('\nsite          events  state hash        conflicts');
    for (const r of result.sites) out(`${r.site.padEnd(12)}  ${String(r.events).padStart(6)}  ${r.stateHash.slice(0, 16)}  ${String(r.conflicts).padStart(9)}`);
    out(result.converged ? '\nconverged: every site shows the same records.' : '\nNOT CONVERGED');
    out(`\nopen conflicts for clinician review (${result.conflicts.length}):`);
    for (const c of result.conflicts) {
      out(`  ${c.stream} ${c.resource}.${c.field} (${c.rule}) provisional ${JSON.stringify(c.provisional)}`);
      for (const w of c.writes) out(`      ${JSON.stringify(w.value)}  by ${w.author.id} at ${w.site}, ${w.hlc}`);
    }
    return code;
  },
};
