/**
 * chartlog: health records as append-only clinical events with conflict-free merge
 * rules. This is the core: pure, synchronous, no storage driver loaded.
 * Stores, transports and test helpers live behind subpaths (`chartlog/sqlite`,
 * `chartlog/eventstoredb`, `chartlog/http`, `chartlog/testing`).
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

// The event
export {
  siteId,
  streamId,
  isSiteId,
  isStreamId,
  isEventId,
  isEventHash,
  SITE_ID_PATTERN,
  STREAM_ID_PATTERN,
  EVENT_ID_PATTERN,
} from './event/ids.js';
export { eventIdOf } from './event/eventId.js';
export type { EventWithoutId } from './event/eventId.js';
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
export { createEncodingHandover } from './event/encodingHandover.js';
export type { EncodingHandover, EncodingHandoverOptions, EncodedEvent } from './event/encodingHandover.js';
export {
  validateEvent,
  assertChartEvent,
  DEFAULT_MAX_EVENT_BYTES,
  EVENT_TYPE_PATTERN,
} from './event/validateEvent.js';
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
export {
  defineSchema,
  RETRACTION_EVENT,
  CONFLICT_RESOLUTION_EVENT,
  RESOURCE_KEY_PATTERN,
} from './merge/schema.js';
export type {
  Schema,
  SchemaDefinition,
  ResourceDefinition,
  FieldDefinition,
  EventTypeDefinition,
  ResolvedField,
  AnyMergeRule,
} from './merge/schema.js';

// The chart (projection)
export { emptyStreamState } from './chart/streamState.js';
export type { StreamState, ResourceState } from './chart/streamState.js';
export { fold, foldStream, canonicalOrder } from './chart/foldStream.js';
export { createChart } from './chart/chart.js';
export type { Chart, ChartOptions, ApplyReport } from './chart/chart.js';
export type { ChartView, LocatedResource, ResourceKeysOptions } from './chart/chartView.js';
export { stateHash, combineStateHashes } from './chart/stateHash.js';
export { schemaFingerprint } from './merge/schemaFingerprint.js';
export { listConflicts, readConflicts } from './chart/conflicts.js';
export type { Conflict, ConflictingWrite, ListConflictsOptions } from './chart/conflicts.js';
export { history, historyOf } from './chart/history.js';
export type { HistoryEntry, HistoryStatus } from './chart/history.js';
export {
  prepareWrite,
  prepareConflictResolution,
  prepareRetraction,
  recordWrite,
} from './chart/prepareWrite.js';
export type { WriteRequest } from './chart/prepareWrite.js';

// Clinical schema pack
export { clinicalSchema } from './clinical/clinicalSchema.js';
export { clinicalFhirRules } from './clinical/clinicalFhirRules.js';
export { clinicalExtensions, CLINICAL_EXTENSION_BASE } from './clinical/clinicalExtensions.js';
export type { ClinicalEventType } from './clinical/clinicalSchema.js';
export { patientStream, scheduleStream } from './clinical/streams.js';
export type { ClinicalCommandOptions, CommandInput } from './clinical/command.js';
export type { ClinicalNote, ReadResource } from './clinical/readState.js';
export type {
  Coding,
  CodeableConcept,
  Quantity,
  Identifier,
  HumanName,
  ContactPoint,
  Address,
  Annotation,
  TimingRepeat,
  Dosage,
  Reference,
} from './clinical/fhirTypes.js';
export { FHIR_ID_PATTERN } from './clinical/inputChecks.js';
export {
  NHS_NUMBER_SYSTEM,
  nhsNumberProblem,
  isValidNhsNumber,
  normalizeNhsNumber,
} from './clinical/nhsNumber.js';
export { patientEvents, readPatient, PATIENT_GENDERS } from './clinical/patient.js';
export type { PatientGender, PatientView } from './clinical/patient.js';
export { registerPatient, updateDemographics } from './clinical/patientCommands.js';
export type { RegisterPatientInput, UpdateDemographicsInput } from './clinical/patientCommands.js';
export {
  allergyEvents,
  readAllergies,
  ALLERGY_CLINICAL_STATUSES,
  ALLERGY_VERIFICATION_STATUSES,
  ALLERGY_CRITICALITIES,
  ALLERGY_TYPES,
  ALLERGY_CLINICAL_SYSTEM,
  ALLERGY_VERIFICATION_SYSTEM,
} from './clinical/allergyIntolerance.js';
export type {
  AllergyClinicalStatus,
  AllergyVerificationStatus,
  AllergyCriticality,
  AllergyType,
  AllergyView,
} from './clinical/allergyIntolerance.js';
export { recordAllergy, updateAllergy } from './clinical/allergyCommands.js';
export type { RecordAllergyInput, UpdateAllergyInput } from './clinical/allergyCommands.js';
export {
  conditionEvents,
  readConditions,
  CONDITION_CLINICAL_STATUSES,
  CONDITION_VERIFICATION_STATUSES,
  CONDITION_CLINICAL_SYSTEM,
  CONDITION_VERIFICATION_SYSTEM,
  CONDITION_CATEGORY_SYSTEM,
  CONDITION_ABATED_STATUSES,
} from './clinical/condition.js';
export type {
  ConditionClinicalStatus,
  ConditionVerificationStatus,
  ConditionView,
} from './clinical/condition.js';
export { recordCondition, updateCondition } from './clinical/conditionCommands.js';
export type { RecordConditionInput, UpdateConditionInput } from './clinical/conditionCommands.js';
export {
  medicationEvents,
  readMedications,
  MEDICATION_REQUEST_STATUSES,
  MEDICATION_REQUEST_INTENTS,
  MEDICATION_ENDED_STATUSES,
} from './clinical/medicationRequest.js';
export type {
  MedicationRequestStatus,
  MedicationRequestIntent,
  MedicationView,
} from './clinical/medicationRequest.js';
export { prescribe, changeDose, stopMedication } from './clinical/medicationCommands.js';
export type { PrescribeInput, ChangeDoseInput, StopMedicationInput } from './clinical/medicationCommands.js';
export {
  observationEvents,
  readObservations,
  observationValue,
  observationComponent,
  VITAL_SIGNS,
  OBSERVATION_STATUSES,
  OBSERVATION_CATEGORIES,
  OBSERVATION_CATEGORY_SYSTEM,
} from './clinical/observation.js';
export type {
  ObservationStatus,
  ObservationCategory,
  ObservationValue,
  ObservationComponent,
  ObservationView,
} from './clinical/observation.js';
export { recordObservation, amendObservation } from './clinical/observationCommands.js';
export type { RecordObservationInput, AmendObservationInput } from './clinical/observationCommands.js';
export { immunizationEvents, readImmunizations, IMMUNIZATION_STATUSES } from './clinical/immunization.js';
export type { ImmunizationStatus, ImmunizationView } from './clinical/immunization.js';
export { recordImmunization, updateImmunization } from './clinical/immunizationCommands.js';
export type { RecordImmunizationInput, UpdateImmunizationInput } from './clinical/immunizationCommands.js';
export {
  encounterEvents,
  readEncounters,
  ENCOUNTER_STATUSES,
  ENCOUNTER_CLASSES,
  ENCOUNTER_CLASS_SYSTEM,
} from './clinical/encounter.js';
export type { EncounterStatus, EncounterClass, EncounterView, Period } from './clinical/encounter.js';
export { startEncounter, addConsultationNote, finishEncounter } from './clinical/encounterCommands.js';
export type {
  StartEncounterInput,
  AddConsultationNoteInput,
  FinishEncounterInput,
} from './clinical/encounterCommands.js';
export { slotEvents, readSlots, SLOT_STATUSES } from './clinical/slot.js';
export type { SlotStatus, SlotView } from './clinical/slot.js';
export { appointmentEvents, readAppointments, APPOINTMENT_STATUSES } from './clinical/appointment.js';
export type { AppointmentStatus, AppointmentView } from './clinical/appointment.js';
export {
  openSlot,
  bookAppointment,
  cancelAppointment,
  rebookAppointment,
} from './clinical/appointmentCommands.js';
export type {
  OpenSlotInput,
  BookAppointmentInput,
  CancelAppointmentInput,
  RebookAppointmentInput,
} from './clinical/appointmentCommands.js';

// Stores: the port, the in-memory adapter and the store tools (no driver needed).
// SQLite and EventStoreDB adapters live behind `chartlog/sqlite` and `chartlog/eventstoredb`.
export type {
  EventLog,
  AppendOptions,
  AppendResult,
  EventPage,
  StoredSnapshot,
  VersionVector,
} from './store/eventLog.js';
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
export { MARKER_NAME_PATTERN } from './store/markerName.js';
export { planAppend, takenPositions } from './store/checkAppend.js';
export { readEventPages, readAllEvents } from './store/readEventPages.js';
export type { ReadEventPagesOptions } from './store/readEventPages.js';
export type {
  AppendPlan,
  AppendView,
  PlannedEvent,
  PlanAppendOptions,
  SignatureUpdate,
  StoredRef,
} from './store/checkAppend.js';
export { createMemoryEventLog } from './store/memory/index.js';
export type { MemoryEventLogOptions } from './store/memory/index.js';
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
export { freezeDeep } from './event/freezeDeep.js';
export { checkAndEncode, isOversize } from './event/validateEvent.js';
export type { CheckedEvent } from './event/validateEvent.js';

// Replication
export {
  compareVersionVectors,
  mergeVersionVectors,
  missingRanges,
  vectorCovers,
  vectorsEqual,
  isVersionVector,
  rangeSize,
  seqOf,
} from './sync/versionVector.js';
export type { VectorOrder, SiteRange } from './sync/versionVector.js';
export { SYNC_PROTOCOL_VERSION, parseSyncMessage, encodeSyncMessage } from './sync/syncMessage.js';
export type { SyncMessage } from './sync/syncMessage.js';
export { encodeWireEvent, decodeWireEvent } from './event/wireEvent.js';
export { syncMessageLines, decodeSyncMessageText } from './sync/wireMessage.js';
export { initSyncState, restoreSyncState } from './sync/syncState.js';
export type { InitSyncStateOptions, SyncState } from './sync/syncState.js';
export { generateSyncMessage, syncRanges } from './sync/generateSyncMessage.js';
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
export { syncWithHub } from './sync/syncWithHub.js';
export type { SyncWithHubOptions, HubSyncReport } from './sync/syncWithHub.js';
export { createReplica } from './replica/replica.js';
export type { Replica, ReplicaOptions, ReplicaStatus } from './replica/replica.js';
export type { RecoveryReason, ReplicaRecovery } from './replica/recoveryGuard.js';
export { RECOVERY_MARKER } from './replica/recoveryMarker.js';
export type { StoredRecovery } from './replica/recoveryMarker.js';
export { createKeyring } from './replica/keyring.js';
export type { Keyring, PublicKeyInput } from './replica/keyring.js';
export { createForkQuarantine, MAX_FORKS_PER_SITE, sameOtherHistory } from './replica/forkQuarantine.js';
export type { ForkQuarantine, ForkQuarantineOptions, QuarantinedFork } from './replica/forkQuarantine.js';
export { FORK_MARKER, forkSummaryOf, readForkMarker } from './replica/forkMarker.js';
export type { ForkSummary, ReadForks } from './replica/forkMarker.js';
export { checkSiteRun } from './replica/checkSiteRun.js';
export type { RunEntry, SiteRunCheck } from './replica/checkSiteRun.js';
export { refusalCodeOf, NO_REFUSALS } from './sync/ingestReport.js';
export type {
  IngestReport,
  IngestRefusal,
  RefusalCode,
  RefusalReason,
  RefusalSummary,
  SkewReport,
} from './sync/ingestReport.js';
export {
  addRefusals,
  mapRefusals,
  formatRefusalCounts,
  DEFAULT_MAX_REFUSAL_EXAMPLES,
} from './sync/refusalCollector.js';
export { rebuildChart } from './replica/rebuildChart.js';
export type { RebuildReport } from './replica/rebuildChart.js';
