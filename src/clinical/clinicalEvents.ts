import { allergyEvents } from './allergyIntolerance.js';
import { appointmentEvents } from './appointment.js';
import { conditionEvents } from './condition.js';
import { encounterEvents } from './encounter.js';
import { immunizationEvents } from './immunization.js';
import { medicationEvents } from './medicationRequest.js';
import { observationEvents } from './observation.js';
import { patientEvents } from './patient.js';
import { slotEvents } from './slot.js';

/**
 * Every event type of the clinical pack, by name, all at `v: 2`: what `clinicalSchema`
 * folds besides the core's `chart.*` and `chartlog/fhir`'s `fhir.*` types. Each entry
 * names the resource types it may write; the pack's event-type and resource-type unions
 * (`ClinicalEventType`, `ClinicalResourceType`) are derived from it through the schema.
 */
export const clinicalEvents = {
  ...patientEvents,
  ...allergyEvents,
  ...conditionEvents,
  ...medicationEvents,
  ...observationEvents,
  ...immunizationEvents,
  ...encounterEvents,
  ...slotEvents,
  ...appointmentEvents,
} as const;
