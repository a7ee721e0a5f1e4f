import { DEFAULT_MAX_BODY_BYTES } from '../sync/http/ndjsonLines.js';
import { DEFAULT_MAX_CONCURRENT_PER_PEER } from '../sync/http/peerConcurrency.js';
import { DEFAULT_MAX_SESSIONS_PER_PEER } from '../sync/http/peerSessions.js';
import { DEFAULT_MAX_MESSAGE_EVENTS } from '../sync/http/syncMessageNdjson.js';
import type { SyncHandlerOptions } from '../sync/http/createSyncHandler.js';
import { DEFAULT_MAX_REFUSAL_EXAMPLES } from '../sync/refusalCollector.js';
import { integerOption, type CliOption, type CliValues } from './cliCommand.js';

const MIB = 1024 * 1024;

/** `chartlog serve`'s options bounding what one peer can make the server hold (THREAT_MODEL.md). */
export const SERVE_LIMIT_OPTIONS: Readonly<Record<string, CliOption>> = {
  'max-body-mib': {
    type: 'string',
    valueName: 'MIB',
    description: 'largest sync request body, in MiB (larger: 413)',
    defaultValue: String(DEFAULT_MAX_BODY_BYTES / MIB),
  },
  'max-message-events': {
    type: 'string',
    valueName: 'N',
    description: 'most events in one sync request (more: 413; lines that cannot be events are only counted)',
    defaultValue: String(DEFAULT_MAX_MESSAGE_EVENTS),
  },
  'max-requests-per-peer': {
    type: 'string',
    valueName: 'N',
    description: 'most requests in progress per peer (one more: 429 with Retry-After)',
    defaultValue: String(DEFAULT_MAX_CONCURRENT_PER_PEER),
  },
  'max-sessions-per-peer': {
    type: 'string',
    valueName: 'N',
    description: 'sync sessions kept in memory per peer (its oldest is dropped, costing it a round trip)',
    defaultValue: String(DEFAULT_MAX_SESSIONS_PER_PEER),
  },
  'max-refusal-examples': {
    type: 'string',
    valueName: 'N',
    description: 'refused events listed as examples in a sync answer (all are counted)',
    defaultValue: String(DEFAULT_MAX_REFUSAL_EXAMPLES),
  },
};

/** The handler limits of a `serve` invocation's {@link SERVE_LIMIT_OPTIONS}. */
export type ServeLimits = Pick<
  SyncHandlerOptions,
  | 'maxRequestBytes'
  | 'maxMessageEvents'
  | 'maxConcurrentPerPeer'
  | 'maxSessionsPerPeer'
  | 'maxRefusalExamples'
>;

/**
 * Reads the {@link SERVE_LIMIT_OPTIONS}, defaults filled in.
 *
 * @throws ChartlogError `INVALID_OPTION` (exit 2) for a value that is not a whole number in range.
 * @example
 * ```ts
 * const handler = createSyncHandler(replica, { peers, ...readServeLimits(values) });
 * ```
 */
export function readServeLimits(values: CliValues): ServeLimits {
  return {
    maxRequestBytes: integerOption(values, 'max-body-mib', DEFAULT_MAX_BODY_BYTES / MIB, 1, 4096) * MIB,
    maxMessageEvents: integerOption(values, 'max-message-events', DEFAULT_MAX_MESSAGE_EVENTS),
    maxConcurrentPerPeer: integerOption(values, 'max-requests-per-peer', DEFAULT_MAX_CONCURRENT_PER_PEER),
    maxSessionsPerPeer: integerOption(values, 'max-sessions-per-peer', DEFAULT_MAX_SESSIONS_PER_PEER),
    maxRefusalExamples: integerOption(
      values,
      'max-refusal-examples',
      DEFAULT_MAX_REFUSAL_EXAMPLES,
      0,
      10_000,
    ),
  };
}
