/**
 * The README's two-site walkthrough ("Two sites, step by step, over TLS"), run as written:
 * its `sh` blocks are read out of README.md (so the README cannot drift from what is
 * tested) and run, in order, by bash in a fresh directory, with real processes: `npx
 * chartlog` (the package's bin, linked into the directory's node_modules/.bin as an
 * install puts it), two real `chartlog serve` on 127.0.0.1, openssl and curl.
 *
 * What a reader does by hand, the test does the same way: a `chartlog serve` line is
 * started in the background (a terminal of its own) and waited for until it listens; a
 * comment `# Ctrl-C <site>'s serve` sends SIGINT to that serve's process group (what Ctrl-C
 * in its terminal does) and waits until it has exited; and where the README says "within a
 * second", the test waits until the running sites hold the same events (equal version
 * vectors, read from their store files) before the next command.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteEventLog } from '../../src/store/sqlite/index.js';
import { useTempDir } from '../support/tempDir.js';
import { root, TEST_CLI_ENV } from '../cli/runChartlog.js';

const README = join(root, 'README.md');
const HEADING = '#### Two sites, step by step, over TLS';
const file = useTempDir('readme-walkthrough');
const dir = file('');

/** The walkthrough's `sh` blocks, in order: from its heading to the next heading (outside code blocks). */
function walkthroughBlocks(readme: string): string[] {
  const lines = readme.split('\n');
  const start = lines.indexOf(HEADING);
  if (start < 0) throw new Error(`README.md has no "${HEADING}" section`);
  const blocks: string[] = [];
  let block: string[] | undefined;
  for (const line of lines.slice(start + 1)) {
    if (block !== undefined) {
      if (line === '```') {
        blocks.push(block.join('\n'));
        block = undefined;
      } else block.push(line);
    } else if (line === '```sh') block = [];
    else if (/^#{1,4} /.test(line)) break;
  }
  return blocks;
}

/** One thing to do: a shell script, a long-running `chartlog serve`, or Ctrl-C of a site's serve. */
type Step =
  | { readonly kind: 'shell'; readonly script: string }
  | { readonly kind: 'serve'; readonly command: string }
  | { readonly kind: 'stop'; readonly site: string };

/** A block's steps: its lines, continuations and here-documents kept together, consecutive commands in one script. */
function stepsOf(block: string): Step[] {
  const lines = block.split('\n');
  const steps: Step[] = [];
  let script: string[] = [];
  const flush = (): void => {
    if (script.some((line) => line.trim() !== '' && !line.startsWith('#')))
      steps.push({ kind: 'shell', script: script.join('\n') });
    script = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const command = [lines[i] as string];
    while (command.at(-1)?.endsWith('\\') === true && i + 1 < lines.length)
      command.push(lines[++i] as string);
    const heredoc = /<<'?(\w+)'?\s*$/.exec(command.at(-1) ?? '')?.[1];
    if (heredoc !== undefined)
      while (i + 1 < lines.length && command.at(-1) !== heredoc) command.push(lines[++i] as string);
    const text = command.join('\n');
    const stop = /^# Ctrl-C (\S+)'s serve/.exec(text)?.[1];
    if (stop !== undefined) {
      flush();
      steps.push({ kind: 'stop', site: stop });
    } else if (text.startsWith('npx chartlog serve ')) {
      flush();
      steps.push({ kind: 'serve', command: text });
    } else script.push(text);
  }
  flush();
  return steps;
}

/** A free TCP port on 127.0.0.1 (closed again at once, for a serve to take). */
function freePort(): Promise<number> {
  return new Promise((found, failed) => {
    const server = createServer();
    server.once('error', failed);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => found(port));
    });
  });
}

/**
 * The directory a user works in, with chartlog installed: `npx chartlog` finds
 * node_modules/.bin/chartlog, the built bin when `CHARTLOG_TEST_CLI=dist` (as `npm test`
 * runs), else the sources through tsx (as the other CLI tests run them).
 */
function installChartlog(): void {
  writeFileSync(file('package.json'), JSON.stringify({ name: 'two-sites', private: true }));
  mkdirSync(file('node_modules/.bin'), { recursive: true });
  const bin = file('node_modules/.bin/chartlog');
  if (process.env[TEST_CLI_ENV] === 'dist') symlinkSync(join(root, 'dist/cli/main.js'), bin);
  else {
    const tsx = join(root, 'node_modules/tsx/dist/loader.mjs');
    const main = join(root, 'src/cli/main.ts');
    writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" --import "file://${tsx}" "${main}" "$@"\n`, {
      mode: 0o755,
    });
  }
}

interface Served {
  readonly site: string;
  readonly store: string;
  readonly child: ChildProcess;
  readonly closed: Promise<void>;
  output: string;
}
const running: Served[] = [];

