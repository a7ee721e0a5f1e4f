import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_COMMANDS } from '../../src/cli/runCli.js';
import { root, runChartlog } from './runChartlog.js';

describe('chartlog --help, usage errors and the demo', () => {
  it('the root --help lists every command and the exit codes, and exits 0', async () => {
    const run = await runChartlog(['--help']);
    expect(run.code).toBe(0);
    for (const c of CLI_COMMANDS) expect(run.stdout).toContain(`  ${c.name} `);
    expect(run.stdout).toMatch(/Exit codes:[\s\S]*2 +usage/);
  });

  it('every command has --help that exits 0 and names each of its options, an example and the exit codes', async () => {
    const runs = await Promise.all(CLI_COMMANDS.map((c) => runChartlog([c.name, '--help'])));
    CLI_COMMANDS.forEach((c, i) => {
      const run = runs[i];
      expect(run?.code, c.name).toBe(0);
      for (const option of [...Object.keys(c.options), 'json', 'help'])
        expect(run?.stdout, `${c.name} --${option}`).toContain(`--${option}`);
      expect(run?.stdout).toContain(`Usage: chartlog ${c.name}`);
      expect(run?.stdout).toContain(`Examples:\n  chartlog ${c.name}`);
      expect(run?.stdout).toContain('Exit codes:');
    });
  });

  it('usage errors exit 2 with one line on stderr naming INVALID_OPTION', async () => {
    const runs = await Promise.all([
      runChartlog([]),
      runChartlog(['no-such-command']),
      runChartlog(['serve', '--store', 'x.chartlog']),
      runChartlog(['demo', '--patients', 'many']),
      runChartlog(['verify', '--store', 'x', '--bogus']),
      runChartlog([
        'sync',
        '--store',
        'x',
        '--site',
        'a',
        '--key',
        'k',
        '--peers',
        'p',
        '--peer',
        'http://127.0.0.1:1',
        '--peer',
        'http://127.0.0.1:2',
        '--token',
        't',
      ]),
    ]);
    for (const run of runs) expect(run.code).toBe(2);
    for (const run of runs.slice(1)) {
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/^chartlog( \w+)?: INVALID_OPTION: /);
    }
    expect(runs[2]?.stderr).toContain('--site is required');
  });

  it('a store that does not exist is a store error: exit 3, STORE_UNAVAILABLE, and with --json one error object on stdout', async () => {
    const run = await runChartlog(['status', '--store', 'no/such/site.chartlog', '--json']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^chartlog status: STORE_UNAVAILABLE: /);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, error: { code: 'STORE_UNAVAILABLE' } });
  });

  it('demo --json converges: one JSON line with four sites on one state hash and the three collisions', async () => {
    const run = await runChartlog(['demo', '--json', '--patients', '9', '--hours', '1']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0] as string) as {
      converged: boolean;
      sites: { stateHash: string }[];
      conflicts: unknown[];
    };
    expect(result.converged).toBe(true);
    expect(result.sites).toHaveLength(4);
    expect(new Set(result.sites.map((s) => s.stateHash)).size).toBe(1);
    expect(result.conflicts).toHaveLength(3);
    expect(result).not.toHaveProperty('fhirApp'); // the bin ships no FHIR client: npm run demo adds the app
  });

  it('package.json names the built CLI as the chartlog bin, and once built it runs with a shebang', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(pkg.bin).toEqual({ chartlog: './dist/cli/main.js' });
    expect(readFileSync(join(root, 'src/cli/main.ts'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(
      true,
    );
    // `npm test` builds after vitest, so dist exists from the second run on; the first
    // fresh-clone run checks the source only (the build is then exercised by `npm run build`).
    const bin = join(root, 'dist/cli/main.js');
    if (existsSync(bin))
      expect(execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' })).toContain('Commands:');
  });
});
