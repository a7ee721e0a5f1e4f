/**
 * chartlog: health records as append-only clinical events with conflict-free merge
 * rules. This is the core, small enough to read in one sitting: events and ids, schemas
 * and merge rules, the fold and the chart, the replica, the EventLog port with the memory
 * store and the store tools, the pure sync steps and in-process sync, and the errors. It is
 * pure and synchronous where it can be, and loads no storage driver.
 *
 * The other entries (docs/architecture.md, "Public API tiers"):
 * - `chartlog/clinical`: the primary-care schema pack (FHIR R4-aligned commands and readers);
 * - `chartlog/fhir`: FHIR R4 resources, import/export and the REST handler;
 * - `chartlog/sqlite`, `chartlog/eventstoredb`: stores; `chartlog/http`: sync over HTTP;
 * - `chartlog/adapter`: for authors of stores and transports (`planAppend`, the wire
 *   encoding, and the EventLog conformance suite every store must pass);
 * - `chartlog/testing`: fast-check arbitraries, convergence and rule-law checks.
 *
 * Everything else under `src/` is internal and may change in any release.
 */

// Errors
export { ChartlogError, isChartlogError, formatPath } from './error/chartlogError.js';
export type {
  AnyChartlogError,
  ChartlogErrorCode,
  ChartlogErrorDetails,
  ChartlogErrorDetailsByCode,
  ChartlogErrorOptions,
  IssueCode,
  IssueSeverity,
  ValidationIssue,
  ValidationIssueInput,
} from './error/chartlogError.js';
export type { ChartlogErrorOptionsArg } from './error/chartlogError.js';
// The details each error code carries (ChartlogErrorDetailsByCode), by the parts codes share.
export type {
  NoDetails,
  StoreFailureDetails,
  StoreActionDetails,
  AppendRefusalDetails,
  SiteRunDetails,
  HttpExchangeDetails,
  HttpAnswerDetails,
  RefusedExampleDetails,
  InvalidOptionDetails,
  IdKind,
  SyncTransportDetails,
} from './error/chartlogErrorDetails.js';

// The event: ids, clock, envelope, writer, signatures
export { siteId, streamId, isSiteId, isStreamId } from './event/ids.js';
export type { SiteId, StreamId, EventId, EventHash } from './event/ids.js';
export { eventIdOf } from './event/eventId.js';
export type { EventWithoutId } from './event/eventId.js';
export { compareHlc } from './event/hlc.js';
export type { Hlc } from './event/hlc.js';
export { createHybridClock } from './event/hybridClock.js';
export type { HybridClock, HybridClockOptions, ClockObservation } from './event/hybridClock.js';
export type { Json, JsonObject } from './event/json.js';
export { compareEvents } from './event/chartEvent.js';
export type { ChartEvent, Author, EventData, EventPred, UnsignedEvent } from './event/chartEvent.js';
export { eventHash } from './event/eventHash.js';
export type { EncodingHandover, EncodedEvent } from './event/encodingHandover.js';
export { validateEvent } from './event/validateEvent.js';
export type { ValidateEventOptions } from './event/validateEvent.js';
export { createEventWriter } from './event/eventWriter.js';
export type { EventWriter, EventWriterOptions, EventDraft, SiteHead } from './event/eventWriter.js';
export {
  generateSiteKeys,
  signEvent,
  verifyEventSignature,
  exportPublicKey,
  exportPrivateKey,
  importPublicKey,
  importPrivateKey,
} from './event/signature.js';
export type { SiteKeys } from './event/signature.js';

// Merge rules and schemas
export { lww } from './merge/lww.js';
export { mv } from './merge/mv.js';
export { once } from './merge/once.js';
export { max, min } from './merge/extremum.js';
export { orSet } from './merge/orSet.js';
export { log } from './merge/log.js';
export type { BuiltinRuleName } from './merge/builtinRules.js';
export type { MergeRule, RuleLaw, FieldState, WriteRef } from './merge/mergeRule.js';
export type { RegisterState } from './merge/registerState.js';
export type { OnceState } from './merge/once.js';
export type { ExtremumState } from './merge/extremum.js';
export type { OrSetState, SetOp, SetAdd } from './merge/orSet.js';
export type { LogState } from './merge/log.js';
export { defineSchema, RETRACTION_EVENT, CONFLICT_RESOLUTION_EVENT } from './merge/schema.js';
export type {
  Schema,
  SchemaDefinition,
  ResourceDefinition,
  FieldDefinition,
  EventTypeDefinition,
  ResolvedField,
  AnyMergeRule,
  EventTypeOf,
  ResourceTypeOf,
  EventResourcesOf,
} from './merge/schema.js';

