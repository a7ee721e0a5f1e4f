/**
 * `chartlog/adapter`: for authors of stores and transports (docs/architecture.md, "Public API
 * tiers"). A store implements the {@link EventLog} port by calling {@link planAppend}, which
 * makes every check the port promises (envelope, id, gap, chain, duplicate, fork) in one
 * place, and proves it by passing {@link describeEventLogConformance}, the suite chartlog's
 * memory, SQLite and EventStoreDB stores pass. A transport carries sync messages as the
 * NDJSON lines {@link syncMessageLines} writes and {@link decodeSyncMessageText} reads.
 *
 * The conformance suite imports no test runner: pass your runner's `describe`, `it` and
 * `after` (vitest and jest: `afterAll`); it asserts with `node:assert`.
 *
 * @example
 * ```ts
 * import { afterAll, describe, it } from 'vitest';
 * import { describeEventLogConformance } from 'chartlog/adapter';
 *
 * describeEventLogConformance('my store', { open: async () => openMyStore() }, { describe, it, after: afterAll });
 * ```
 */

// The port, repeated here for store authors
export type { EventLog, AppendOptions, AppendResult, EventPage, VersionVector } from '../store/eventLog.js';

// One check for every append
export { planAppend, takenPositions } from '../store/checkAppend.js';
export type {
  AppendPlan,
  AppendView,
  PlannedEvent,
  PlanAppendOptions,
  SignatureUpdate,
  StoredRef,
} from '../store/checkAppend.js';
export { MARKER_NAME_PATTERN } from '../store/markerName.js';
export { readEventPages, readAllEvents } from '../store/readEventPages.js';
export type { ReadEventPagesOptions } from '../store/readEventPages.js';

// Canonical encoding: what a store saves and hashes
export { canonicalJson } from '../event/canonicalJson.js';
export { encodeEvent } from '../event/eventHash.js';
export { createEncodingHandover } from '../event/encodingHandover.js';
export type { EncodingHandover, EncodingHandoverOptions, EncodedEvent } from '../event/encodingHandover.js';
export { assertChartEvent, DEFAULT_MAX_EVENT_BYTES } from '../event/validateEvent.js';

// The conformance suite
export { describeEventLogConformance } from '../store/conformance/eventLogConformance.js';
export type { ConformanceTestApi, EventLogFactory } from '../store/conformance/conformanceContext.js';

// The wire: sync messages as NDJSON lines, for transports
export { SYNC_PROTOCOL_VERSION, parseSyncMessage, encodeSyncMessage } from '../sync/syncMessage.js';
export type { SyncMessage } from '../sync/syncMessage.js';
export { encodeWireEvent, decodeWireEvent } from '../event/wireEvent.js';
export { syncMessageLines, decodeSyncMessageText } from '../sync/wireMessage.js';
