/**
 * Runs one {@link ScaleJob} in a fresh `node --expose-gc --import tsx` process and
 * returns its result line.
 */
import { spawn } from 'node:child_process';
import { totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESULT_PREFIX, type ScaleJob, type WorkerResult } from './scaleJob.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/** Old-space limit for workers: 80% of physical memory (the 1M-event sync holds three full replicas). */
export const WORKER_HEAP_MB = Math.floor((totalmem() / 1048576) * 0.8);

/**
 * Spawns the worker with the job as its argument; its stderr (progress) passes through.
 *
 * @throws Error when the worker exits non-zero or prints no result line.
 */
export function runWorker(job: ScaleJob): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        `--max-old-space-size=${WORKER_HEAP_MB}`,
        '--import',
        'tsx',
        join(here, 'scaleWorker.ts'),
        JSON.stringify(job),
      ],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || line === undefined)
        reject(new Error(`scale worker ${JSON.stringify(job)} failed: exit ${code ?? signal}`));
      else resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as WorkerResult);
    });
  });
}
