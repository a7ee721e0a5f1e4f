import { describe, expect, it } from 'vitest';
import { listConflicts } from '../../src/index.js';
import {
  isValidNhsNumber,
  NHS_NUMBER_SYSTEM,
  nhsNumberProblem,
  patientStream,
  readPatient,
  registerPatient,
  updateDemographics,
} from '../../src/clinical/index.js';
import { ANN, refusal, site, sync } from './fixtures.js';

const HOME = { use: 'home', line: ['1 High Street'], city: 'Leeds', postalCode: 'LS1 1AA' } as const;
const NEW_HOME = { use: 'home', line: ['9 Park Lane'], city: 'Leeds', postalCode: 'LS6 2AB' } as const;

describe('NHS number', () => {
  it('accepts ten digits whose last is the modulus-11 check digit of the first nine, spaced or not', () => {
    expect(isValidNhsNumber('9434765919')).toBe(true);
    expect(isValidNhsNumber('943 476 5919')).toBe(true);
  });

  it('refuses a mistyped digit, swapped neighbours, a number with no check digit, and wrong lengths', () => {
    expect(nhsNumberProblem('9434765918')).toMatch(/check digit/);
    expect(nhsNumberProblem('9434765991')).toMatch(/check digit/);
    expect(nhsNumberProblem('1000000010')).toMatch(/no check digit/);
    expect(nhsNumberProblem('943476591')).toMatch(/10 digits/);
  });
});

