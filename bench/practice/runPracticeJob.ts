/**
 * Runs one practice-worker measurement (bench/practice/practiceWorker.ts) in a fresh,
 * bounded process: shared by the practice, rebuild and scale benchmarks.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { progress } from '../emit.js';
import { BUILT_TSCONFIG, builtPackage } from './builtPackage.js';
import { RESULT_PREFIX, type PracticeJob, type PracticeResult } from './practiceJob.js';
import { runBounded, type BoundedRun, type Bounds } from './runBounded.js';

/** How the worker ended, and its result when it printed one (undefined when killed or failed). */
export interface PracticeJobRun {
  readonly run: BoundedRun;
  readonly result: PracticeResult | undefined;
}

/**
 * Spawns `node --max-old-space-size=<cap> --import tsx bench/practice/practiceWorker.ts <job>`
 * under `bounds`, then empties `job.scratchDir` (a killed worker leaves its copies of the
 * store behind). `label` prefixes its progress lines. The worker runs the built package
 * (`dist/`, built first when stale; {@link BUILT_TSCONFIG}), as a user's process does.
 */
export async function runPracticeJob(
  label: string,
  job: PracticeJob,
  bounds: Bounds,
): Promise<PracticeJobRun> {
  builtPackage();
  progress(`${label}: ${job.kind}…`);
  const run = await runBounded(
    `${label} ${job.kind}`,
    [
      `--max-old-space-size=${bounds.heapMib ?? bounds.rssCapMib}`,
      '--import',
      'tsx',
      'bench/practice/practiceWorker.ts',
      JSON.stringify(job),
    ],
    bounds,
    { TSX_TSCONFIG_PATH: BUILT_TSCONFIG },
  );
  rmSync(job.scratchDir, { recursive: true, force: true });
  mkdirSync(job.scratchDir, { recursive: true });
  const line = run.stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  const ok = run.exceeded === undefined && run.exit === 0 && line !== undefined;
  return { run, result: ok ? (JSON.parse(line.slice(RESULT_PREFIX.length)) as PracticeResult) : undefined };
}
