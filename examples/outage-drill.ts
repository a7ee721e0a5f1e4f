/**
 * The outage drill (`npm run demo`, also `chartlog demo`): three GP practices and a
 * hospital each hold a full replica of the records they share. A normal morning; then a
 * total outage cuts every site off while each keeps booking, prescribing, recording
 * allergies and notes — including concurrent changes to the same patients'
 * safety-critical fields and one slot booked at two practices; then links return one by
 * one, every site converges to the same state hash, and the conflicts are listed for a
 * clinician to review.
 *
 * Here practice-a's app (examples/practice-fhir-app.ts, fhir-kit-client) also keeps
 * booking and prescribing through practice-a's own FHIR R4 API during the outage; after
 * reconnection its writes are at every site and its collisions with the hospital are among
 * the conflicts listed.
 *
 * The drill itself lives in `src/cli/outageDrill.ts` so the `chartlog` bin can run it
 * (`chartlog demo`, without the app: the bin ships no FHIR client); this file is the
 * runnable wrapper and keeps its `runOutageDrill` API.
 *
 *   npm run demo                      human-readable progress and tables
 *   npm run -s demo -- --json         one final JSON line (-s: no npm banner on stdout)
 *   npm run demo -- --patients 200    a bigger list
 *   npm run demo -- --seed 42         a reproducible run (the same state hash every time)
 */
import { createDemoCommand } from '../src/cli/commands/demo.js';
import { CLI_COMMANDS, runCli } from '../src/cli/runCli.js';
import { practiceFhirApp } from './practice-fhir-app.js';

export { runOutageDrill } from '../src/cli/outageDrill.js';
export type { OutageDrillOptions, OutageDrillResult } from '../src/cli/outageDrill.js';
export { practiceFhirApp } from './practice-fhir-app.js';

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop() ?? '')) {
  const commands = CLI_COMMANDS.map((c) =>
    c.name === 'demo' ? createDemoCommand({ fhirApp: practiceFhirApp }) : c,
  );
  process.exitCode = await runCli(['demo', ...process.argv.slice(2)], commands);
}
