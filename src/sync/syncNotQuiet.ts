import { ChartlogError } from '../error/chartlogError.js';
import type { SyncTransportDetails } from '../error/chartlogErrorDetails.js';
import type { SyncReport } from './syncReport.js';

/**
 * The error of a sync still talking at its bound: `SYNC_NOT_QUIET`, saying how far it got
 * (`details`: `rounds`, `messages`, `accepted`, `duplicates`, `refusedCount`, the first 10
 * `refused`, and `extra`). Two ends that never go quiet are a bug or a hostile peer, never
 * a reason to loop forever.
 *
 * @example
 * ```ts
 * throw syncNotQuiet('practice-a and hospital', 1000, report, { url });
 * ```
 */
export function syncNotQuiet(
  between: string,
  rounds: number,
  report: SyncReport,
  extra: SyncTransportDetails = {},
): ChartlogError {
  return new ChartlogError(
    'SYNC_NOT_QUIET',
    `${between} still syncing after ${rounds} rounds (${report.messages} messages, ${report.accepted} ` +
      `events accepted, ${report.refused.count} refusals)`,
    {
      details: {
        ...extra,
        rounds,
        messages: report.messages,
        accepted: report.accepted,
        duplicates: report.duplicates,
        refusedCount: report.refused.count,
        refused: report.refused.examples.slice(0, 10),
      },
    },
  );
}
