/**
 * Starting a server as a child process and waiting for the line that gives its URL, for
 * the fhir-rest benchmark; and stopping it (SIGTERM, then SIGKILL after a grace period).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { progress } from '../emit.js';

/** A running child server. */
export interface ChildServer {
  /** The URL it printed. */
  readonly url: string;
  readonly child: ChildProcess;
  /** Peak RSS seen so far, MiB (from /proc; 0 where unreadable). */
  peakRssMib(): number;
  /** SIGTERM, SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Spawns `node args…` in `cwd` and resolves with the URL `urlOf` finds in a stdout line.
 * stderr goes to this process's stderr prefixed with `label`.
 * @throws Error when it exits, or prints no URL within `timeoutMs`.
 */
export async function startChildServer(
  label: string,
  args: readonly string[],
  cwd: string,
  urlOf: (line: string) => string | undefined,
  timeoutMs: number,
): Promise<ChildServer> {
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  createInterface({ input: child.stderr }).on('line', (l) => progress(`${label}: ${l}`));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let peak = 0;
  const sampler = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) / 1024);
    } catch {
      // exited, or no /proc
    }
  }, 500);
  exited.then(
    () => clearInterval(sampler),
    () => clearInterval(sampler),
  );
  const stop = async (graceMs = 30_000): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    clearInterval(sampler);
  };
  try {
    const url = await new Promise<string>((found, failed) => {
      const timer = setTimeout(() => failed(new Error(`${label}: no URL within ${timeoutMs} ms`)), timeoutMs);
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (l) => {
        const u = urlOf(l);
        if (u !== undefined) {
          clearTimeout(timer);
          found(u);
        } else progress(`${label}: ${l}`);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        failed(new Error(`${label}: exited (${signal ?? code}) before it was listening`));
      });
    });
    return { url, child, peakRssMib: () => Math.round(peak), stop };
  } catch (error) {
    await stop(2000);
    throw error;
  }
}
