import { describe, expect, it } from 'vitest';
import {
  addConsultationNote,
  finishEncounter,
  readEncounters,
  startEncounter,
} from '../../src/clinical/index.js';
import { ANN, refusal, site, sync } from './fixtures.js';

describe('Encounter with consultation notes', () => {
  it('a consultation starts in progress, takes notes and finishes with its period', () => {
    const a = site('practice-a');
    a.record(
      startEncounter(undefined, {
        patientId: ANN.id,
        encounterId: 'c1',
        class: 'VR',
        start: '2026-07-19T09:00:00+01:00',
        appointmentId: 'appt-ann',
        author: a.author,
      }),
    );
    a.record(
      addConsultationNote(a.patient(ANN.id), {
        patientId: ANN.id,
        encounterId: 'c1',
        text: 'Telephone review. Wheeze worse at night.',
        author: a.author,
      }),
    );
    a.record(
      finishEncounter(a.patient(ANN.id), {
        patientId: ANN.id,
        encounterId: 'c1',
        end: '2026-07-19T08:12:00Z',
        author: a.author,
      }),
    );
    const [encounter] = readEncounters(a.patient(ANN.id));
    expect(encounter).toMatchObject({
      id: 'c1',
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'VR' },
      periodStart: '2026-07-19T08:00:00.000Z',
      periodEnd: '2026-07-19T08:12:00.000Z',
      appointmentId: 'appt-ann',
    });
    expect(encounter?.notes.map((n) => n.text)).toEqual(['Telephone review. Wheeze worse at night.']);
  });

  it('the note log keeps every entry from every site, in the total order of events, identically everywhere', () => {
    const gp = site('practice-a');
    const nurse = site('practice-a-branch');
    gp.record(
      startEncounter(undefined, {
        patientId: ANN.id,
        encounterId: 'c1',
        start: new Date('2026-07-19T08:00:00Z'),
        author: gp.author,
      }),
    );
    sync(gp, nurse);
    const note = (s: typeof gp, text: string, wait: number) => {
      s.tick(wait);
      s.record(
        addConsultationNote(s.patient(ANN.id), {
          patientId: ANN.id,
          encounterId: 'c1',
          text,
          author: s.author,
        }),
      );
    };
    note(gp, '1 history taken', 100);
    note(nurse, '2 obs: T 37.9, HR 96', 200);
    note(gp, '3 chest: scattered wheeze', 300);
    note(nurse, '4 peak flow 310 L/min', 400);
    note(gp, '5 plan: prednisolone 40 mg 5 days', 500);
    sync(gp, nurse);
    for (const s of [gp, nurse]) {
      const notes = readEncounters(s.patient(ANN.id))[0]?.notes ?? [];
      expect(notes.map((n) => n.text)).toEqual([
        '1 history taken',
        '2 obs: T 37.9, HR 96',
        '3 chest: scattered wheeze',
        '4 peak flow 310 L/min',
        '5 plan: prednisolone 40 mg 5 days',
      ]);
      expect(notes.map((n) => n.author)).toEqual([
        'dr-practice-a',
        'dr-practice-a-branch',
        'dr-practice-a',
        'dr-practice-a-branch',
        'dr-practice-a',
      ]);
    }
    expect(gp.chart.hash()).toBe(nurse.chart.hash());
  });

  it('when two sites record the period, the encounter spans the earliest start and the latest end', () => {
    const a = site('practice-a');
    const b = site('practice-b');
    a.record(
      startEncounter(undefined, {
        patientId: ANN.id,
        encounterId: 'c1',
        start: '2026-07-19T08:05:00Z',
        author: a.author,
      }),
    );
    sync(a, b);
    a.record(
      finishEncounter(a.patient(ANN.id), {
        patientId: ANN.id,
        encounterId: 'c1',
        end: '2026-07-19T08:30:00Z',
        author: a.author,
      }),
    );
    b.record(
      finishEncounter(b.patient(ANN.id), {
        patientId: ANN.id,
        encounterId: 'c1',
        end: '2026-07-19T08:20:00Z',
        author: b.author,
      }),
    );
    sync(a, b);
    expect(readEncounters(b.patient(ANN.id))[0]).toMatchObject({
      periodStart: '2026-07-19T08:05:00.000Z',
      periodEnd: '2026-07-19T08:30:00.000Z',
    });
  });

  it('an empty note, a note on an unknown encounter, an end before the start and finishing twice are refused', () => {
    const a = site('practice-a');
    a.record(
      startEncounter(undefined, {
        patientId: ANN.id,
        encounterId: 'c1',
        start: '2026-07-19T08:05:00Z',
        author: a.author,
      }),
    );
    expect(
      refusal(() =>
        addConsultationNote(a.patient(ANN.id), {
          patientId: ANN.id,
          encounterId: 'c1',
          text: '  ',
          author: a.author,
        }),
      ),
    ).toMatchObject({ code: 'INVALID_COMMAND', issues: [{ path: ['text'] }] });
    expect(
      refusal(() =>
        addConsultationNote(a.patient(ANN.id), {
          patientId: ANN.id,
          encounterId: 'c2',
          text: 'x',
          author: a.author,
        }),
      ),
    ).toMatchObject({ issues: [{ path: ['encounterId'] }] });
    expect(
      refusal(() =>
        finishEncounter(a.patient(ANN.id), {
          patientId: ANN.id,
          encounterId: 'c1',
          end: '2026-07-19T08:00:00Z',
          author: a.author,
        }),
      ),
    ).toMatchObject({ issues: [{ path: ['end'] }] });
    a.record(
      finishEncounter(a.patient(ANN.id), {
        patientId: ANN.id,
        encounterId: 'c1',
        end: '2026-07-19T08:15:00Z',
        author: a.author,
      }),
    );
    expect(
      refusal(() =>
        finishEncounter(a.patient(ANN.id), { patientId: ANN.id, encounterId: 'c1', author: a.author }),
      ),
    ).toMatchObject({
      issues: [{ path: ['encounterId'], message: expect.stringContaining('already finished') }],
    });
  });
});
