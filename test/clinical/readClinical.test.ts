import { describe, expect, expectTypeOf, it } from 'vitest';
import { startCommand } from '../../src/clinical/command.js';
import { type EventResourcesOf } from '../../src/index.js';
import {
  clinicalEvents,
  clinicalSchema,
  clinicalViews,
  defineView,
  openSlot,
  readAllergies,
  readAppointments,
  readClinical,
  readConditions,
  readEncounters,
  readImmunizations,
  readMedications,
  readObservations,
  readPatient,
  readSlots,
  readView,
  bookAppointment,
  prescribe,
  recordAllergy,
  recordCondition,
  recordImmunization,
  recordObservation,
  registerPatient,
  startEncounter,
  VITAL_SIGNS,
  type AllergyCriticality,
  type AllergyView,
  type ClinicalEventType,
  type ClinicalNote,
  type ClinicalResourceType,
  type ClinicalView,
  type CodeableConcept,
  type SlotView,
} from '../../src/clinical/index.js';
import { ANN, PENICILLIN, RAMIPRIL, site, SNOMED } from './fixtures.js';

/** The pack's own event types, as the schema holds them (the core's and FHIR's aside). */
function packEventTypes(): string[] {
  return Object.keys(clinicalSchema.definition.events).filter(
    (t) => !t.startsWith('chart.') && !t.startsWith('fhir.'),
  );
}

