/**
 * A synthetic primary-care workload, described as *saves* independent of any library:
 * one save is one clinician's commit of 1–10 field writes on one patient's resources,
 * each an R4 element as the clinical pack records it (or one of its extension fields).
 * chartlog turns each into one event (primaryCareEvents.ts); other systems (the vs-crdt
 * benchmark) turn the same saves into their own units, so every system does equal work.
 */

import { seededFloats } from '../../src/testing/mulberry32.js';

/** A site that records saves. */
export const WORKLOAD_SITES = ['practice-a', 'practice-b', 'hospital-c'] as const;

/** One field write inside a save. */
export interface FieldWrite {
  /** `<ResourceType>/<id>`. */
  readonly resource: string;
  readonly field: string;
  /** The R4 value, or for `set` fields `{ add: [...] }`, for `log` fields the list of entries added. */
  readonly value: unknown;
  /**
   * When true, the author had not seen the latest write of this field by another site:
   * the write is concurrent with it (≈ `concurrency` of updates).
   */
  readonly concurrent: boolean;
}

/** One commit by one clinician at one site. */
export interface Save {
  readonly site: (typeof WORKLOAD_SITES)[number];
  /** Wall-clock ms at that site. */
  readonly at: number;
  readonly patient: string;
  /** Clinical event type, from the clinical schema pack. */
  readonly type: string;
  readonly writes: readonly FieldWrite[];
}

/** Options for {@link generateSaves}. */
export interface WorkloadOptions {
  /** Number of saves. */
  readonly saves: number;
  /** Number of patients. */
  readonly patients: number;
  /** Fraction of updates made without having seen another site's latest write of that field. @defaultValue `0.01` */
  readonly concurrency?: number;
  /** PRNG seed. @defaultValue `1` */
  readonly seed?: number;
  /** Wall clock of the first save. @defaultValue 2026-07-19T06:00Z */
  readonly startMs?: number;
}

const SNOMED = 'http://snomed.info/sct';
const LOINC = 'http://loinc.org';
const VITALS = [
  ['8867-4', 'Heart rate', '/min', 50, 110],
  ['8310-5', 'Body temperature', 'Cel', 35, 39],
  ['29463-7', 'Body weight', 'kg', 40, 120],
  ['59408-5', 'Oxygen saturation', '%', 88, 100],
  ['9279-1', 'Respiratory rate', '/min', 10, 30],
] as const;
const DRUGS = [
  'Ramipril 2.5mg capsules',
  'Amlodipine 5mg tablets',
  'Metformin 500mg tablets',
  'Atorvastatin 20mg tablets',
  'Sertraline 50mg tablets',
];
const ALLERGENS = [
  ['764146007', 'Penicillin'],
  ['91935009', 'Peanut'],
  ['300916003', 'Latex'],
  ['293586001', 'Aspirin'],
] as const;
const CONDITIONS = [
  ['38341003', 'Hypertension'],
  ['44054006', 'Type 2 diabetes'],
  ['195967001', 'Asthma'],
  ['35489007', 'Depression'],
] as const;
// The R4 code systems of the statuses and categories the clinical pack records as CodeableConcepts.
const HL7 = 'http://terminology.hl7.org/CodeSystem/';
const coded = (system: string, code: string) => ({ coding: [{ system: HL7 + system, code }] });
const NOTES = [
  'Reviewed, no change',
  'BP above target, recheck in 2 weeks',
  'Telephone triage: no red flags',
  'Advised on diet and exercise',
  'Medication review completed',
  'Patient reports improvement',
];

/**
 * Generates `saves` saves over `patients` patients from three sites: registrations,
 * observations, consultation notes, prescriptions and dose changes, allergy and problem
 * list updates, demographics and immunizations, in time order.
 */
export function generateSaves(options: WorkloadOptions): Save[] {
  return [...iterateSaves(options)];
}