// The fold, the chart and what is read from it
export type { StreamState, ResourceState } from './chart/streamState.js';
export { fold, foldStream } from './chart/foldStream.js';
export { createChart } from './chart/chart.js';
export type { Chart, ChartOptions, ApplyReport } from './chart/chart.js';
export type { ChartView, LocatedResource, ResourceKeysOptions } from './chart/chartView.js';
export type { EventKey } from './chart/eventKey.js';
export { stateHash } from './chart/stateHash.js';
export { listConflicts, readConflicts } from './chart/conflicts.js';
export type {
  Conflict,
  ConflictingWrite,
  ConflictPosition,
  ListConflictsOptions,
} from './chart/conflicts.js';
export { history, historyOf } from './chart/history.js';
export type { HistoryEntry, HistoryStatus } from './chart/history.js';
export {
  prepareWrite,
  prepareConflictResolution,
  prepareRetraction,
  recordWrite,
} from './chart/prepareWrite.js';
export type { WriteRequest } from './chart/prepareWrite.js';

// Stores: the port, the in-memory store and the store tools (no driver needed).
// SQLite and EventStoreDB live behind `chartlog/sqlite` and `chartlog/eventstoredb`,
// what a store author needs behind `chartlog/adapter`.
export type { EventLog, AppendOptions, AppendResult, EventPage, VersionVector } from './store/eventLog.js';
export type {
  StoreProjection,
  StoreProjectionOptions,
  StoreRebuildOptions,
  RebuildParallelism,
  SchemaModule,
  ProjectionProgress,
  ProjectionOpening,
  ProjectionRebuild,
} from './store/storeProjection.js';
export { createMemoryEventLog } from './store/memory/index.js';
export type { MemoryEventLog, MemoryEventLogOptions } from './store/memory/index.js';
export { verifyEventLog, verifyProjection, exportNdjson, importNdjson } from './store/tools/index.js';
export type {
  VerifiedProjection,
  VerifyEventLogOptions,
  VerifyProblem,
  VerifyProblemKind,
  VerifyProgress,
  VerifyReport,
  ProjectionVerifyReport,
  VerifyProjectionOptions,
  ExportNdjsonOptions,
  ExportProgress,
  ImportNdjsonOptions,
  ImportProgress,
} from './store/tools/index.js';

// Replication: version vectors, the pure sync steps, in-process sync, the replica
export { compareVersionVectors, vectorsEqual, vectorCovers } from './sync/versionVector.js';
export type { VectorOrder, SiteRange } from './sync/versionVector.js';
export { SYNC_PROTOCOL_VERSION } from './sync/syncMessage.js';
export type { SyncMessage } from './sync/syncMessage.js';
export { initSyncState, restoreSyncState } from './sync/syncState.js';
export type { InitSyncStateOptions, SyncState } from './sync/syncState.js';
export { generateSyncMessage } from './sync/generateSyncMessage.js';
export type { SyncOptions, SyncSource } from './sync/generateSyncMessage.js';
export { receiveSyncMessage } from './sync/receiveSyncMessage.js';
export type { ReceivedSync } from './sync/receiveSyncMessage.js';
export { syncPair, syncReplicas } from './sync/inProcess.js';
export type {
  SyncEndpoint,
  SyncLink,
  SyncPairOptions,
  SyncReplicasOptions,
  SyncReport,
  SyncRefusal,
} from './sync/inProcess.js';
// One sync loop over any transport: a channel carries a message to the far end and its reply back.
export { syncOverChannel } from './sync/syncOverChannel.js';
export type { SyncOverChannelOptions } from './sync/syncOverChannel.js';
export type { SyncChannel, SyncChannelReply } from './sync/syncChannel.js';
export type { SyncChannelReport, SyncIngestCounts } from './sync/syncReport.js';
export { createInProcessChannel } from './sync/inProcessChannel.js';
export type { InProcessChannelOptions } from './sync/inProcessChannel.js';
export { syncWithHub } from './sync/syncWithHub.js';
export type { SyncWithHubOptions, HubSyncReport } from './sync/syncWithHub.js';
// The refusal codes ingest reports come from the error codes behind them, by one table.
export { REFUSAL_CODE_BY_ERROR_CODE, ERROR_CODE_BY_REFUSAL_CODE } from './sync/refusalCode.js';
export type { RefusalErrorCode } from './sync/refusalCode.js';
export type {
  IngestReport,
  IngestRefusal,
  RefusalCode,
  RefusalReason,
  RefusalSummary,
  SkewReport,
} from './sync/ingestReport.js';
export { createReplica } from './replica/replica.js';
export type { Replica, ReplicaOptions, ReplicaStatus } from './replica/replica.js';
export type { RecoveryReason, ReplicaRecovery } from './replica/recoveryGuard.js';
export { createKeyring } from './replica/keyring.js';
export type { Keyring, PublicKeyInput } from './replica/keyring.js';
export type { ForkSummary } from './replica/forkMarker.js';
export type { QuarantinedFork } from './replica/forkQuarantine.js';
