import { ChartlogError, type ValidationIssueInput } from '../error/chartlogError.js';
import type { ChartEvent } from '../event/chartEvent.js';
import { isPlainObject } from '../event/json.js';
import type { VersionVector } from '../store/eventLog.js';
import { isVersionVector } from './versionVector.js';

/** The version of the sync message format; a peer refuses messages of another version. */
export const SYNC_PROTOCOL_VERSION = 1;

/**
 * One sync message (docs/architecture.md, "Replication"), plain JSON so it travels as is (or as NDJSON: the
 * message without `events` on the first line, then one event per line):
 *
 * ```json
 * { "protocol": 1,
 *   "vector": { "practice-a": 120, "hospital": 80 },
 *   "known":  { "practice-a": 100, "hospital": 80, "practice-b": 7 },
 *   "events": [ { "id": "…", "site": "practice-a", "seq": 101, …, "sig": "…" }, … ] }
 * ```
 *
 * - `vector`: the sender's version vector when it sent the message.
 * - `known`: what the sender believes the receiver holds once this message is ingested
 *   (absent in a first message, before the sender has heard the receiver's vector). A
 *   receiver that holds less (a message was lost, or events were refused) answers with its
 *   vector, and the sender resends from there.
 * - `events`: exactly events the receiver lacks, grouped per site in seq order; each
 *   site's run ends at a signed head (an event whose `sig` is the origin's signature).
 *   Events are sent as they are, with no per-event wrapping, so a message costs its
 *   events' canonical size plus their signatures and two small vectors.
 */
export interface SyncMessage {
  /** Always {@link SYNC_PROTOCOL_VERSION}. */
  readonly protocol: typeof SYNC_PROTOCOL_VERSION;
  /** The sender's version vector. */
  readonly vector: VersionVector;
  /** What the sender believes the receiver holds after this message; absent before it has heard from the receiver. */
  readonly known?: VersionVector;
  /** Events the receiver lacks: per-site runs in seq order, each ending at a signed head. Not yet checked: ingest checks them. */
  readonly events: readonly ChartEvent[];
}

/**
 * Checks the shape of a message received from a peer (untrusted JSON) and returns it
 * typed. The events themselves are only checked to be an array: ingest checks each one
 * and refuses what is bad without refusing the rest.
 *
 * @throws ChartlogError `MALFORMED_MESSAGE` with an issue per problem.
 * @example
 * ```ts
 * const message = parseSyncMessage(JSON.parse(body));
 * ```
 */
export function parseSyncMessage(value: unknown): SyncMessage {
  const issues: ValidationIssueInput[] = [];
  if (!isPlainObject(value))
    throw new ChartlogError('MALFORMED_MESSAGE', 'a sync message must be a JSON object', {
      issues: [{ path: [], message: 'not an object' }],
    });
  for (const key of Object.keys(value))
    if (!['protocol', 'vector', 'known', 'events'].includes(key))
      issues.push({ path: [key], message: 'unknown field' });
  if (value['protocol'] !== SYNC_PROTOCOL_VERSION)
    issues.push({ path: ['protocol'], message: `must be ${SYNC_PROTOCOL_VERSION}` });
  if (!isVersionVector(value['vector']))
    issues.push({ path: ['vector'], message: 'must map site ids to non-negative integers' });
  if (value['known'] !== undefined && !isVersionVector(value['known']))
    issues.push({ path: ['known'], message: 'must map site ids to non-negative integers' });
  if (!Array.isArray(value['events'])) issues.push({ path: ['events'], message: 'must be an array' });
  if (issues.length > 0) throw new ChartlogError('MALFORMED_MESSAGE', 'malformed sync message', { issues });
  return value as unknown as SyncMessage;
}

/**
 * Encodes a message as one line of JSON (no trailing newline). Its length in UTF-8
 * bytes is what the message costs on the wire.
 */
export function encodeSyncMessage(message: SyncMessage): string {
  return JSON.stringify(message);
}