describe('Patient', () => {
  it('registering a patient records demographics, the NHS number without spaces, contact details and the registered practice', () => {
    const a = site('practice-a');
    a.record(
      registerPatient(undefined, {
        patientId: ANN.id,
        name: { use: 'official', family: 'Jones', given: ['Ann'] },
        birthDate: '1950-03-02',
        gender: 'female',
        nhsNumber: ANN.nhsNumber,
        telecom: [{ system: 'phone', value: '01632 960001', use: 'mobile' }],
        address: [HOME],
        generalPractitioner: 'Organization/B86001',
        author: a.author,
      }),
    );
    expect(readPatient(a.patient(ANN.id))).toEqual({
      id: ANN.id,
      conflicts: [],
      name: [{ use: 'official', family: 'Jones', given: ['Ann'] }],
      birthDate: '1950-03-02',
      gender: 'female',
      nhsNumber: '9434765919',
      identifier: [{ system: NHS_NUMBER_SYSTEM, value: '9434765919' }],
      telecom: [{ system: 'phone', value: '01632 960001', use: 'mobile' }],
      address: [HOME],
      generalPractitioner: ['Organization/B86001'],
    });
  });

  it('an invalid NHS number is refused with INVALID_COMMAND naming `nhsNumber`, and nothing is recorded', () => {
    const a = site('practice-a');
    const err = refusal(() =>
      a.record(
        registerPatient(undefined, {
          patientId: ANN.id,
          name: { family: 'Jones' },
          birthDate: '1950-03-02',
          gender: 'female',
          nhsNumber: '943 476 5918',
          author: a.author,
        }),
      ),
    );
    expect(err).toMatchObject({
      name: 'ChartlogError',
      code: 'INVALID_COMMAND',
      issues: [{ path: ['nhsNumber'], message: expect.stringContaining('check digit') }],
    });
    expect(a.held.size).toBe(0);
    expect(a.patient(ANN.id)).toBeUndefined();
  });

  it('every problem is reported at once, each naming its input field', () => {
    const a = site('practice-a');
    const err = refusal(() =>
      registerPatient(undefined, {
        patientId: 'not an id!',
        name: [],
        birthDate: '2 March 1950',
        gender: 'f' as never,
        author: { id: '' },
      }),
    );
    expect((err as { issues: { path: unknown[] }[] }).issues.map((i) => i.path)).toEqual(
      expect.arrayContaining([['author', 'id'], ['patientId'], ['name'], ['birthDate'], ['gender']]),
    );
    expect(a.held.size).toBe(0);
  });

  it('a move is one event that removes the old address and adds the new; an address added concurrently elsewhere survives', () => {
    const a = site('practice-a');
    const b = site('hospital-b');
    a.record(
      registerPatient(undefined, {
        patientId: ANN.id,
        name: { family: 'Jones' },
        birthDate: '1950-03-02',
        gender: 'female',
        address: [HOME],
        author: a.author,
      }),
    );
    sync(a, b);
    a.record(
      updateDemographics(a.patient(ANN.id), {
        patientId: ANN.id,
        addAddress: [NEW_HOME],
        removeAddress: [HOME],
        author: a.author,
      }),
    );
    const temp = { use: 'temp', text: 'Ward 4, St James’s' } as const;
    b.record(
      updateDemographics(b.patient(ANN.id), {
        patientId: ANN.id,
        addAddress: [temp],
        addTelecom: [{ system: 'email', value: 'ann@example.org' }],
        author: b.author,
      }),
    );
    sync(a, b);
    const byJson = (x: unknown, y: unknown): number => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1);
    expect([...(readPatient(a.patient(ANN.id))?.address ?? [])].sort(byJson)).toEqual(
      [NEW_HOME, temp].sort(byJson),
    );
    // Concurrent additions stand in the order of their events, the same at every site.
    expect(readPatient(b.patient(ANN.id))?.address).toEqual(readPatient(a.patient(ANN.id))?.address);
    expect(readPatient(b.patient(ANN.id))?.telecom).toEqual([{ system: 'email', value: 'ann@example.org' }]);
    expect(a.chart.hash()).toBe(b.chart.hash());
  });

  it('two sites correcting the date of birth concurrently show a conflict, never a silent choice', () => {
    const a = site('practice-a');
    const b = site('hospital-b');
    a.record(
      registerPatient(undefined, {
        patientId: ANN.id,
        name: { family: 'Jones' },
        birthDate: '1950-03-02',
        gender: 'female',
        author: a.author,
      }),
    );
    sync(a, b);
    a.record(
      updateDemographics(a.patient(ANN.id), { patientId: ANN.id, birthDate: '1950-02-03', author: a.author }),
    );
    b.tick(1_000);
    b.record(
      updateDemographics(b.patient(ANN.id), { patientId: ANN.id, birthDate: '1951-03-02', author: b.author }),
    );
    sync(a, b);
    expect(readPatient(a.patient(ANN.id))?.conflicts).toEqual(['birthDate']);
    expect(listConflicts(a.chart)[0]?.writes.map((w) => w.value)).toEqual(['1950-02-03', '1951-03-02']);
  });

  it('changing the NHS number keeps the other identifiers; updating an unregistered patient or changing nothing is refused', () => {
    const a = site('practice-a');
    a.record(
      registerPatient(undefined, {
        patientId: ANN.id,
        name: { family: 'Jones' },
        birthDate: '1950-03-02',
        gender: 'female',
        identifier: [{ system: 'https://trust.example/mrn', value: 'H123' }],
        author: a.author,
      }),
    );
    a.record(
      updateDemographics(a.patient(ANN.id), {
        patientId: ANN.id,
        nhsNumber: ANN.nhsNumber,
        author: a.author,
      }),
    );
    expect(readPatient(a.patient(ANN.id))?.identifier).toEqual([
      { system: NHS_NUMBER_SYSTEM, value: '9434765919' },
      { system: 'https://trust.example/mrn', value: 'H123' },
    ]);
    expect(
      refusal(() => updateDemographics(a.patient(ANN.id), { patientId: ANN.id, author: a.author })),
    ).toMatchObject({ code: 'INVALID_COMMAND', issues: [{ path: [], message: 'nothing to change' }] });
    expect(
      refusal(() =>
        updateDemographics(undefined, { patientId: 'someone-else', gender: 'male', author: a.author }),
      ),
    ).toMatchObject({ code: 'INVALID_COMMAND', issues: [{ path: ['patientId'] }] });
  });

  it('a command given another record’s state is refused: pred would name writes the author never saw', () => {
    const a = site('practice-a');
    a.record(
      registerPatient(undefined, {
        patientId: ANN.id,
        name: { family: 'Jones' },
        birthDate: '1950-03-02',
        gender: 'female',
        author: a.author,
      }),
    );
    expect(patientStream(ANN.id)).toBe('patient/ann-jones');
    expect(
      refusal(() =>
        registerPatient(a.patient(ANN.id), {
          patientId: 'other',
          name: { family: 'X' },
          birthDate: '1960-01-01',
          gender: 'male',
          author: a.author,
        }),
      ),
    ).toMatchObject({ code: 'INVALID_COMMAND', issues: [{ path: ['stream'] }] });
  });
});
