import { EXIT } from '../exitCodes.js';
import { integerOption, out, outJson, wantsJson, type CliCommand } from '../cliCommand.js';
import type { DrillFhirAppResult, FhirApp } from '../drillFhirApp.js';
import { runOutageDrill } from '../outageDrill.js';
import { countOf } from '../countOf.js';

/** Options of {@link createDemoCommand}. */
export interface DemoCommandOptions {
  /** practice-a's FHIR app, run during the outage (`npm run demo` passes examples/practice-fhir-app.ts). @defaultValue none */
  readonly fhirApp?: FhirApp;
}

/** `chartlog demo`: the outage drill, without a FHIR app (the bin ships no FHIR client). */
export const demoCommand: CliCommand = createDemoCommand();

/**
 * The `demo` command running the outage drill, with `options.fhirApp` as practice-a's app
 * during the outage when given (`npm run demo`).
 */
export function createDemoCommand(options: DemoCommandOptions = {}): CliCommand {
  return {
    name: 'demo',
    summary: 'run the outage drill: 4 sites cut off for hours, then converging, conflicts listed',
    description: [
      'Three GP practices and a hospital keep recording through a total outage (including',
      "concurrent changes to the same patients' allergies and doses, and one slot booked twice),",
      'then links return one by one. Prints progress, a table per site (events, state hash,',
      'conflicts) and the open conflicts. Each site is a replica on a SQLite file in a temporary',
      'directory (removed afterwards), syncing with the sync protocol.',
      "With a FHIR app (npm run demo), practice-a's app keeps booking and prescribing through",
      "practice-a's own FHIR R4 API during the outage; its writes and the conflicts they are in",
      'are listed after reconnection.',
      'A run with the same --seed and sizes ends with the same state hash (without --seed one is',
      'picked and printed).',
      'With --json: one line {"converged":…,"seed":…,"sites":[…],"conflicts":[…],"fhirApp"?:{…}}. Exit 1 if not converged.',
    ],
    options: {
      patients: {
        type: 'string',
        valueName: 'N',
        description: 'patients registered across the practices',
        defaultValue: '60',
      },
      hours: { type: 'string', valueName: 'H', description: 'simulated hours of outage', defaultValue: '6' },
      seed: {
        type: 'string',
        valueName: 'N',
        description: 'seed for the ids of new resources: the same seed and sizes give the same state hash',
        defaultValue: 'random, printed',
      },
    },
    examples: ['chartlog demo', 'chartlog demo --json --patients 200 --hours 12', 'chartlog demo --seed 42'],
    async run(values) {
      const json = wantsJson(values);
      const result = await runOutageDrill({
        patients: integerOption(values, 'patients', 60),
        outageHours: integerOption(values, 'hours', 6),
        ...(values['seed'] !== undefined ? { seed: integerOption(values, 'seed', 0, 0, 2 ** 31 - 1) } : {}),
        ...(json ? {} : { onProgress: (line: string) => out(line) }),
        ...(options.fhirApp !== undefined ? { fhirApp: options.fhirApp } : {}),
      });
      const code = result.converged ? EXIT.ok : EXIT.problems;
      if (json) {
        outJson(result);
        return code;
      }
      out('\nsite          events  state hash        conflicts');
      for (const r of result.sites)
        out(
          `${r.site.padEnd(12)}  ${String(r.events).padStart(6)}  ${r.stateHash.slice(0, 16)}  ${String(r.conflicts).padStart(9)}`,
        );
      out(result.converged ? '\nconverged: every site shows the same records.' : '\nNOT CONVERGED');
      out(
        `seed ${result.seed}: chartlog demo --seed ${result.seed} (with the same --patients and --hours) repeats this run`,
      );
      out(`\nopen conflicts for clinician review (${result.conflicts.length}):`);
      for (const c of result.conflicts) {
        out(
          `  ${c.stream} ${c.resource}.${c.field} (${c.rule}) provisional ${JSON.stringify(c.provisional)}`,
        );
        for (const w of c.writes)
          out(`      ${JSON.stringify(w.value)}  by ${w.author.id} at ${w.site}, ${w.hlc}`);
      }
      if (result.fhirApp !== undefined) printFhirApp(result.fhirApp);
      return code;
    },
  };
}

/** The human summary of what the FHIR app's writes became after reconnection. */
function printFhirApp(app: DrillFhirAppResult): void {
  const counts = `${countOf(app.actions.length, 'request')}, ${countOf(app.events.length, 'event')}`;
  const held = app.heldEverywhere ? 'held by every site' : 'NOT held by every site';
  out(`\n${app.site}'s FHIR app (${app.client}, recorded as ${app.author.id}): ${counts}, ${held}`);
  for (const a of app.actions) out(`  ${a.did} (${a.status}): ${a.wrote.join(', ')}`);
  out(`  in open conflicts: ${app.conflicts.length > 0 ? app.conflicts.join(', ') : 'none'}`);
}
