import { isChartlogError } from '../error/chartlogError.js';

/**
 * The `chartlog` CLI's exit codes. Stable: scripts may branch on them.
 *
 * - 0: ok
 * - 1: the command ran and found problems: verify found damage, sync did not converge or events were
 *   refused, a peer was unreachable in `status`, import-fhir refused part of its input
 * - 2: usage or configuration error: unknown option, missing value, unreadable key, certificate, peers or
 *   FHIR input file, the FHIR validator not installed, a `--peer` that is not a URL, an address `serve`
 *   cannot listen on, a machine clock outside what a stamp can hold (`CLOCK_OUT_OF_RANGE`)
 * - 3: store error: the store file is missing, a directory, locked, read-only, corrupt, incompatible, full…
 *   (`STORE_*`), or its projection is missing or out of date for a read-only command (`PROJECTION_STALE`: run
 *   `chartlog replay`)
 * - 4: sync error: a peer refused our token, failed the TLS check (`SYNC_TLS_FAILED`: its certificate is
 *   not the trusted one, or it refused ours), timed out, or answered outside the protocol (`SYNC_*`,
 *   `MALFORMED_MESSAGE`, `REPLICA_RECOVERING`)
 * - 5: unexpected internal error (a bug: please report it)
 */
export const EXIT = {
  ok: 0,
  problems: 1,
  usage: 2,
  store: 3,
  sync: 4,
  internal: 5,
} as const;

/** One of {@link EXIT}'s values. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The help text's exit code table, shared by every command. */
export const EXIT_CODES_HELP = [
  '0  ok',
  '1  problems found (verify found damage, sync not converged or events refused, a peer unreachable, FHIR input refused)',
  '2  usage or configuration error (bad option, id or URL, unreadable key, certificate, peers or FHIR input file, ' +
    'cannot listen, clock out of range)',
  '3  store error (STORE_* codes: missing, a directory, locked, read-only, corrupt, incompatible, full; ' +
    'PROJECTION_STALE: run chartlog replay)',
  '4  sync error (SYNC_* codes incl. SYNC_TLS_FAILED, MALFORMED_MESSAGE, REPLICA_RECOVERING)',
  '5  unexpected internal error',
];

/** The exit code for a thrown error, from its ChartlogError code. */
export function exitCodeOf(error: unknown): ExitCode {
  if (!isChartlogError(error)) return EXIT.internal;
  const code = error.code;
  // A stale projection is the store file's state, mended by `chartlog replay`, like its other problems.
  if (code.startsWith('STORE_') || code === 'PROJECTION_STALE') return EXIT.store;
  if (code.startsWith('SYNC_') || code === 'MALFORMED_MESSAGE' || code === 'REPLICA_RECOVERING')
    return EXIT.sync;
  // A wall clock outside 1970–9999 is the machine's configuration, not a bug of ours.
  // An input file that cannot be read, or a FHIR validator that is not installed, is the operator's to fix.
  if (
    code === 'INVALID_OPTION' ||
    code === 'INVALID_ID' ||
    code === 'NOT_FOUND' ||
    code === 'CLOCK_OUT_OF_RANGE' ||
    code === 'FHIR_INPUT_UNREADABLE' ||
    code === 'FHIR_VALIDATOR_UNAVAILABLE'
  )
    return EXIT.usage;
  return EXIT.internal;
}
