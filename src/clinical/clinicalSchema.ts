import { createFhirSchema } from '../fhir/fhirSchema.js';
import type { Schema } from '../merge/schema.js';
import { allergyEvents } from './allergyIntolerance.js';
import { appointmentEvents } from './appointment.js';
import { clinicalExtensions } from './clinicalExtensions.js';
import { clinicalFhirRules } from './clinicalFhirRules.js';
import { conditionEvents } from './condition.js';
import { encounterEvents } from './encounter.js';
import { immunizationEvents } from './immunization.js';
import { medicationEvents } from './medicationRequest.js';
import { observationEvents } from './observation.js';
import { patientEvents } from './patient.js';
import { slotEvents } from './slot.js';

/**
 * The primary-care schema pack: FHIR R4 records (`createFhirSchema` from
 * `chartlog/fhir`: every R4 resource type, a field per top-level element, each checked
 * for its R4 type) with the pack's merge rules (`clinicalFhirRules`, docs/architecture.md, "Records are FHIR R4"), its
 * extensions for what R4 has no element for (`clinicalExtensions`), and the clinical
 * event types that write them, all at `v: 2` (v2: records are R4 JSON; v1 stored the
 * pack's own shapes and was never released).
 *
 * Patient records (`patient/<id>` streams): `Patient`, `AllergyIntolerance`,
 * `Condition`, `MedicationRequest`, `Observation`, `Immunization`, `Encounter`.
 * Appointment books (`schedule/<clinic>` streams): `Slot`, `Appointment`. Any other R4
 * resource (an import's `fhir.created` / `fhir.updated` events) is held too, and reads
 * back as FHIR with `readFhirResource`.
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
export const clinicalSchema: Schema = createFhirSchema({
  rules: clinicalFhirRules,
  extensions: clinicalExtensions,
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
  // Names the commands' code: what they write, and the input checks they run.
  revision: 'chartlog/clinical-2',
});

/** Every clinical event type of the pack (the core's `chart.*` and `chartlog/fhir`'s `fhir.*` types aside). */
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
