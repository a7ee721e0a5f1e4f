import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, runChartlog } from './runChartlog.js';

const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

describe('chartlog --version', () => {
  it('prints the package version, as --version and -V, and exits 0', async () => {
    for (const flag of ['--version', '-V']) {
      const run = await runChartlog([flag]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`${version}\n`);
    }
  });

  it('is listed in the root --help', async () => {
    expect((await runChartlog(['--help'])).stdout).toContain('--version');
  });
});
