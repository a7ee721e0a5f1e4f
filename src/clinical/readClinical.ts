import type { StreamState } from '../chart/streamState.js';
import { allergyView } from './allergyIntolerance.js';
import { appointmentView } from './appointment.js';
import type { ClinicalResourceType } from './clinicalSchema.js';
import { readView, type ViewDefinition, type ViewOf } from './clinicalView.js';
import { conditionView } from './condition.js';
import { encounterView } from './encounter.js';
import { immunizationView } from './immunization.js';
import { medicationView } from './medicationRequest.js';
import { observationView } from './observation.js';
import { patientView } from './patient.js';
import { slotView } from './slot.js';

/**
 * The pack's view of each resource type its event types write, by resource type. Its keys
 * are checked against `ClinicalResourceType` (derived from the schema's events): a resource
 * type the pack writes without a view, or a view of a type it never writes, fails to compile.
 */
export const clinicalViews = {
  Patient: patientView,
  AllergyIntolerance: allergyView,
  Condition: conditionView,
  MedicationRequest: medicationView,
  Observation: observationView,
  Immunization: immunizationView,
  Encounter: encounterView,
  Slot: slotView,
  Appointment: appointmentView,
} as const satisfies { readonly [T in ClinicalResourceType]: ViewDefinition<T> };

/** The plain values {@link readClinical} gives for one resource of type `T`, derived from its view in {@link clinicalViews}. */
export type ClinicalView<T extends ClinicalResourceType> = ViewOf<(typeof clinicalViews)[T]>;

/**
 * Every resource of a clinical type `type` in a stream state as plain values, by id order,
 * each with the names of its fields in conflict (their value shown is provisional). The
 * one reader of the pack: `readAllergies(state)` and the other named readers are this
 * with the type filled in. Any R4 resource, as FHIR: `readFhirResource`.
 *
 * @example readClinical(chart.state(patientStream(pid)), 'AllergyIntolerance').filter((a) => a.clinicalStatus === 'active')
 */
export function readClinical<T extends ClinicalResourceType>(
  state: StreamState | undefined,
  type: T,
): ClinicalView<T>[] {
  return readView(clinicalViews[type] as ViewDefinition, state) as ClinicalView<T>[];
}
