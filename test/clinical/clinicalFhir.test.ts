import { validateResource } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { createChart, type Chart } from '../../src/index.js';
import {
  addConsultationNote,
  amendObservation,
  bookAppointment,
  cancelAppointment,
  changeDose,
  clinicalSchema,
  finishEncounter,
  openSlot,
  patientStream,
  prescribe,
  readAllergies,
  readEncounters,
  readMedications,
  readSlots,
  rebookAppointment,
  recordAllergy,
  recordCondition,
  recordImmunization,
  recordObservation,
  registerPatient,
  scheduleStream,
  startEncounter,
  stopMedication,
  updateAllergy,
  updateCondition,
  updateDemographics,
  updateImmunization,
  VITAL_SIGNS,
} from '../../src/clinical/index.js';
import { savesToEvents } from '../../bench/workload/primaryCareEvents.js';
import { generateSaves } from '../../bench/workload/primaryCareSaves.js';
import { isFoldable } from '../../src/chart/applyEvent.js';
import { runOutageDrill } from '../../src/cli/outageDrill.js';
import type { ChartView } from '../../src/chart/chartView.js';
import { CONCURRENT_VALUES_EXTENSION, type FhirResource } from '../../src/fhir/fhirResource.js';
import { prepareFhirWrite } from '../../src/fhir/prepareFhirWrite.js';
import { readFhirResource } from '../../src/fhir/readFhirResource.js';
import { PROVISIONAL_TAG } from '../../src/fhir/toFhirResource.js';
import {
  ANAPHYLAXIS,
  ANN,
  BOB,
  ORAL,
  PENICILLIN,
  RAMIPRIL,
  refusal,
  site,
  SNOMED,
  sync,
  URTICARIA,
  type Site,
} from './fixtures.js';
import { indexR4Definitions } from '../support/fhirTesting.js';

const CLINIC = 'leeds-road';
const EXT = 'https://chartlog.dev/fhir/StructureDefinition/';
const FLU = { coding: [{ system: SNOMED, code: '1181000221105', display: 'Influenza vaccine' }] };
const ASTHMA = { coding: [{ system: SNOMED, code: '195967001', display: 'Asthma' }] };
const IV = { coding: [{ system: SNOMED, code: '47625008', display: 'Intravenous route' }] };
const dose = (text: string) => ({ text });

beforeAll(indexR4Definitions);

/** Every resource a chart holds, read back as FHIR R4 JSON. */
function everyResource(chart: Chart | ChartView): FhirResource[] {
  return chart
    .streams()
    .flatMap((stream) =>
      Object.keys(chart.state(stream)?.resources ?? {}).map(
        (key) => readFhirResource(chart, stream, key) as FhirResource,
      ),
    );
}

/** What `validateResource` finds wrong with a resource: `[]` when it is valid FHIR R4. */
function r4Errors(resource: FhirResource): string[] {
  try {
    validateResource(resource as unknown as Resource);
    return [];
  } catch (error) {
    const issues =
      (
        error as {
          outcome?: { issue?: { severity?: string; details?: { text?: string }; expression?: string[] }[] };
        }
      ).outcome?.issue ?? [];
    return issues
      .filter((i) => i.severity === 'error')
      .map(
        (i) =>
          `${resource.resourceType}/${resource.id} ${i.expression?.join(',') ?? ''}: ${i.details?.text ?? ''}`,
      );
  }
}

