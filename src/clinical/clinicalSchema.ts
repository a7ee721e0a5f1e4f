import {
  createFhirSchema,
  type FhirEventDefinitions,
  type FhirSchemaDefinition,
} from '../fhir/fhirSchema.js';
import type { EventResourcesOf, EventTypeOf, Schema } from '../merge/schema.js';
import { clinicalEvents } from './clinicalEvents.js';
import { clinicalExtensions } from './clinicalExtensions.js';
import { clinicalFhirRules } from './clinicalFhirRules.js';

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
export const clinicalSchema: ClinicalSchema = createFhirSchema({
  rules: clinicalFhirRules,
  extensions: clinicalExtensions,
  events: clinicalEvents,
  // Names the commands' code: what they write, and the input checks they run.
  revision: 'chartlog/clinical-2',
});

/** The type of {@link clinicalSchema}: a FHIR R4 schema whose definition keeps the pack's event types by name. */
export type ClinicalSchema = Schema<FhirSchemaDefinition<typeof clinicalEvents>>;

/**
 * Every clinical event type of the pack (the core's `chart.*` and `chartlog/fhir`'s
 * `fhir.*` types aside), derived from {@link clinicalSchema}'s event definitions.
 */
export type ClinicalEventType = Exclude<EventTypeOf<ClinicalSchema>, keyof FhirEventDefinitions>;

/**
 * The resource types the pack's event types write (`Patient`, `AllergyIntolerance` …
 * `Slot`, `Appointment`), derived from their definitions' `resources`: the types the pack
 * has commands and views for. Any other R4 type is held too, and read with `readFhirResource`.
 */
export type ClinicalResourceType = EventResourcesOf<ClinicalSchema, ClinicalEventType>;
