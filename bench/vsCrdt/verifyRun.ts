import type { PreparedWorkload } from './preparedWorkload.js';
import type { WorkerResult } from './workerProtocol.js';

/**
 * Fails loudly unless a worker did the same work as every other: it generated the same
 * saves (hash), every site converged (equal full digests), no multi-site register shows
 * a value no site wrote last, and every site's logical digest (all fields but the
 * multi-site registers) and field count equal the oracle's.
 *
 * @throws Error saying which check failed, and how to dump the states to diff them.
 */
export function verifyRun(result: WorkerResult, workload: PreparedWorkload): void {
  const where = `${result.system} (N = ${result.perSite}/site)`;
  const fail = (message: string): never => {
    throw new Error(
      `vs-crdt: ${where}: ${message}. Rerun with dump=<dir> to write every site's normalized fields (and the expected ones) as TSV, then diff.`,
    );
  };
  if (result.savesHash !== workload.savesHash)
    fail(`generated saves ${result.savesHash}, the parent ${workload.savesHash}: not the same data`);
  const sites = result.digests;
  if (sites.length !== 3) fail(`digested ${sites.length} sites, not 3`);
  if (new Set(sites.map((d) => d.full)).size !== 1)
    fail(`sites did not converge: full digests ${sites.map((d) => d.full.slice(0, 12)).join(' ')}`);
  sites.forEach((d, i) => {
    if (d.notCandidate > 0)
      fail(
        `site ${i}: ${d.notCandidate} multi-site registers show a value no site wrote last, e.g. ${d.notCandidateExamples.join('; ')}`,
      );
    if (d.fields !== workload.expected.fields)
      fail(`site ${i}: ${d.fields} fields, expected ${workload.expected.fields}`);
    if (d.multiSite !== workload.expected.multiSite)
      fail(`site ${i}: ${d.multiSite} multi-site registers, expected ${workload.expected.multiSite}`);
    if (d.logical !== workload.expected.logical)
      fail(
        `site ${i}: logical digest ${d.logical.slice(0, 12)} ≠ expected ${workload.expected.logical.slice(0, 12)}: some value differs`,
      );
  });
}