/** Starts a `chartlog serve` line as a terminal would (its own process group) and waits until it listens. */
async function startServe(command: string): Promise<Served> {
  const site = /--site (\S+)/.exec(command)?.[1] ?? '';
  const store = join(dir, /--store (\S+)/.exec(command)?.[1] ?? '');
  const child = spawn('bash', ['-c', command], {
    cwd: dir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // 'close' comes once every process holding its output has exited: npx and the chartlog it started.
  const closed = new Promise<void>((done) => child.once('close', () => done()));
  const served: Served = { site, store, child, closed, output: '' };
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (served.output += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (served.output += s));
  await new Promise<void>((listening, failed) => {
    const look = (): void => {
      if (served.output.includes(`${site} listening on`)) listening();
    };
    child.stdout?.on('data', look);
    void closed.then(() => failed(new Error(`${command}\nexited before listening:\n${served.output}`)));
  });
  running.push(served);
  return served;
}

/** Ctrl-C in a serve's terminal: SIGINT to its process group, then wait until all of it has exited. */
async function stopServe(site: string): Promise<void> {
  const served = running.find((s) => s.site === site);
  if (served === undefined) throw new Error(`the README stops ${site}'s serve, which is not running`);
  process.kill(-(served.child.pid as number), 'SIGINT');
  await served.closed;
  running.splice(running.indexOf(served), 1);
  expect(served.output).toContain(`${site} stopped (SIGINT)`);
}

async function vectorOf(store: string): Promise<string> {
  const log = openSqliteEventLog(store, { readOnly: true });
  try {
    return JSON.stringify(Object.entries(await log.versionVector()).sort());
  } finally {
    await log.close();
  }
}

/** "Within a second": waits until every running site holds the same events (a sync loop runs every second). */
async function untilRunningSitesAgree(): Promise<void> {
  if (running.length < 2) return;
  for (;;) {
    const vectors = await Promise.all(running.map((s) => vectorOf(s.store)));
    if (new Set(vectors).size === 1) return;
    await new Promise((tick) => setTimeout(tick, 100));
  }
}

function runShell(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.once('close', (code) => done({ code, stdout, stderr }));
  });
}

afterAll(async () => {
  for (const served of running.splice(0)) {
    process.kill(-(served.child.pid as number), 'SIGKILL');
    await served.closed;
  }
});

describe('the README two-site walkthrough', () => {
  it('runs as written: keys, certificate, peers files, two serves, a record that syncs, a conflict made offline, conflicts, resolve', async () => {
    const blocks = walkthroughBlocks(readFileSync(README, 'utf8'));
    expect(blocks.length).toBeGreaterThan(5);
    // The README's fixed ports, rewritten to free ones: vitest runs two test files at once,
    // and another may be listening on 8080 or 8443.
    const [hospitalPort, practicePort] = [await freePort(), await freePort()];
    const withPorts = (text: string): string =>
      text.replace(/\b8443\b/g, String(hospitalPort)).replace(/\b8080\b/g, String(practicePort));
    installChartlog();
    const ran: { script: string; stdout: string }[] = [];
    for (const step of blocks.map(withPorts).flatMap(stepsOf)) {
      if (step.kind === 'serve') await startServe(step.command);
      else if (step.kind === 'stop') await stopServe(step.site);
      else {
        await untilRunningSitesAgree();
        const run = await runShell(step.script);
        expect({ script: step.script, code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
        ran.push({ script: step.script, stdout: run.stdout });
      }
    }
    const outputOf = (command: string): string[] =>
      ran.filter((r) => r.script.includes(command)).map((r) => r.stdout);
    const hospitalReads = ran
      .filter((r) =>
        /--cacert hospital-d\.crt -H 'Authorization[^\n]*\n *https:\S*\/AllergyIntolerance\/al1 /.test(
          r.script,
        ),
      )
      .map((r) => r.stdout);
    expect(hospitalReads).toHaveLength(2);
    expect(hospitalReads[0]).toMatch(/"versionId":"practice-a\.2".*"criticality":"low"/);
    expect(outputOf('chartlog status --store hospital-d.chartlog')[0]).toMatch(/vector +practice-a:2\n/);
    const conflicts = outputOf('chartlog conflicts --store practice-a.chartlog')[0];
    expect(conflicts).toContain('1 open conflict for clinician review');
    expect(conflicts).toMatch(/patient\/p1 +AllergyIntolerance\/al1\.criticality +\(mv\)/);
    expect(conflicts).toMatch(/"unable-to-assess" +by dr-okafor \(gp\) at practice-a/);
    expect(conflicts).toMatch(/"high" +by dr-reyes \(consultant\) at hospital-d/);
    expect(outputOf('chartlog resolve')[0]).toContain(
      'resolved patient/p1 AllergyIntolerance/al1.criticality: "high"',
    );
    expect(hospitalReads[1]).toContain('"criticality":"high"');
    expect(hospitalReads[1]).not.toContain('merge-state');
    expect(outputOf('chartlog conflicts --store hospital-d.chartlog')[0]).toContain(
      '0 open conflicts for clinician review',
    );
    // The sites end as the README leaves them, both serving; then Ctrl-C each.
    expect(running.map((s) => s.site).sort()).toEqual(['hospital-d', 'practice-a']);
    await untilRunningSitesAgree();
    for (const site of ['practice-a', 'hospital-d']) await stopServe(site);
  }, 240_000);
});
