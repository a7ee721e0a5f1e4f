import type { FhirExtensionDefinition } from '../fhir/fhirExtensionFields.js';

/** Where the clinical pack's extensions are defined: `https://chartlog.dev/fhir/StructureDefinition/<name>`. */
export const CLINICAL_EXTENSION_BASE = 'https://chartlog.dev/fhir/StructureDefinition/';

/**
 * What the clinical pack records that R4 has no element for, as FHIR extensions of the
 * resource (field name → extension), each with the merge rule the pack has always used:
 *
 * - `AllergyIntolerance.lastReviewed` (`allergy-last-reviewed`, a `date`, `max`): reviews
 *   only move it forward, whichever site recorded the later one last.
 * - `Encounter.note` (`encounter-note`, an `Annotation`, `log`): R4's Encounter has no
 *   `note`; consultation notes are kept on the encounter, every note from every site in
 *   the total order of events, as the other resources' R4 `note` elements are.
 * - `Slot.holder` (`slot-holder`, a `Reference` to the Appointment, `mv`): R4 links
 *   Appointment → Slot only, so two sites booking one slot during an outage would both
 *   look right; the holder names the booking, and two concurrent bookings are a
 *   conflict to rebook, never a silent loss. Released (no holder) is `null`.
 */
export const clinicalExtensions: Readonly<Record<string, Readonly<Record<string, FhirExtensionDefinition>>>> =
  {
    AllergyIntolerance: {
      lastReviewed: {
        url: `${CLINICAL_EXTENSION_BASE}allergy-last-reviewed`,
        valueType: 'date',
        rule: 'max',
        doc: 'date of the last review (YYYY-MM-DD); the latest is kept',
      },
    },
    Encounter: {
      note: {
        url: `${CLINICAL_EXTENSION_BASE}encounter-note`,
        valueType: 'Annotation',
        rule: 'log',
        doc: 'consultation notes',
      },
    },
    Slot: {
      holder: {
        url: `${CLINICAL_EXTENSION_BASE}slot-holder`,
        valueType: 'Reference',
        rule: 'mv',
        doc: 'the Appointment holding the slot; null when released',
      },
    },
  };
