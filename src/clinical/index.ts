/**
 * The primary-care schema pack: FHIR R4-aligned resources, their merge rules, typed
 * command helpers that build events with the right `pred`, and one reader
 * (`readClinical`) whose views, like the pack's event and resource types, are derived
 * from the schema and the pack's view definitions rather than restated.
 */
export { clinicalSchema } from './clinicalSchema.js';
export type { ClinicalSchema, ClinicalEventType, ClinicalResourceType } from './clinicalSchema.js';
export { clinicalEvents } from './clinicalEvents.js';
export { readClinical, clinicalViews } from './readClinical.js';
export type { ClinicalView } from './readClinical.js';
export { defineView, readView } from './clinicalView.js';
export type { ViewDefinition, ViewOf, ViewColumn, ViewColumns, ViewColumnBuilders } from './clinicalView.js';
export { clinicalFhirRules } from './clinicalFhirRules.js';
export { clinicalExtensions, CLINICAL_EXTENSION_BASE } from './clinicalExtensions.js';
export { patientStream, scheduleStream } from './streams.js';
export type { ClinicalCommandOptions, CommandInput } from './command.js';
export type { ClinicalNote, ReadResource } from './readState.js';
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
} from './fhirTypes.js';
export { FHIR_ID_PATTERN } from './inputChecks.js';
export { NHS_NUMBER_SYSTEM, nhsNumberProblem, isValidNhsNumber, normalizeNhsNumber } from './nhsNumber.js';

export { patientEvents, readPatient, PATIENT_GENDERS } from './patient.js';
export type { PatientGender, PatientView } from './patient.js';
export { registerPatient, updateDemographics } from './patientCommands.js';
export type { RegisterPatientInput, UpdateDemographicsInput } from './patientCommands.js';

export {
  allergyEvents,
  readAllergies,
  ALLERGY_CLINICAL_STATUSES,
  ALLERGY_VERIFICATION_STATUSES,
  ALLERGY_CRITICALITIES,
  ALLERGY_TYPES,
  ALLERGY_CLINICAL_SYSTEM,
  ALLERGY_VERIFICATION_SYSTEM,
} from './allergyIntolerance.js';
export type {
  AllergyClinicalStatus,
  AllergyVerificationStatus,
  AllergyCriticality,
  AllergyType,
  AllergyView,
} from './allergyIntolerance.js';
export { recordAllergy, updateAllergy } from './allergyCommands.js';
export type { RecordAllergyInput, UpdateAllergyInput } from './allergyCommands.js';

export {
  conditionEvents,
  readConditions,
  CONDITION_CLINICAL_STATUSES,
  CONDITION_VERIFICATION_STATUSES,
  CONDITION_CLINICAL_SYSTEM,
  CONDITION_VERIFICATION_SYSTEM,
  CONDITION_CATEGORY_SYSTEM,
  CONDITION_ABATED_STATUSES,
} from './condition.js';
export type { ConditionClinicalStatus, ConditionVerificationStatus, ConditionView } from './condition.js';
export { recordCondition, updateCondition } from './conditionCommands.js';
export type { RecordConditionInput, UpdateConditionInput } from './conditionCommands.js';

export {
  medicationEvents,
  readMedications,
  MEDICATION_REQUEST_STATUSES,
  MEDICATION_REQUEST_INTENTS,
  MEDICATION_ENDED_STATUSES,
} from './medicationRequest.js';
export type {
  MedicationRequestStatus,
  MedicationRequestIntent,
  MedicationView,
} from './medicationRequest.js';
export { prescribe, changeDose, stopMedication } from './medicationCommands.js';
export type { PrescribeInput, ChangeDoseInput, StopMedicationInput } from './medicationCommands.js';

export {
  observationEvents,
  readObservations,
  observationValue,
  observationComponent,
  VITAL_SIGNS,
  OBSERVATION_STATUSES,
  OBSERVATION_CATEGORIES,
  OBSERVATION_CATEGORY_SYSTEM,
} from './observation.js';
export type {
  ObservationStatus,
  ObservationCategory,
  ObservationValue,
  ObservationComponent,
  ObservationView,
} from './observation.js';
export { recordObservation, amendObservation } from './observationCommands.js';
export type { RecordObservationInput, AmendObservationInput } from './observationCommands.js';

export { immunizationEvents, readImmunizations, IMMUNIZATION_STATUSES } from './immunization.js';
export type { ImmunizationStatus, ImmunizationView } from './immunization.js';
export { recordImmunization, updateImmunization } from './immunizationCommands.js';
export type { RecordImmunizationInput, UpdateImmunizationInput } from './immunizationCommands.js';

export {
  encounterEvents,
  readEncounters,
  ENCOUNTER_STATUSES,
  ENCOUNTER_CLASSES,
  ENCOUNTER_CLASS_SYSTEM,
} from './encounter.js';
export type { EncounterStatus, EncounterClass, EncounterView, Period } from './encounter.js';
export { startEncounter, addConsultationNote, finishEncounter } from './encounterCommands.js';
export type {
  StartEncounterInput,
  AddConsultationNoteInput,
  FinishEncounterInput,
} from './encounterCommands.js';

export { slotEvents, readSlots, SLOT_STATUSES } from './slot.js';
export type { SlotStatus, SlotView } from './slot.js';
export { appointmentEvents, readAppointments, APPOINTMENT_STATUSES } from './appointment.js';
export type { AppointmentStatus, AppointmentView } from './appointment.js';
export { openSlot, bookAppointment, cancelAppointment, rebookAppointment } from './appointmentCommands.js';
export type {
  OpenSlotInput,
  BookAppointmentInput,
  CancelAppointmentInput,
  RebookAppointmentInput,
} from './appointmentCommands.js';