describe('the clinical pack derived from its schema', () => {
  it('has a view for every resource type its event types write, and none for a type they never write', () => {
    const written = new Set(
      packEventTypes().flatMap((t) => {
        const resources = clinicalSchema.eventType(t, 2)?.resources;
        return Array.isArray(resources) ? resources : [];
      }),
    );
    expect([...written].sort()).toEqual(Object.keys(clinicalViews).sort());
    for (const [type, view] of Object.entries(clinicalViews)) expect(view.resourceType).toBe(type);
  });

  it('folds exactly the event types the pack defines, each at v2', () => {
    expect(packEventTypes().sort()).toEqual(Object.keys(clinicalEvents).sort());
    for (const t of packEventTypes()) expect(clinicalSchema.eventType(t, 2)).toBeDefined();
  });

  it('reads every resource type through one reader, as the named readers do', () => {
    const a = site('practice-a');
    a.record(
      registerPatient(
        undefined,
        {
          patientId: ANN.id,
          name: { family: 'Jones' },
          birthDate: '1950-03-02',
          gender: 'female',
          author: a.author,
        },
        a.opts,
      ),
    );
    const patientId = ANN.id;
    const author = a.author;
    a.record(
      recordAllergy(
        a.patient(patientId),
        { patientId, code: PENICILLIN, criticality: 'high', author },
        a.opts,
      ),
    );
    a.record(recordCondition(a.patient(patientId), { patientId, code: { text: 'Asthma' }, author }, a.opts));
    a.record(
      prescribe(
        a.patient(patientId),
        { patientId, medication: RAMIPRIL, dosage: { text: '2.5 mg daily' }, author },
        a.opts,
      ),
    );
    a.record(
      recordObservation(
        a.patient(patientId),
        { patientId, code: VITAL_SIGNS.heartRate, value: { valueInteger: 72 }, author },
        a.opts,
      ),
    );
    a.record(
      recordImmunization(
        a.patient(patientId),
        {
          patientId,
          vaccineCode: { coding: [{ system: SNOMED, code: '1181000221105' }] },
          occurrenceDateTime: '2026-07-01',
          author,
        },
        a.opts,
      ),
    );
    a.record(startEncounter(a.patient(patientId), { patientId, note: 'seen', author }, a.opts));
    a.record(
      openSlot(
        a.schedule('leeds-road'),
        {
          clinic: 'leeds-road',
          slotId: 's1',
          start: '2026-07-20T09:00:00Z',
          end: '2026-07-20T09:10:00Z',
          author,
        },
        a.opts,
      ),
    );
    a.record(
      bookAppointment(
        a.schedule('leeds-road'),
        { clinic: 'leeds-road', slotId: 's1', patientId, appointmentId: 'appt-1', author },
        a.opts,
      ),
    );

    const record = a.patient(patientId);
    const book = a.schedule('leeds-road');
    expect(readClinical(record, 'Patient')[0]).toEqual(readPatient(record));
    expect(readClinical(record, 'AllergyIntolerance')).toEqual(readAllergies(record));
    expect(readClinical(record, 'Condition')).toEqual(readConditions(record));
    expect(readClinical(record, 'MedicationRequest')).toEqual(readMedications(record));
    expect(readClinical(record, 'Observation')).toEqual(readObservations(record));
    expect(readClinical(record, 'Immunization')).toEqual(readImmunizations(record));
    expect(readClinical(record, 'Encounter')).toEqual(readEncounters(record));
    expect(readClinical(book, 'Slot')).toEqual(readSlots(book));
    expect(readClinical(book, 'Appointment')).toEqual(readAppointments(book));
    for (const type of Object.keys(clinicalViews) as ClinicalResourceType[]) {
      const rows = readClinical(type === 'Slot' || type === 'Appointment' ? book : record, type);
      expect(rows, type).toHaveLength(1);
      expect(Object.keys(rows[0] ?? {}).sort(), type).toEqual(
        ['id', 'conflicts', ...Object.keys(clinicalViews[type].columns)].sort(),
      );
    }
    expect(readClinical(record, 'AllergyIntolerance')[0]).toMatchObject({ criticality: 'high', patientId });
    expect(readClinical(book, 'Slot')[0]).toMatchObject({ status: 'busy', holders: ['appt-1'] });
    expect(readClinical(undefined, 'Observation')).toEqual([]);
  });

  it('lets a local resource type be shown the same way, its view type derived from its columns', () => {
    const flagView = defineView('Flag', (c) => ({
      /** What the flag says. */
      code: c.field<CodeableConcept>('code'),
      patientId: c.referenceId('subject'),
      notes: c.notes(),
    }));
    const a = site('practice-a');
    expect(readView(flagView, a.patient(ANN.id))).toEqual([]);
    expectTypeOf(readView(flagView, undefined)[0]?.code).toEqualTypeOf<CodeableConcept | undefined>();
    expectTypeOf(readView(flagView, undefined)[0]?.notes).toEqualTypeOf<
      readonly ClinicalNote[] | undefined
    >();
  });

  it('keeps the literal event and resource types, so a misspelt one does not compile', () => {
    expectTypeOf<ClinicalEventType>().toEqualTypeOf<
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
      | 'appointment.rebooked'
    >();
    expectTypeOf<ClinicalResourceType>().toEqualTypeOf<
      | 'Patient'
      | 'AllergyIntolerance'
      | 'Condition'
      | 'MedicationRequest'
      | 'Observation'
      | 'Immunization'
      | 'Encounter'
      | 'Slot'
      | 'Appointment'
    >();
    expectTypeOf<EventResourcesOf<typeof clinicalSchema, 'appointment.booked'>>().toEqualTypeOf<
      'Appointment' | 'Slot'
    >();
    expectTypeOf<EventResourcesOf<typeof clinicalSchema, 'fhir.created'>>().toEqualTypeOf<string>();
    const author = { id: 'dr-a' };
    // @ts-expect-error: no such clinical event type
    expect(() => startCommand('allergy.recordd', undefined, { author })).not.toThrow();
    // @ts-expect-error: no such clinical resource type
    expect(readClinical(undefined, 'Allergy')).toEqual([]);
  });

  it('derives each view type from its columns: typo-proof field names, the types the columns read', () => {
    expectTypeOf<ClinicalView<'AllergyIntolerance'>>().toEqualTypeOf<AllergyView>();
    expectTypeOf<AllergyView['criticality']>().toEqualTypeOf<AllergyCriticality | undefined>();
    expectTypeOf<AllergyView['notes']>().toEqualTypeOf<readonly ClinicalNote[]>();
    expectTypeOf<AllergyView['id']>().toEqualTypeOf<string>();
    expectTypeOf<SlotView['doubleBooked']>().toEqualTypeOf<boolean>();
    const allergy = readClinical(undefined, 'AllergyIntolerance')[0];
    // @ts-expect-error: an allergy view has no field "critcality"
    expect(allergy?.critcality).toBeUndefined();
  });
});
