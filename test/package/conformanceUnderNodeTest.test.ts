/**
 * The EventLog conformance suite ships in `chartlog/adapter` and imports no test runner,
 * so a store author can run it under whatever runner they use. Here it runs from the built
 * package under Node's own `node:test`, in a child process, as an adapter's test file would.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../support/tempDir.js';
import { root } from '../cli/runChartlog.js';

const file = useTempDir('node-test-conformance');

/** A package that depends on chartlog (a symlink to this checkout, whose dist/ `npm test` built). */
function consumerPackage(name: string, testSource: string): string {
  const dir = file(name);
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(root, join(dir, 'node_modules', 'chartlog'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'my-store', type: 'module' }));
  writeFileSync(join(dir, 'store.test.mjs'), testSource);
  return dir;
}

/** Runs `node --test` on the consumer's test file; TAP totals and the exit status. */
function runNodeTest(dir: string): { status: number | null; pass: number; fail: number; output: string } {
  const result = spawnSync(process.execPath, ['--test', '--test-reporter=tap', 'store.test.mjs'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const output = `${result.stdout}${result.stderr}`;
  const total = (name: string): number =>
    Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(output)?.[1] ?? NaN);
  return { status: result.status, pass: total('pass'), fail: total('fail'), output };
}

const suiteOver = (openStore: string): string => `
import { after, describe, it } from 'node:test';
import { createMemoryEventLog } from 'chartlog';
import { describeEventLogConformance } from 'chartlog/adapter';

describeEventLogConformance('memory store under node:test', { open: async () => ${openStore} }, { describe, it, after });
`;

describe('the shipped EventLog conformance suite under node:test', () => {
  it('passes for the memory store, from the built package, with no vitest loaded', () => {
    const run = runNodeTest(consumerPackage('honest', suiteOver('createMemoryEventLog()')));
    expect(run.status, run.output).toBe(0);
    expect(run.fail).toBe(0);
    expect(run.pass).toBeGreaterThan(20);
  });

  it('fails a store that breaks the port (one that miscounts its events), naming the failed cases', () => {
    const lying = `{
      const store = createMemoryEventLog();
      return Object.assign(Object.create(store), { count: async () => (await store.count()) + 1 });
    }`;
    const run = runNodeTest(consumerPackage('lying', suiteOver(`(() => ${lying})()`)));
    expect(run.status).not.toBe(0);
    expect(run.fail).toBeGreaterThan(0);
    expect(run.output).toMatch(/^not ok \d+ - /m);
  });
});
