import type { KeyObject } from 'node:crypto';
import type { ChartView } from '../../chart/chartView.js';
import { clinicalSchema } from '../../clinical/clinicalSchema.js';
import { isChartlogError, type ChartlogError } from '../../error/chartlogError.js';
import {
  verifyEventLog,
  type VerifyProblem,
  type VerifyProgress,
  type VerifyReport,
} from '../../store/tools/index.js';
import { EXIT } from '../exitCodes.js';
import { out, outJson, requiredOption, stringOption, wantsJson, type CliCommand } from '../cliCommand.js';
import { openStoreFile } from '../openStoreFile.js';
import { readPeersConfig } from '../peersConfig.js';
import { createProgressReporter, type ProgressReporter } from '../progressReporter.js';
import { readStoreProjection } from '../readStoreProjection.js';
import { countOf } from '../countOf.js';
import { storeOption } from '../siteOptions.js';

/** A store without a current projection: what verify reports instead of checking it. */
interface StaleProjection {
  readonly status: 'stale';
  readonly code: ChartlogError['code'];
  readonly message: string;
}

/** `chartlog verify`: hash chains, row hashes, signatures and the persisted projection of a whole store. */
export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'check a store: hash chains, row hashes, signatures, projection; exit 1 with a report if damaged',
  description: [
    "Reads the whole store read-only, in pages: each site's events are contiguous from 1, each",
    "prev is the previous event's hash, every row re-hashes to what was stored, heads and the",
    'count add up, and, for every site in the --keys file (the peers file format; list your own',
    'site there too), every signature verifies. Signed events of sites without a key are',
    'counted as unchecked. Then the persisted projection (what status, conflicts and a replica',
    "read): each record's events are folded, one record at a time, and must give the projection's",
    'state hash, and all of them its replica hash; a projection row that fails its own hash check',
    'is damage too (chartlog replay --store FILE rebuilds it). A projection missing or out of date',
    '(a store written by an older chartlog) is a warning: nothing is lost, and the next writer',
    'or replay folds it; --require-projection makes it a failure. If the store was written during',
    'the check (serve running), the projection check is inconclusive and says so.',
    'Progress goes to stderr. Exit 0 clean, 1 with the problems listed.',
  ],
  options: {
    store: storeOption(),
    keys: {
      type: 'string',
      valueName: 'PEERS.json',
      description: 'public keys to check signatures with',
      defaultValue: 'signatures not checked',
    },
    'require-projection': {
      type: 'boolean',
      description: 'fail (exit 1) when the projection is missing or out of date',
    },
  },
  examples: [
    'chartlog verify --store practice-a.chartlog --keys peers.json',
    'chartlog verify --store practice-a.chartlog --require-projection --json 2>/dev/null',
  ],
  async run(values) {
    const keysFile = stringOption(values, 'keys');
    const keys: Map<string, KeyObject> =
      keysFile !== undefined ? readPeersConfig(keysFile).keys() : new Map();
    const path = requiredOption(values, 'store');
    const store = await openStoreFile(path, 'read');
    let report: VerifyReport;
    let stale: StaleProjection | undefined;
    try {
      let projection: ChartView | undefined;
      try {
        projection = await readStoreProjection(store, clinicalSchema);
      } catch (error) {
        if (!isChartlogError(error) || error.code !== 'PROJECTION_STALE') throw error;
        stale = { status: 'stale', code: error.code, message: error.message };
      }
      const progress = phasedProgress();
      report = await verifyEventLog(store, {
        keys,
        onProgress: progress.update,
        ...(projection !== undefined ? { projection } : {}),
      });
      progress.done();
    } finally {
      await store.close();
    }
    const ok = report.ok && (stale === undefined || values['require-projection'] !== true);
    const full = { ...report, ok, ...(stale !== undefined ? { projection: stale } : {}) };
    if (wantsJson(values)) outJson(full);
    else {
      const held = `${countOf(report.events, 'event')} from ${countOf(report.sites.length, 'site')}`;
      const noKeys = keysFile === undefined ? ' (no --keys given)' : '';
      const signatures = `${countOf(report.signatures.verified, 'signature')} verified, ${report.signatures.unchecked} unchecked${noKeys}`;
      out(`${ok ? 'ok' : 'DAMAGED'}: ${held}; ${signatures}`);
      if (stale !== undefined)
        out(
          `  projection missing or out of date${values['require-projection'] === true ? '' : ' (a warning)'}: ${stale.message}`,
        );
      else if (report.projection?.status === 'checked') {
        const { streams, projectedHash, problemCount } = report.projection;
        const wrong = problemCount > 0 ? `, ${problemCount} wrong` : '';
        out(
          `  projection: ${countOf(streams, 'record')} folded and compared, replica hash ${projectedHash}${wrong}`,
        );
      } else if (report.projection?.status === 'unsettled')
        out(`  projection not checked: ${report.projection.message}`);
      for (const p of report.problems) out(`  ${describeProblem(p)}`);
      if (report.problemCount > report.problems.length)
        out(`  … and ${report.problemCount - report.problems.length} more`);
    }
    return ok ? EXIT.ok : EXIT.problems;
  },
};

/** One problem verify found, on one line: its kind, where (site, seq, stream, as known), then what. */
function describeProblem(p: VerifyProblem): string {
  const site = p.site !== undefined ? ` ${p.site}` : '';
  const seq = p.seq !== undefined ? `#${p.seq}` : '';
  const stream = p.stream !== undefined ? ` ${p.stream}` : '';
  return `${p.kind}${site}${seq}${stream}: ${p.message}`;
}

/** Progress on stderr, one reporter per phase of the check (the events, then the projection). */
function phasedProgress(): { update: (p: VerifyProgress) => void; done: () => void } {
  let phase: VerifyProgress['phase'] | undefined;
  let reporter: ProgressReporter | undefined;
  return {
    update(p) {
      if (p.phase !== phase) {
        reporter?.done();
        phase = p.phase;
        reporter = createProgressReporter(
          p.phase === 'events' ? 'verify events' : 'verify projection',
          p.total,
          process.stderr,
        );
      }
      reporter?.update(p.checked);
    },
    done: () => reporter?.done(),
  };
}