/** Two practices that each run every command of the pack, some of them concurrently, then reconnect. */
function everyCommandAtTwoSites(): { a: Site; b: Site } {
  const a = site('practice-a');
  const b = site('practice-b');
  const s = (x: Site) => x.patient(ANN.id);
  a.record(
    registerPatient(
      undefined,
      {
        patientId: ANN.id,
        name: { family: 'Jones', given: ['Ann'] },
        birthDate: '1950-03-02',
        gender: 'female',
        nhsNumber: ANN.nhsNumber,
        telecom: [{ system: 'phone', value: '01632 960001' }],
        address: [{ line: ['1 High Street'], city: 'Leeds' }],
        generalPractitioner: 'Organization/B82005',
        author: a.author,
      },
      a.opts,
    ),
  );
  a.record(
    updateDemographics(s(a), {
      patientId: ANN.id,
      addTelecom: [{ system: 'email', value: 'ann@example.org' }],
      author: a.author,
    }),
  );
  a.record(
    recordAllergy(
      s(a),
      {
        patientId: ANN.id,
        allergyId: 'pen',
        code: PENICILLIN,
        criticality: 'low',
        type: 'allergy',
        manifestations: [URTICARIA],
        note: 'reported by patient',
        author: a.author,
      },
      a.opts,
    ),
  );
  a.record(
    recordAllergy(
      s(a),
      { patientId: ANN.id, allergyId: 'wrong', code: PENICILLIN, author: a.author },
      a.opts,
    ),
  );
  a.record(
    updateAllergy(s(a), {
      patientId: ANN.id,
      allergyId: 'wrong',
      verificationStatus: 'entered-in-error',
      note: 'wrong patient',
      author: a.author,
    }),
  );
  a.record(
    recordCondition(
      s(a),
      {
        patientId: ANN.id,
        conditionId: 'asthma',
        code: ASTHMA,
        onsetDateTime: '2019',
        note: 'wheeze',
        author: a.author,
      },
      a.opts,
    ),
  );
  a.record(
    updateCondition(s(a), {
      patientId: ANN.id,
      conditionId: 'asthma',
      clinicalStatus: 'resolved',
      abatementDateTime: '2026-07-01',
      author: a.author,
    }),
  );
  a.record(
    prescribe(
      s(a),
      {
        patientId: ANN.id,
        medicationRequestId: 'rx1',
        medication: RAMIPRIL,
        dosage: dose('2.5 mg once daily'),
        route: ORAL,
        note: 'start low',
        author: a.author,
      },
      a.opts,
    ),
  );
  a.record(
    prescribe(
      s(a),
      {
        patientId: ANN.id,
        medicationRequestId: 'rx2',
        medication: RAMIPRIL,
        dosage: dose('1.25 mg once daily'),
        author: a.author,
      },
      a.opts,
    ),
  );
  a.record(
    stopMedication(s(a), {
      patientId: ANN.id,
      medicationRequestId: 'rx2',
      reason: 'duplicate',
      author: a.author,
    }),
  );
  a.record(
    recordObservation(
      s(a),
      {
        patientId: ANN.id,
        observationId: 'hr',
        code: VITAL_SIGNS.heartRate,
        category: 'vital-signs',
        value: { valueQuantity: { value: 72, unit: '/min' } },
        author: a.author,
      },
      a.opts,
    ),
  );
  a.record(
    recordObservation(
      s(a),
      {
        patientId: ANN.id,
        observationId: 'bp',
        code: VITAL_SIGNS.bloodPressure,
        category: 'vital-signs',
        component: [
          { code: VITAL_SIGNS.systolic, valueQuantity: { value: 128, unit: 'mmHg' } },
          { code: VITAL_SIGNS.diastolic, valueQuantity: { value: 82, unit: 'mmHg' } },
        ],
        author: a.author,
      },
      a.opts,
    ),
  );
  a.record(
    amendObservation(s(a), {
      patientId: ANN.id,
      observationId: 'hr',
      value: { valueQuantity: { value: 74, unit: '/min' } },
      note: 'recounted',
      author: a.author,
    }),
  );
  a.record(
    recordImmunization(
      s(a),
      {
        patientId: ANN.id,
        immunizationId: 'flu',
        vaccineCode: FLU,
        occurrenceDateTime: '2025-10-02',
        lotNumber: 'AB1234',
        author: a.author,
      },
      a.opts,
    ),
  );
  a.record(
    updateImmunization(s(a), {
      patientId: ANN.id,
      immunizationId: 'flu',
      lotNumber: 'AB1235',
      note: 'batch corrected',
      author: a.author,
    }),
  );
  a.record(
    openSlot(a.schedule(CLINIC), {
      clinic: CLINIC,
      slotId: 'mon-0900',
      start: '2026-07-20T09:00:00Z',
      end: '2026-07-20T09:10:00Z',
      author: a.author,
    }),
  );
  a.record(
    openSlot(a.schedule(CLINIC), {
      clinic: CLINIC,
      slotId: 'mon-0910',
      start: '2026-07-20T09:10:00Z',
      end: '2026-07-20T09:20:00Z',
      author: a.author,
    }),
  );
  a.record(
    openSlot(a.schedule(CLINIC), {
      clinic: CLINIC,
      slotId: 'mon-0920',
      start: '2026-07-20T09:20:00Z',
      end: '2026-07-20T09:30:00Z',
      author: a.author,
    }),
  );
  a.record(
    bookAppointment(a.schedule(CLINIC), {
      clinic: CLINIC,
      slotId: 'mon-0920',
      patientId: BOB.id,
      appointmentId: 'appt-cancel',
      author: a.author,
    }),
  );
  a.record(
    cancelAppointment(a.schedule(CLINIC), {
      clinic: CLINIC,
      appointmentId: 'appt-cancel',
      reason: 'patient called',
      author: a.author,
    }),
  );
  a.record(
    openSlot(a.schedule(CLINIC), {
      clinic: CLINIC,
      slotId: 'mon-0930',
      start: '2026-07-20T09:30:00Z',
      end: '2026-07-20T09:40:00Z',
      author: a.author,
    }),
  );
  a.record(
    bookAppointment(a.schedule(CLINIC), {
      clinic: CLINIC,
      slotId: 'mon-0910',
      patientId: BOB.id,
      appointmentId: 'appt-move',
      description: 'dressing',
      author: a.author,
    }),
  );
  a.record(
    rebookAppointment(a.schedule(CLINIC), {
      clinic: CLINIC,
      appointmentId: 'appt-move',
      toSlotId: 'mon-0930',
      newAppointmentId: 'appt-moved',
      author: a.author,
    }),
  );
  a.record(
    startEncounter(
      s(a),
      { patientId: ANN.id, encounterId: 'enc1', note: 'seen in surgery', author: a.author },
      a.opts,
    ),
  );
  sync(a, b);
  b.tick(1_000);

  // The outage: each practice changes what the other changes too.
  a.record(
    updateAllergy(s(a), {
      patientId: ANN.id,
      allergyId: 'pen',
      criticality: 'high',
      addManifestations: [ANAPHYLAXIS],
      lastReviewed: '2026-07-19',
      author: a.author,
    }),
  );
  b.record(
    updateAllergy(s(b), {
      patientId: ANN.id,
      allergyId: 'pen',
      criticality: 'unable-to-assess',
      removeManifestations: [URTICARIA],
      lastReviewed: '2026-07-01',
      author: b.author,
    }),
  );
  a.record(
    changeDose(s(a), {
      patientId: ANN.id,
      medicationRequestId: 'rx1',
      dosage: dose('5 mg once daily'),
      author: a.author,
    }),
  );
  b.record(
    changeDose(s(b), {
      patientId: ANN.id,
      medicationRequestId: 'rx1',
      dosage: dose('2.5 mg once daily'),
      route: IV,
      author: b.author,
    }),
  );
  a.record(
    bookAppointment(a.schedule(CLINIC), {
      clinic: CLINIC,
      slotId: 'mon-0900',
      patientId: ANN.id,
      appointmentId: 'appt-ann',
      author: a.author,
    }),
  );
  b.record(
    bookAppointment(b.schedule(CLINIC), {
      clinic: CLINIC,
      slotId: 'mon-0900',
      patientId: BOB.id,
      appointmentId: 'appt-bob',
      description: 'BP check',
      author: b.author,
    }),
  );
  a.record(
    addConsultationNote(s(a), {
      patientId: ANN.id,
      encounterId: 'enc1',
      text: 'chest clear',
      author: a.author,
    }),
  );
  b.record(
    addConsultationNote(s(b), {
      patientId: ANN.id,
      encounterId: 'enc1',
      text: 'letter from hospital filed',
      author: b.author,
    }),
  );
  sync(a, b);
  a.tick(5_000);
  a.record(
    finishEncounter(s(a), {
      patientId: ANN.id,
      encounterId: 'enc1',
      note: 'review in 2 weeks',
      author: a.author,
    }),
  );
  sync(a, b);
  return { a, b };
}

