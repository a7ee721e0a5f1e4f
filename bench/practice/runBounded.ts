/**
 * Runs a child process under a time budget and an RSS cap, for the practice benchmark:
 * today's code may take hours or tens of GiB on a practice-sized store, and the machine
 * is shared. Linux only (/proc).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { progress } from '../emit.js';
import { STAGE_PREFIX } from './practiceJob.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Limits for one child. */
export interface Bounds {
  readonly budgetS: number;
  readonly rssCapMib: number;
  /**
   * V8's old-space limit for the child (`--max-old-space-size`), as a deployment would set
   * it: V8 collects lazily up to its limit, so RSS says as much about this setting as about
   * what is live. Undefined: the RSS cap (the child is killed before V8 would give up).
   */
  readonly heapMib?: number | undefined;
}

/** How a bounded child ended. */
export interface BoundedRun {
  /** Wall time from spawn to exit, s. */
  readonly wallS: number;
  /** Peak RSS seen (the kernel's VmHWM, sampled every 100 ms), MiB. */
  readonly peakRssMib: number;
  /** Set when the child was killed for passing a bound. */
  readonly exceeded?: 'time' | 'rss';
  /** The exit code, or the signal that ended it. */
  readonly exit: number | string;
  readonly stdout: string;
  /** The last stage line (or, without any, the last stderr line): how far it got. */
  readonly reached: string;
}

function statusMib(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined; // already gone
  }
}

/**
 * Spawns `node <args>` in the project root, with `env` added to this process's
 * environment, and kills it (SIGKILL) when it runs past `budgetS` or its RSS passes
 * `rssCapMib`. Its stderr is passed on, prefixed with `label`.
 */
export function runBounded(
  label: string,
  args: readonly string[],
  bounds: Bounds,
  env: Readonly<Record<string, string>> = {},
): Promise<BoundedRun> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = child.pid as number;
    let stdout = '';
    let reached = 'started';
    let stderrTail = '';
    let exceeded: 'time' | 'rss' | undefined;
    let peak = 0;
    let lastShown = started;
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
      for (const line of s.split('\n')) {
        if (!line.startsWith(STAGE_PREFIX)) continue;
        reached = line.slice(STAGE_PREFIX.length);
        // A slow measurement says how far it is, every 10 s at most.
        if (performance.now() - lastShown > 10_000) {
          lastShown = performance.now();
          progress(`  [${label}] ${reached}`);
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      for (const line of s.split(/[\r\n]/)) {
        if (line.trim() === '') continue;
        stderrTail = line.trim();
        progress(`  [${label}] ${stderrTail}`);
      }
    });
    const kill = (why: 'time' | 'rss'): void => {
      if (exceeded !== undefined) return;
      exceeded = why;
      progress(
        `  [${label}] ${why === 'time' ? `past the ${bounds.budgetS} s budget` : `RSS past the ${bounds.rssCapMib} MiB cap`}: killing pid ${pid} (${reached})`,
      );
      child.kill('SIGKILL');
    };
    const sampler = setInterval(() => {
      peak = Math.max(peak, statusMib(pid, 'VmHWM') ?? 0);
      if ((statusMib(pid, 'VmRSS') ?? 0) > bounds.rssCapMib) kill('rss');
    }, 100);
    const timer = setTimeout(() => kill('time'), bounds.budgetS * 1000);
    child.on('close', (code, signal) => {
      clearInterval(sampler);
      clearTimeout(timer);
      if (reached === 'started' && stderrTail !== '') reached = stderrTail;
      resolve({
        wallS: (performance.now() - started) / 1000,
        peakRssMib: Math.round(peak * 10) / 10,
        exit: code ?? String(signal),
        stdout,
        reached,
        ...(exceeded !== undefined ? { exceeded } : {}),
      });
    });
  });
}
