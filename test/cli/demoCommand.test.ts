import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, runChartlog } from './runChartlog.js';

/** The README's documented command for the demo's JSON line, e.g. `npm run -s demo -- --json`. */
function readmeJsonCommand(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const command = /`(npm run[^`]* demo -- --json)`/.exec(readme)?.[1];
  if (command === undefined) throw new Error('the README documents no `npm run … demo -- --json` command');
  return command;
}

/** Runs a shell command line in the repository root, as a user would type it. */
function shell(line: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('sh', ['-c', line], { cwd: root, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) =>
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
    );
  });
}

interface DemoJson {
  converged: boolean;
  seed: number;
  sites: { site: string; stateHash: string }[];
  fhirApp?: { actions: { wrote: string[] }[] };
}

describe('the demo, as the README tells a newcomer to run it', () => {
  it("the README's JSON command prints one JSON line on stdout, nothing else, and the same --seed gives the same state hash", async () => {
    const line = `${readmeJsonCommand()} --patients 7 --hours 1 --seed 7`;
    const [first, second] = await Promise.all([shell(line), shell(line)]);
    for (const run of [first, second]) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout.trim().split('\n')).toHaveLength(1);
    }
    const [a, b] = [JSON.parse(first.stdout) as DemoJson, JSON.parse(second.stdout) as DemoJson];
    expect(a.converged).toBe(true);
    expect(a.seed).toBe(7);
    // npm run demo runs practice-a's FHIR app too: the resources it creates (a transaction's and a plain POST's) get the same ids.
    expect(a.fhirApp?.actions.length).toBe(3);
    expect(b.fhirApp?.actions.map((x) => x.wrote)).toEqual(a.fhirApp?.actions.map((x) => x.wrote));
    expect(new Set(a.sites.map((s) => s.stateHash)).size).toBe(1);
    expect(b.sites[0]?.stateHash).toBe(a.sites[0]?.stateHash);
  });

  it('chartlog demo without --seed picks one and prints it, so that run can be repeated', async () => {
    const run = await runChartlog(['demo', '--patients', '3', '--hours', '1']);
    expect(run.code).toBe(0);
    const seed = /seed (\d+)/.exec(run.stdout)?.[1];
    expect(seed).toBeDefined();
    const hash = (stdout: string): string | undefined =>
      /practice-a\s+\d+\s+([0-9a-f]{16})/.exec(stdout)?.[1];
    const again = await runChartlog(['demo', '--patients', '3', '--hours', '1', '--seed', String(seed)]);
    expect(hash(again.stdout)).toBe(hash(run.stdout));
  });
});
