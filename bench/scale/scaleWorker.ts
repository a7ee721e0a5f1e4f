/**
 * One scale measurement in a process of its own, so one size's heap and peak RSS are its
 * own: `node --expose-gc --import tsx bench/scale/scaleWorker.ts '<ScaleJob JSON>'`.
 * Prints one {@link RESULT_PREFIX} line on stdout; progress goes to stderr.
 */
import { measureRebuild } from './measureRebuild.js';
import { measureSync } from './measureSync.js';
import { RESULT_PREFIX, type ScaleJob, type WorkerResult } from './scaleJob.js';

const job = JSON.parse(process.argv[2] ?? '') as ScaleJob;
const result: WorkerResult = job.kind === 'rebuild' ? await measureRebuild(job) : await measureSync(job);
process.stdout.write(RESULT_PREFIX + JSON.stringify(result) + '\n');
