import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  PHASE_PREFIX,
  RESULT_PREFIX,
  START_PREFIX,
  type PhaseReport,
  type WorkerJob,
  type WorkerResult,
} from './workerProtocol.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Limits on one worker process; past either, it is killed. */
export interface WorkerBudget {
  /** Wall-clock seconds for the whole process. */
  readonly seconds: number;
  /** Resident set size, MiB (sampled from /proc every 200 ms). */
  readonly rssMb: number;
}

/** A worker that finished, or one that was stopped, with what it had reported by then. */
export type WorkerOutcome =
  | { readonly ok: true; readonly result: WorkerResult }
  | {
      readonly ok: false;
      /** `time` / `memory`: over budget and killed; `crash`: exited without a result. */
      readonly reason: 'time' | 'memory' | 'crash';
      readonly detail: string;
      /** Phases that finished. */
      readonly phases: readonly PhaseReport[];
      /** The phase under way when it stopped, and a lower bound on its time so far (from when its start was reported). */
      readonly running?: { readonly phase: string; readonly atLeastS: number };
      /** Largest RSS seen by sampling, MiB. */
      readonly observedRssMb: number;
    };

/**
 * Runs `worker.ts` on a job in a child process (`node --expose-gc --import tsx`), one at a
 * time (the systems must not compete for the machine's cores), and watches its time and
 * memory. The worker's stderr goes to ours.
 */
export function runWorker(
  job: WorkerJob,
  budget: WorkerBudget,
  onPhase?: (phase: PhaseReport) => void,
): Promise<WorkerOutcome> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', join(here, 'worker.ts'), JSON.stringify(job)],
      {
        cwd: join(here, '..', '..'),
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const started = performance.now();
    const phases: PhaseReport[] = [];
    let running: { phase: string; since: number } | undefined;
    let result: WorkerResult | undefined;
    let killedFor: 'time' | 'memory' | undefined;
    let observedRssMb = 0;
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith(START_PREFIX))
          running = { phase: line.slice(START_PREFIX.length), since: performance.now() };
        else if (line.startsWith(PHASE_PREFIX)) {
          const phase = JSON.parse(line.slice(PHASE_PREFIX.length)) as PhaseReport;
          phases.push(phase);
          running = undefined;
          onPhase?.(phase);
        } else if (line.startsWith(RESULT_PREFIX))
          result = JSON.parse(line.slice(RESULT_PREFIX.length)) as WorkerResult;
        else if (line.trim() !== '') process.stderr.write(`  [${job.system}] ${line}\n`);
      }
    });
    const watch = setInterval(() => {
      const rss = rssOf(child.pid);
      if (rss > observedRssMb) observedRssMb = rss;
      if (killedFor !== undefined) return;
      if (rss > budget.rssMb) killedFor = 'memory';
      else if ((performance.now() - started) / 1000 > budget.seconds) killedFor = 'time';
      if (killedFor !== undefined) child.kill('SIGKILL');
    }, 200);
    child.on('close', (code, signal) => {
      clearInterval(watch);
      if (result !== undefined && killedFor === undefined) return resolve({ ok: true, result });
      const now = performance.now();
      resolve({
        ok: false,
        reason: killedFor ?? 'crash',
        detail:
          killedFor === 'time'
            ? `over ${budget.seconds} s`
            : killedFor === 'memory'
              ? `over ${budget.rssMb} MiB RSS`
              : `exited with ${signal ?? code}`,
        phases,
        ...(running === undefined
          ? {}
          : { running: { phase: running.phase, atLeastS: (now - running.since) / 1000 } }),
        observedRssMb,
      });
    });
  });
}

/** A process's resident set size in MiB from /proc (0 where there is no /proc). */
function rssOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}
