import { createWriteStream, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { generateSaves } from '../workload/primaryCareSaves.js';
import { expectedState, hashSaves } from './expectedState.js';
import { digestFields, type StateDigest } from './logicalDigest.js';

/** One workload size, ready for workers: its hash, its multi-site fields on disk, and the oracle's digest. */
export interface PreparedWorkload {
  readonly perSite: number;
  readonly patients: number;
  readonly seed: number;
  readonly saves: number;
  /** {@link hashSaves}: every worker must report the same. */
  readonly savesHash: string;
  /** File handed to workers (see `WorkerJob.multiSiteFile`). */
  readonly multiSiteFile: string;
  /** What every site of every system must digest to (its `logical` and `fields`). */
  readonly expected: StateDigest;
}

/**
 * Generates the saves once in the parent, works out the expected state
 * ({@link expectedState}), writes the multi-site register fields to `dir` and digests
 * the expectation (dumping it as `expected.tsv` when `dumpDir` is set). The saves are
 * dropped afterwards: each worker generates its own from the seed.
 */
export async function prepareWorkload(options: {
  readonly perSite: number;
  readonly patients: number;
  readonly seed: number;
  readonly dir: string;
  readonly dumpDir?: string;
}): Promise<PreparedWorkload> {
  const saves = generateSaves({
    saves: 3 * options.perSite,
    patients: options.patients,
    concurrency: 0.01,
    seed: options.seed,
  });
  const expectation = expectedState(saves);
  const multiSiteFile = join(options.dir, `multi-site-${options.perSite}.json`);
  writeFileSync(
    multiSiteFile,
    JSON.stringify([...expectation.multiSite].map(([key, candidates]) => [key, [...candidates]])),
  );
  const dump: WriteStream | undefined =
    options.dumpDir === undefined
      ? undefined
      : createWriteStream(join(options.dumpDir, `expected-${options.perSite}.tsv`));
  const expected = digestFields(
    (visit) => expectation.walk(visit),
    expectation.multiSite,
    dump && ((key, value) => dump.write(`${key}\t${value}\n`)),
  );
  if (dump) await new Promise((resolve) => dump.end(resolve));
  return {
    perSite: options.perSite,
    patients: options.patients,
    seed: options.seed,
    saves: saves.length,
    savesHash: hashSaves(saves),
    multiSiteFile,
    expected,
  };
}
