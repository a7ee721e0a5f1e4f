/**
 * The outage drill (`npm run demo`, also `chartlog demo`): three GP practices and a
 * hospital each hold a full replica of the records they share. A normal morning; then a
 * total outage cuts every site off while each keeps booking, prescribing, recording
 * allergies and notes — including concurrent changes to the same patients'
 * safety-critical fields and one slot booked at two practices; then links return one by
 * one, every site converges to the same state hash, and the conflicts are listed for a
 * clinician to review.
 *
 * The drill itself lives in `src/cli/outageDrill.ts` so the `chartlog` bin can run it;
 * this file is the runnable wrapper and keeps its `runOutageDrill` API.
 *
 *   npm run demo                      human-readable progress and tables
 *   npm run demo -- --json            one final JSON line
 *   npm run demo -- --patients 200    a bigger list
 */
import { runCli } from '../src/cli/runCli.js';

export { runOutageDrill } from '../src/cli/outageDrill.js';
export type { OutageDrillOptions, OutageDrillResult } from '../src/cli/outageDrill.js';

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop() ?? '')) process.exitCode = await runCli(['demo', ...process.argv.slice(2)]);
