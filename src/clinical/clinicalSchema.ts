import { defineSchema, type Schema } from '../merge/schema.js';
import { allergyEvents, allergyIntoleranceResource } from './allergyIntolerance.js';
import { appointmentEvents, appointmentResource } from './appointment.js';
import { conditionEvents, conditionResource } from './condition.js';
import { encounterEvents, encounterResource } from './encounter.js';
import { immunizationEvents, immunizationResource } from './immunization.js';
import { medicationEvents, medicationRequestResource } from './medicationRequest.js';
import { observationEvents, observationResource } from './observation.js';
import { patientEvents, patientResource } from './patient.js';
import { slotEvents, slotResource } from './slot.js';

/**
 * The primary-care schema pack: FHIR R4-aligned resources with a merge rule per field
 * (DESIGN §3) and the clinical event types that write them, all at `v: 1`.
 *
 * Patient records (`patient/<id>` streams): `Patient`, `AllergyIntolerance`,
 * `Condition`, `MedicationRequest`, `Observation`, `Immunization`, `Encounter`.
 * Appointment books (`schedule/<clinic>` streams): `Slot`, `Appointment`.
 *
 * Build events with the command helpers (`recordAllergy`, `changeDose`,
 * `bookAppointment` …), which fill `pred` from the state the author saw. Extend it
 * with `clinicalSchema.extend({...})` for local resources; an event type or version
 * this schema does not know is kept and relayed, not folded.
 *
 * @example
 * ```ts
 * const chart = createChart({ schema: clinicalSchema });
 * const draft = recordAllergy(chart.state(patientStream(pid)), { patientId: pid, code: penicillin, criticality: 'high', author });
 * chart.apply([writer.append(draft)]);
 * ```
 */
export const clinicalSchema: Schema = defineSchema({
  resources: {
    Patient: patientResource,
    AllergyIntolerance: allergyIntoleranceResource,
    Condition: conditionResource,
    MedicationRequest: medicationRequestResource,
    Observation: observationResource,
    Immunization: immunizationResource,
    Encounter: encounterResource,
    Slot: slotResource,
    Appointment: appointmentResource,
  },
  events: {
    ...patientEvents,
    ...allergyEvents,
    ...conditionEvents,
    ...medicationEvents,
    ...observationEvents,
    ...immunizationEvents,
    ...encounterEvents,
    ...slotEvents,
    ...appointmentEvents,
  },
});

/** Every clinical event type of the pack (the core's `chart.*` types aside). */
export type ClinicalEventType =
  | 'patient.registered'
  | 'patient.demographics-updated'
  | 'allergy.recorded'
  | 'allergy.updated'
  | 'condition.recorded'
  | 'condition.updated'
  | 'medication.prescribed'
  | 'medication.dose-changed'
  | 'medication.stopped'
  | 'observation.recorded'
  | 'observation.amended'
  | 'immunization.recorded'
  | 'immunization.updated'
  | 'encounter.started'
  | 'encounter.note-added'
  | 'encounter.finished'
  | 'slot.opened'
  | 'appointment.booked'
  | 'appointment.cancelled'
  | 'appointment.rebooked';
