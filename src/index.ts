/**
 * chartlog: health records as append-only clinical events with conflict-free merge
 * rules. This is the core: pure, synchronous, no storage driver loaded.
 * Stores, transports and test helpers live behind subpaths (`chartlog/sqlite`,
 * `chartlog/eventstoredb`, `chartlog/http`, `chartlog/testing`).
 */

// Errors
export { ChartlogError, isChartlogError, formatPath } from './error/chartlogError.js';
export type { ChartlogErrorCode, ChartlogErrorOptions, ValidationIssue } from './error/chartlogError.js';

// The event
export { siteId, streamId, isSiteId, isStreamId, isEventId, isEventHash, SITE_ID_PATTERN, STREAM_ID_PATTERN } from './event/ids.js';
export type { SiteId, StreamId, EventId, EventHash } from './event/ids.js';
export { formatHlc, parseHlc, isHlc, compareHlc, HLC_MAX_COUNTER } from './event/hlc.js';
export type { Hlc, HlcParts } from './event/hlc.js';
export { createHybridClock } from './event/hybridClock.js';
export type { HybridClock, HybridClockOptions, ClockObservation } from './event/hybridClock.js';
export { checkJson, isPlainObject } from './event/json.js';
export type { Json, JsonObject } from './event/json.js';
export { canonicalJson } from './event/canonicalJson.js';
export { compareEvents } from './event/chartEvent.js';
export type { ChartEvent, Author, EventData, EventPred, UnsignedEvent } from './event/chartEvent.js';
export { encodeEvent, eventHash } from './event/eventHash.js';
export { validateEvent, assertChartEvent, DEFAULT_MAX_EVENT_BYTES, EVENT_TYPE_PATTERN } from './event/validateEvent.js';
export type { ValidateEventOptions } from './event/validateEvent.js';
export { createEventWriter } from './event/eventWriter.js';
export type { EventWriter, EventWriterOptions, EventDraft, SiteHead } from './event/eventWriter.js';
export { generateSiteKeys, signEvent, verifyEventSignature, exportPublicKey, exportPrivateKey, importPublicKey, importPrivateKey } from './event/signature.js';
export type { SiteKeys } from './event/signature.js';

// Merge rules and schemas
export { lww } from './merge/lww.js';
export { mv } from './merge/mv.js';
export { once } from './merge/once.js';
export { max, min, compareScalars } from './merge/extremum.js';
export { orSet } from './merge/orSet.js';
export { log } from './merge/log.js';
export { builtinRules } from './merge/builtinRules.js';
export type { BuiltinRuleName } from './merge/builtinRules.js';
export { compareWrites } from './merge/mergeRule.js';
export type { MergeRule, RuleLaw, FieldState, WriteRef } from './merge/mergeRule.js';
export type { RegisterState } from './merge/registerState.js';
export type { OnceState } from './merge/once.js';
export type { ExtremumState } from './merge/extremum.js';
export type { OrSetState, SetOp } from './merge/orSet.js';
export type { LogState } from './merge/log.js';
export { defineSchema, RETRACTION_EVENT, CONFLICT_RESOLUTION_EVENT, RESOURCE_KEY_PATTERN } from './merge/schema.js';
export type { Schema, SchemaDefinition, ResourceDefinition, FieldDefinition, EventTypeDefinition, ResolvedField } from './merge/schema.js';

// The chart (projection)
export { emptyStreamState } from './chart/streamState.js';
export type { StreamState, ResourceState } from './chart/streamState.js';
export { fold, foldStream, canonicalOrder } from './chart/foldStream.js';
export { createChart } from './chart/chart.js';
export type { Chart, ChartOptions, ApplyReport } from './chart/chart.js';
export { stateHash, combineStateHashes } from './chart/stateHash.js';
export { listConflicts } from './chart/conflicts.js';
export type { Conflict, ConflictingWrite, ListConflictsOptions } from './chart/conflicts.js';
export { history } from './chart/history.js';
export type { HistoryEntry, HistoryStatus } from './chart/history.js';
export { prepareWrite, prepareConflictResolution, prepareRetraction, recordWrite } from './chart/prepareWrite.js';
export type { WriteRequest } from './chart/prepareWrite.js';