/**
 * The saves {@link generateSaves} returns, one at a time, so a workload of millions need
 * not be held at once. Asking for more saves continues the same sequence: the first N
 * saves of a longer workload are exactly the N-save workload.
 */
export function* iterateSaves(options: WorkloadOptions): Generator<Save> {
  const rand = seededFloats(options.seed ?? 1);
  const concurrency = options.concurrency ?? 0.01;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const patients = Array.from({ length: options.patients }, (_, i) => ({
    id: `p${i}`,
    registered: false,
    meds: [] as string[],
    allergies: [] as string[],
    conditions: [] as string[],
    encounter: undefined as string | undefined,
    encounterStart: '',
    n: 0,
  }));
  let made = 0;
  let at = options.startMs ?? Date.UTC(2026, 6, 19, 6, 0, 0);
  const iso = (): string => new Date(at).toISOString();
  const concept = (system: string, code: string, display: string) => ({
    coding: [{ system, code, display }],
    text: display,
  });
  const update = (resource: string, field: string, value: unknown): FieldWrite => ({
    resource,
    field,
    value,
    concurrent: rand() < concurrency,
  });
  const fresh = (resource: string, field: string, value: unknown): FieldWrite => ({
    resource,
    field,
    value,
    concurrent: false,
  });

  while (made < options.saves) {
    at += int(1, 40);
    const site = pick(WORKLOAD_SITES);
    const p = patients[Math.floor(rand() * patients.length)] as (typeof patients)[number];
    const pid = p.id;
    const ref = { reference: `Patient/${pid}` };
    const id = (kind: string) => `${kind}-${pid}-${p.n++}`;
    let type: string;
    let writes: FieldWrite[];
    const roll = rand();
    if (!p.registered) {
      p.registered = true;
      type = 'patient.registered';
      const key = `Patient/${pid}`;
      writes = [
        fresh(key, 'name', [{ family: `Family${pid}`, given: ['Alex'] }]),
        fresh(key, 'birthDate', `19${int(30, 99)}-0${int(1, 9)}-1${int(0, 9)}`),
        fresh(key, 'gender', pick(['female', 'male', 'other', 'unknown'])),
        fresh(key, 'telecom', { add: [{ system: 'phone', value: `07700 9${int(10000, 99999)}` }] }),
        fresh(key, 'generalPractitioner', [{ reference: `Organization/${site}` }]),
      ];
    } else if (roll < 0.3) {
      type = 'observation.recorded';
      const [code, display, unit, lo, hi] = pick(VITALS);
      const key = `Observation/${id('obs')}`;
      writes = [
        fresh(key, 'subject', ref),
        fresh(key, 'code', concept(LOINC, code, display)),
        fresh(key, 'category', [coded('observation-category', 'vital-signs')]),
        fresh(key, 'effective', { effectiveDateTime: iso() }),
        fresh(key, 'value', { valueQuantity: { value: int(lo, hi), unit } }),
        fresh(key, 'status', 'final'),
      ];
    } else if (roll < 0.5) {
      if (p.encounter === undefined || rand() < 0.2) {
        type = 'encounter.started';
        p.encounter = `Encounter/${id('enc')}`;
        p.encounterStart = iso();
        writes = [
          fresh(p.encounter, 'subject', ref),
          fresh(p.encounter, 'status', 'in-progress'),
          fresh(p.encounter, 'class', {
            system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
            code: 'AMB',
          }),
          fresh(p.encounter, 'period', { start: p.encounterStart }),
          fresh(p.encounter, 'note', [{ text: pick(NOTES) }]),
        ];
      } else {
        type = 'encounter.note-added';
        writes = [
          fresh(p.encounter, 'note', [{ text: pick(NOTES) }]),
          update(p.encounter, 'period', { start: p.encounterStart, end: iso() }),
        ];
      }
    } else if (roll < 0.58 || (roll < 0.68 && p.meds.length === 0)) {
      type = 'medication.prescribed';
      const key = `MedicationRequest/${id('rx')}`;
      p.meds.push(key);
      const drug = pick(DRUGS);
      writes = [
        fresh(key, 'subject', ref),
        fresh(key, 'medication', {
          medicationCodeableConcept: concept('https://dmd.nhs.uk', String(int(300000000, 399999999)), drug),
        }),
        fresh(key, 'dosageInstruction', [{ text: `${int(1, 2)} tablet(s) once daily` }]),
        fresh(key, 'status', 'active'),
        fresh(key, 'intent', 'order'),
        fresh(key, 'authoredOn', iso()),
      ];
    } else if (roll < 0.68) {
      type = 'medication.dose-changed';
      const key = pick(p.meds);
      writes = [
        update(key, 'dosageInstruction', [
          { text: `${int(1, 4)} tablet(s) ${pick(['once', 'twice'])} daily` },
        ]),
        fresh(key, 'note', [{ text: pick(NOTES) }]),
      ];
    } else if (roll < 0.73 || (roll < 0.8 && p.allergies.length === 0)) {
      type = 'allergy.recorded';
      const key = `AllergyIntolerance/${id('alg')}`;
      p.allergies.push(key);
      const [code, display] = pick(ALLERGENS);
      writes = [
        fresh(key, 'patient', ref),
        fresh(key, 'code', concept(SNOMED, code, display)),
        fresh(key, 'criticality', pick(['low', 'high'])),
        fresh(key, 'clinicalStatus', coded('allergyintolerance-clinical', 'active')),
        fresh(key, 'verificationStatus', coded('allergyintolerance-verification', 'unconfirmed')),
      ];
    } else if (roll < 0.8) {
      type = 'allergy.updated';
      const key = pick(p.allergies);
      writes = [
        update(key, 'criticality', pick(['low', 'high', 'unable-to-assess'])),
        update(key, 'verificationStatus', coded('allergyintolerance-verification', 'confirmed')),
        update(key, 'lastReviewed', iso().slice(0, 10)),
      ];
    } else if (roll < 0.85 || (roll < 0.9 && p.conditions.length === 0)) {
      type = 'condition.recorded';
      const key = `Condition/${id('cond')}`;
      p.conditions.push(key);
      const [code, display] = pick(CONDITIONS);
      writes = [
        fresh(key, 'subject', ref),
        fresh(key, 'code', concept(SNOMED, code, display)),
        fresh(key, 'clinicalStatus', coded('condition-clinical', 'active')),
        fresh(key, 'verificationStatus', coded('condition-ver-status', 'confirmed')),
      ];
    } else if (roll < 0.9) {
      type = 'condition.updated';
      const key = pick(p.conditions);
      writes = [
        update(key, 'clinicalStatus', coded('condition-clinical', pick(['active', 'remission', 'resolved']))),
        fresh(key, 'note', [{ text: pick(NOTES) }]),
      ];
    } else if (roll < 0.95) {
      type = 'patient.demographics-updated';
      const key = `Patient/${pid}`;
      writes = [
        fresh(key, 'telecom', { add: [{ system: 'phone', value: `07700 9${int(10000, 99999)}` }] }),
        update(key, 'generalPractitioner', [{ reference: `Organization/${site}` }]),
      ];
    } else {
      type = 'immunization.recorded';
      const key = `Immunization/${id('imm')}`;
      writes = [
        fresh(key, 'patient', ref),
        fresh(key, 'vaccineCode', concept(SNOMED, '1119349007', 'COVID-19 mRNA vaccine')),
        fresh(key, 'occurrence', { occurrenceDateTime: iso() }),
        fresh(key, 'status', 'completed'),
        fresh(key, 'lotNumber', `L${int(1000, 9999)}`),
      ];
    }
    made++;
    yield { site, at, patient: pid, type, writes };
  }
}
