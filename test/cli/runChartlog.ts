import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: children run there, as a user in a checkout would. */
export const root = fileURLToPath(new URL('../..', import.meta.url));

/** What a finished `chartlog` child process printed and returned. */
export interface ChartlogRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Set to `dist` (as `npm test` does, right after its build) to run the built bin in every CLI test instead of the sources. */
export const TEST_CLI_ENV = 'CHARTLOG_TEST_CLI';

/**
 * The node arguments that start `chartlog`: the built bin (`dist/cli/main.js`) when
 * `CHARTLOG_TEST_CLI=dist` (`npm test` builds first: the bin users run is what is tested,
 * and each child starts in a third of the time), else the TypeScript sources through tsx,
 * so `npx vitest run` needs no build and never runs a stale one.
 */
export function chartlogCommand(): string[] {
  if (process.env[TEST_CLI_ENV] !== 'dist') return ['--import', 'tsx', 'src/cli/main.ts'];
  const bin = join(root, 'dist/cli/main.js');
  if (!existsSync(bin))
    throw new Error(`${TEST_CLI_ENV}=dist but ${bin} does not exist: run npm run build first`);
  return [bin];
}

/** Runs the CLI ({@link chartlogCommand}) as a real child process in the repository root. */
export function runChartlog(
  args: readonly string[],
  options: { readonly timeoutMs?: number } = {},
): Promise<ChartlogRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [...chartlogCommand(), ...args],
      { cwd: root, encoding: 'utf8', timeout: options.timeoutMs ?? 20_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** A `chartlog serve` child: its URL once listening, and how to stop it. */
export interface ServeProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Sends a signal and resolves to the exit code and what was printed meanwhile. */
  stop(signal: NodeJS.Signals): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Starts `chartlog serve … --port 0 --json` and waits for its `{"listening":true,"url":…}` line. */
export function startServe(args: readonly string[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, [...chartlogCommand(), 'serve', ...args, '--port', '0', '--json'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in 15 s: ${stderr}`)), 15_000);
    const onData = (): void => {
      const line = stdout.split('\n')[0];
      if (!stdout.includes('\n') || line === undefined) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      const { url } = JSON.parse(line) as { url: string };
      resolve({
        child,
        url,
        async stop(signal) {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          const code = await exited;
          return { code, stdout, stderr };
        },
      });
    };
    child.stdout.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${String(code)} before listening: ${stderr}`));
    });
  });
}