describe('the clinical pack records FHIR R4', () => {
  it('every resource every command writes reads back as valid FHIR R4, open conflicts included', () => {
    const { a, b } = everyCommandAtTwoSites();
    const resources = everyResource(a.chart);
    expect(resources.map((r) => `${r.resourceType}/${r.id}`).sort()).toEqual([
      'AllergyIntolerance/pen',
      'AllergyIntolerance/wrong',
      'Appointment/appt-ann',
      'Appointment/appt-bob',
      'Appointment/appt-cancel',
      'Appointment/appt-move',
      'Appointment/appt-moved',
      'Condition/asthma',
      'Encounter/enc1',
      'Immunization/flu',
      'MedicationRequest/rx1',
      'MedicationRequest/rx2',
      'Observation/bp',
      'Observation/hr',
      'Patient/ann-jones',
      'Slot/mon-0900',
      'Slot/mon-0910',
      'Slot/mon-0920',
      'Slot/mon-0930',
    ]);
    expect(resources.flatMap(r4Errors)).toEqual([]);
    // The three collisions are marked as FHIR says a provisional value must be.
    const provisional = resources
      .filter((r) => JSON.stringify(r.meta?.tag ?? []).includes(PROVISIONAL_TAG.code))
      .map((r) => `${r.resourceType}/${r.id}`);
    expect(provisional.sort()).toEqual(['AllergyIntolerance/pen', 'MedicationRequest/rx1', 'Slot/mon-0900']);
    expect(everyResource(b.chart)).toEqual(resources);
  });

  it('every resource the outage drill creates is valid FHIR R4, its three collisions marked provisional', async () => {
    let resources: FhirResource[] = [];
    const result = await runOutageDrill({
      patients: 12,
      outageHours: 2,
      onConverged: (hub) => void (resources = everyResource(hub)),
    });
    expect(result.converged).toBe(true);
    expect(new Set(resources.map((r) => r.resourceType))).toEqual(
      new Set([
        'Patient',
        'AllergyIntolerance',
        'MedicationRequest',
        'Slot',
        'Appointment',
        'Encounter',
        'Observation',
      ]),
    );
    expect(resources.flatMap(r4Errors)).toEqual([]);
    expect(
      resources
        .filter((r) => r.meta?.tag !== undefined)
        .map((r) => `${r.resourceType}/${r.id}`)
        .sort(),
    ).toEqual([
      'AllergyIntolerance/allergy-patient-0001',
      'MedicationRequest/rx-patient-0001',
      'Slot/slot-3',
    ]);
  });

  it('the primary-care workload the benchmarks record is R4 too: every event folds, every resource validates', () => {
    const events = savesToEvents(generateSaves({ saves: 1_500, patients: 40, concurrency: 0.05 }));
    expect(events.filter((e) => !isFoldable(e, clinicalSchema)).map((e) => e.type)).toEqual([]);
    const chart = createChart({ schema: clinicalSchema });
    chart.apply(events);
    const resources = everyResource(chart);
    expect(new Set(resources.map((r) => r.resourceType)).size).toBe(7);
    expect(resources.flatMap(r4Errors)).toEqual([]);
  });

  it('stores R4 shapes: References, coded statuses, choice elements, reactions, dosage with its route', () => {
    const { a } = everyCommandAtTwoSites();
    const read = (key: string, stream = patientStream(ANN.id)) =>
      readFhirResource(a.chart, stream, key) as FhirResource & Record<string, unknown>;
    expect(read('Patient/ann-jones')).toMatchObject({
      identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765919' }],
      generalPractitioner: [{ reference: 'Organization/B82005' }],
    });
    expect(read('AllergyIntolerance/wrong')).toMatchObject({
      patient: { reference: `Patient/${ANN.id}` },
      verificationStatus: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
            code: 'entered-in-error',
          },
        ],
      },
    });
    expect(read('AllergyIntolerance/wrong')['clinicalStatus']).toBeUndefined();
    expect(read('AllergyIntolerance/pen')).toMatchObject({
      clinicalStatus: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' },
        ],
      },
      reaction: [{ manifestation: [ANAPHYLAXIS] }],
    });
    expect(read('Condition/asthma')).toMatchObject({
      subject: { reference: `Patient/${ANN.id}` },
      onsetDateTime: '2019',
      abatementDateTime: '2026-07-01',
      category: [{ coding: [{ code: 'problem-list-item' }] }],
    });
    expect(read('MedicationRequest/rx2')).toMatchObject({
      medicationCodeableConcept: RAMIPRIL,
      status: 'stopped',
      statusReason: { text: 'duplicate' },
      dosageInstruction: [{ text: '1.25 mg once daily' }],
    });
    expect(read('Observation/hr')).toMatchObject({
      category: [
        {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' },
          ],
        },
      ],
      valueQuantity: { value: 74 },
      status: 'amended',
    });
    expect(read('Observation/hr')['effectiveDateTime']).toEqual(expect.any(String));
    expect(read('Immunization/flu')).toMatchObject({
      patient: { reference: `Patient/${ANN.id}` },
      occurrenceDateTime: '2025-10-02',
      lotNumber: 'AB1235',
    });
    const appointment = readFhirResource(a.chart, scheduleStream(CLINIC), 'Appointment/appt-cancel');
    expect(appointment).toMatchObject({
      status: 'cancelled',
      participant: [{ actor: { reference: `Patient/${BOB.id}` }, status: 'accepted' }],
      slot: [{ reference: 'Slot/mon-0920' }],
      start: '2026-07-20T09:20:00.000Z',
      end: '2026-07-20T09:30:00.000Z',
    });
    expect(readFhirResource(a.chart, scheduleStream(CLINIC), 'Slot/mon-0920')).toMatchObject({
      status: 'free',
      schedule: { reference: `Schedule/${CLINIC}` },
    });
    expect(readFhirResource(a.chart, scheduleStream(CLINIC), 'Slot/mon-0920')?.['extension']).toBeUndefined();
    expect(readFhirResource(a.chart, scheduleStream(CLINIC), 'Appointment/appt-moved')).toMatchObject({
      status: 'booked',
      description: 'dressing',
      participant: [{ actor: { reference: `Patient/${BOB.id}` } }],
      slot: [{ reference: 'Slot/mon-0930' }],
    });
    expect(readFhirResource(a.chart, scheduleStream(CLINIC), 'Slot/mon-0930')).toMatchObject({
      status: 'busy',
      extension: [{ url: `${EXT}slot-holder`, valueReference: { reference: 'Appointment/appt-moved' } }],
    });
  });

  it('a FHIR resource a clinical command recorded can be written back unchanged through chartlog/fhir', () => {
    const { a } = everyCommandAtTwoSites();
    for (const resource of everyResource(a.chart).filter((r) => r.meta?.tag === undefined)) {
      const stream =
        resource.resourceType === 'Slot' || resource.resourceType === 'Appointment'
          ? scheduleStream(CLINIC)
          : patientStream(ANN.id);
      expect(prepareFhirWrite(a.chart, resource, { author: a.author, stream })).toBeUndefined();
    }
  });
});

