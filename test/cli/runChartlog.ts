import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: children run there, as a user in a checkout would. */
export const root = fileURLToPath(new URL('../..', import.meta.url));

/** What a finished `chartlog` child process printed and returned. */
export interface ChartlogRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the CLI from its TypeScript source as a real child process
 * (`node --import tsx src/cli/main.ts …`), so the tests do not depend on `npm run build`
 * having run first; the built bin is checked separately.
 */
export function runChartlog(args: readonly string[], options: { readonly timeoutMs?: number } = {}): Promise<ChartlogRun> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, encoding: 'utf8', timeout: options.timeoutMs ?? 20_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      done({ code, stdout, stderr });
    });
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
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', ...args, '--port', '0', '--json'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
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