describe('mappings that needed a decision', () => {
  it('a slot booked at two sites during an outage is still one conflict, on the slot-holder extension, with both bookings', () => {
    const { a } = everyCommandAtTwoSites();
    expect(readSlots(a.schedule(CLINIC))[0]).toMatchObject({
      id: 'mon-0900',
      status: 'busy',
      holders: ['appt-ann', 'appt-bob'],
      doubleBooked: true,
      conflicts: ['holder'],
    });
    const slot = readFhirResource(a.chart, scheduleStream(CLINIC), 'Slot/mon-0900') as FhirResource & {
      extension: {
        url: string;
        valueReference?: unknown;
        extension?: { url: string; extension?: { url: string; valueString?: string }[] }[];
      }[];
    };
    expect(slot.status).toBe('busy');
    expect(slot.extension[0]).toEqual({
      url: `${EXT}slot-holder`,
      valueReference: { reference: 'Appointment/appt-bob' },
    });
    const marker = slot.extension.find((x) => x.url === CONCURRENT_VALUES_EXTENSION);
    expect(marker?.extension?.[0]).toEqual({
      url: 'element',
      valueString: `Slot.extension('${EXT}slot-holder')`,
    });
    const candidates = marker?.extension
      ?.filter((x) => x.url === 'candidate')
      .map((c) => c.extension?.find((x) => x.url === 'value')?.valueString);
    expect(candidates).toEqual([
      JSON.stringify({ url: `${EXT}slot-holder`, valueReference: { reference: 'Appointment/appt-ann' } }),
      JSON.stringify({ url: `${EXT}slot-holder`, valueReference: { reference: 'Appointment/appt-bob' } }),
    ]);
  });

  it('the last review (an extension) only moves forward, whichever site reviewed last', () => {
    const { a } = everyCommandAtTwoSites();
    expect(readAllergies(a.patient(ANN.id)).find((x) => x.id === 'pen')?.lastReviewed).toBe('2026-07-19');
    const allergy = readFhirResource(
      a.chart,
      patientStream(ANN.id),
      'AllergyIntolerance/pen',
    ) as FhirResource & { extension: unknown[] };
    expect(allergy.extension).toContainEqual({ url: `${EXT}allergy-last-reviewed`, valueDate: '2026-07-19' });
  });

  it('consultation notes from two sites are all kept, as encounter-note extensions in the total order', () => {
    const { a, b } = everyCommandAtTwoSites();
    const texts = ['seen in surgery', 'chest clear', 'letter from hospital filed', 'review in 2 weeks'];
    for (const s of [a, b])
      expect(readEncounters(s.patient(ANN.id))[0]?.notes.map((n) => n.text)).toEqual(texts);
    const encounter = readFhirResource(a.chart, patientStream(ANN.id), 'Encounter/enc1') as FhirResource & {
      extension: unknown[];
      period: { start: string; end: string };
    };
    expect(encounter.extension).toEqual(
      texts.map((text) => ({ url: `${EXT}encounter-note`, valueAnnotation: { text } })),
    );
    expect(encounter).toMatchObject({
      status: 'finished',
      class: { code: 'AMB' },
      subject: { reference: `Patient/${ANN.id}` },
    });
    expect(Date.parse(encounter.period.end)).toBeGreaterThan(Date.parse(encounter.period.start));
  });

  it('a dose change and a route change made concurrently are one conflict on dosageInstruction, never a union', () => {
    const { a } = everyCommandAtTwoSites();
    const [rx] = readMedications(a.patient(ANN.id));
    expect(rx).toMatchObject({ id: 'rx1', conflicts: ['dosageInstruction'] });
    const request = readFhirResource(
      a.chart,
      patientStream(ANN.id),
      'MedicationRequest/rx1',
    ) as FhirResource & {
      dosageInstruction: unknown[];
      extension: {
        url: string;
        extension: {
          url: string;
          valueString?: string;
          extension?: { url: string; valueString?: string }[];
        }[];
      }[];
    };
    // One dose shows, with its own route: b's, which sorts later.
    expect(request.dosageInstruction).toEqual([{ text: '2.5 mg once daily', route: IV }]);
    const marker = request.extension.find((x) => x.url === CONCURRENT_VALUES_EXTENSION);
    expect(marker?.extension[0]).toEqual({
      url: 'element',
      valueString: 'MedicationRequest.dosageInstruction',
    });
    const candidates = marker?.extension
      .filter((x) => x.url === 'candidate')
      .map((c) => JSON.parse(c.extension?.find((x) => x.url === 'value')?.valueString ?? '{}') as unknown);
    // a changed only the dose and kept the route it saw; b changed the route: each candidate is a whole dose.
    expect(candidates).toEqual([
      { dosageInstruction: [{ text: '5 mg once daily', route: ORAL }] },
      { dosageInstruction: [{ text: '2.5 mg once daily', route: IV }] },
    ]);
  });

  it('each manifestation is its own reaction entry: one removed at one site and one added at another both hold', () => {
    const { a } = everyCommandAtTwoSites();
    expect(readAllergies(a.patient(ANN.id)).find((x) => x.id === 'pen')?.manifestation).toEqual([
      ANAPHYLAXIS,
    ]);
    expect(readFhirResource(a.chart, patientStream(ANN.id), 'AllergyIntolerance/pen')?.['reaction']).toEqual([
      { manifestation: [ANAPHYLAXIS] },
    ]);
  });

  it('marking an allergy entered-in-error takes its clinical status away, as R4 requires; a status with it is refused', () => {
    const { a } = everyCommandAtTwoSites();
    expect(readAllergies(a.patient(ANN.id)).find((x) => x.id === 'wrong')).toMatchObject({
      verificationStatus: 'entered-in-error',
      clinicalStatus: undefined,
    });
    expect(
      refusal(() =>
        updateAllergy(a.patient(ANN.id), {
          patientId: ANN.id,
          allergyId: 'wrong',
          clinicalStatus: 'active',
          author: a.author,
        }),
      ),
    ).toMatchObject({ code: 'INVALID_COMMAND', issues: [{ path: ['clinicalStatus'] }] });
  });

  it('an abatement date on a problem that is still active is refused, as R4 requires, naming the input', () => {
    const a = site('practice-a');
    a.record(
      recordCondition(
        undefined,
        { patientId: ANN.id, conditionId: 'asthma', code: ASTHMA, author: a.author },
        a.opts,
      ),
    );
    expect(
      refusal(() =>
        updateCondition(a.patient(ANN.id), {
          patientId: ANN.id,
          conditionId: 'asthma',
          abatementDateTime: '2026-07-01',
          author: a.author,
        }),
      ),
    ).toMatchObject({ code: 'INVALID_COMMAND', issues: [{ path: ['abatementDateTime'] }] });
  });

  it('an input R4 refuses is refused naming the input, before anything is recorded', () => {
    const a = site('practice-a');
    expect(
      refusal(() =>
        recordCondition(undefined, {
          patientId: ANN.id,
          code: ASTHMA,
          onsetDateTime: 'last spring',
          author: a.author,
        }),
      ),
    ).toMatchObject({
      code: 'INVALID_COMMAND',
      issues: [{ path: ['onsetDateTime'], message: expect.stringContaining('not a valid FHIR dateTime') }],
    });
    a.record(
      openSlot(undefined, {
        clinic: CLINIC,
        slotId: 's1',
        start: '2026-07-20T09:00:00Z',
        end: '2026-07-20T09:10:00Z',
        author: a.author,
      }),
    );
    expect(
      refusal(() =>
        bookAppointment(a.schedule(CLINIC), {
          clinic: CLINIC,
          slotId: 's1',
          patientId: undefined as never,
          author: a.author,
        }),
      ),
    ).toMatchObject({ code: 'INVALID_COMMAND', issues: [{ path: ['patientId'], message: 'is required' }] });
    expect(
      refusal(() =>
        startEncounter(undefined, { patientId: ANN.id, class: 'WARD' as never, author: a.author }),
      ),
    ).toMatchObject({ issues: [{ path: ['class'] }] });
  });

  it('a clinical replica holds any R4 resource beside the pack’s, and the pack’s event types are at v2', () => {
    expect(clinicalSchema.eventType('allergy.recorded', 2)).toBeDefined();
    expect(clinicalSchema.eventType('allergy.recorded', 3)).toBeUndefined();
    expect(clinicalSchema.eventType('fhir.created', 1)).toBeDefined();
    expect(clinicalSchema.field('CarePlan', 'status')?.rule.name).toBe('mv');
    expect(clinicalSchema.field('Slot', 'holder')?.rule.name).toBe('mv');
    expect(clinicalSchema.field('AllergyIntolerance', 'lastReviewed')?.rule.name).toBe('max');
    expect(clinicalSchema.field('Encounter', 'note')?.rule.name).toBe('log');
  });
});
