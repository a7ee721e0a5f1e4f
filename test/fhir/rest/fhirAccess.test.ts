/**
 * What a FHIR client may reach: SMART v1 scopes parsed whole (anything else refused, never
 * ignored), `patient/` scopes bound to one record, and tokens compared as peers' are.
 */
import { describe, expect, it } from 'vitest';
import { fhirDirectoryStream, fhirPatientStream } from '../../../src/fhir/fhirStreamOf.js';
import { canRead, canWrite, checkFhirAccess, parseFhirAccess } from '../../../src/fhir/rest/fhirAccess.js';
import { createFhirAuthenticator } from '../../../src/fhir/rest/fhirAuthenticator.js';
import type { FhirClient } from '../../../src/fhir/rest/fhirClients.js';

const p1 = fhirPatientStream('p1');
const p2 = fhirPatientStream('p2');
const practitioners = fhirDirectoryStream('Practitioner');

const problemsOf = (scope: unknown, patient?: unknown): { field: string; message: string }[] => {
  const problems: { field: string; message: string }[] = [];
  const access = checkFhirAccess(scope, patient, (field, message) => problems.push({ field, message }));
  expect(access === undefined).toBe(problems.length > 0);
  return problems;
};

describe('parseFhirAccess', () => {
  it('reads the shorthands: read is system/*.read, read-write is system/*.*', () => {
    expect(parseFhirAccess('read')).toEqual({
      scopes: [{ context: 'system', type: '*', read: true, write: false }],
    });
    expect(parseFhirAccess('read-write')).toEqual({
      scopes: [{ context: 'system', type: '*', read: true, write: true }],
    });
  });

  it('reads space-separated SMART v1 scopes and binds patient/ scopes to the patient', () => {
    expect(
      parseFhirAccess(
        '  patient/Observation.read\tpatient/AllergyIntolerance.*  user/Practitioner.read ',
        'p1',
      ),
    ).toEqual({
      scopes: [
        { context: 'patient', type: 'Observation', read: true, write: false },
        { context: 'patient', type: 'AllergyIntolerance', read: true, write: true },
        { context: 'user', type: 'Practitioner', read: true, write: false },
      ],
      patient: 'p1',
    });
    expect(parseFhirAccess('system/Patient.write').scopes).toEqual([
      { context: 'system', type: 'Patient', read: false, write: true },
    ]);
  });

  it('refuses a scope string that is not a list of resource scopes, naming each bad word', () => {
    expect(problemsOf('')).toEqual([{ field: 'scope', message: expect.stringContaining('grants nothing') }]);
    expect(problemsOf(['read'])).toEqual([
      { field: 'scope', message: expect.stringContaining('must be a string') },
    ]);
    expect(problemsOf('openid fhirUser system/*.read')).toEqual([
      { field: 'scope', message: expect.stringContaining('openid grants no FHIR resource access') },
      { field: 'scope', message: expect.stringContaining('fhirUser grants no FHIR resource access') },
    ]);
    expect(problemsOf('patient/*.rs', 'p1')).toEqual([
      { field: 'scope', message: expect.stringContaining('SMART v2') },
    ]);
    expect(problemsOf('system/Observaton.read')).toEqual([
      { field: 'scope', message: expect.stringContaining('Observaton is not an R4 resource type') },
    ]);
    expect(problemsOf('system/*.delete')).toHaveLength(1);
    expect(problemsOf('write')).toHaveLength(1);
  });

  it('requires a patient exactly with patient/ scopes, and a FHIR id', () => {
    expect(problemsOf('patient/*.read')).toEqual([
      { field: 'patient', message: expect.stringContaining('is required with patient/ scopes') },
    ]);
    expect(problemsOf('system/*.read', 'p1')).toEqual([
      { field: 'patient', message: expect.stringContaining('only applies to patient/ scopes') },
    ]);
    expect(problemsOf('patient/*.read', 'Patient/p1')).toEqual([
      { field: 'patient', message: expect.stringContaining('FHIR id') },
    ]);
    expect(problemsOf('patient/*.read', 7)).toEqual([
      { field: 'patient', message: expect.stringContaining('FHIR id') },
    ]);
  });

  it('throws INVALID_OPTION with the issues for code-configured clients', () => {
    expect(() => parseFhirAccess('patient/*.read')).toThrowError(
      expect.objectContaining({
        code: 'INVALID_OPTION',
        issues: [{ severity: 'error', code: 'invalid', path: ['patient'], message: expect.any(String) }],
      }),
    );
  });
});

describe('canRead / canWrite', () => {
  it('a read client reads every record and directory, and cannot write anything', () => {
    const access = parseFhirAccess('read');
    for (const [type, stream] of [
      ['Patient', p1],
      ['Observation', p2],
      ['Practitioner', practitioners],
      ['Observation', undefined],
    ] as const) {
      expect(canRead(access, type, stream)).toBe(true);
      expect(canWrite(access, type, stream)).toBe(false);
    }
  });

  it('a read-write client reads and writes everywhere', () => {
    const access = parseFhirAccess('read-write');
    expect(canWrite(access, 'MedicationRequest', p2)).toBe(true);
    expect(canWrite(access, 'Organization', fhirDirectoryStream('Organization'))).toBe(true);
    expect(canRead(access, 'Observation', undefined)).toBe(true);
  });

  it("a patient/ client reaches its patient's record only: the Patient and its compartment", () => {
    const access = parseFhirAccess('patient/*.read', 'p1');
    expect(canRead(access, 'Patient', p1)).toBe(true);
    expect(canRead(access, 'Observation', p1)).toBe(true);
    expect(canRead(access, 'Patient', p2)).toBe(false);
    expect(canRead(access, 'Observation', p2)).toBe(false);
    expect(canRead(access, 'Observation', undefined)).toBe(false);
    expect(canWrite(access, 'Observation', p1)).toBe(false);
  });

  it('a patient/ client cannot read directory resources unless a user/ or system/ scope grants them', () => {
    expect(canRead(parseFhirAccess('patient/*.read', 'p1'), 'Practitioner', practitioners)).toBe(false);
    expect(canRead(parseFhirAccess('patient/*.*', 'p1'), 'Practitioner', practitioners)).toBe(false);
    const withDirectory = parseFhirAccess('patient/*.read user/Practitioner.read', 'p1');
    expect(canRead(withDirectory, 'Practitioner', practitioners)).toBe(true);
    expect(canRead(withDirectory, 'Organization', fhirDirectoryStream('Organization'))).toBe(false);
    expect(canWrite(withDirectory, 'Practitioner', practitioners)).toBe(false);
  });

  it('a scope for one type reaches that type only; .write alone does not read', () => {
    const access = parseFhirAccess('patient/Observation.write patient/AllergyIntolerance.read', 'p1');
    expect(canWrite(access, 'Observation', p1)).toBe(true);
    expect(canRead(access, 'Observation', p1)).toBe(false);
    expect(canRead(access, 'AllergyIntolerance', p1)).toBe(true);
    expect(canWrite(access, 'AllergyIntolerance', p1)).toBe(false);
    expect(canRead(access, 'Condition', p1)).toBe(false);
    expect(canWrite(access, 'Observation', p2)).toBe(false);
  });

  it('a stream that only looks like a prefix of the patient is not its record', () => {
    const access = parseFhirAccess('patient/*.*', 'p1');
    expect(canRead(access, 'Observation', fhirPatientStream('p10'))).toBe(false);
    expect(canRead(access, 'Observation', 'directory/p1')).toBe(false);
  });
});

describe('createFhirAuthenticator', () => {
  const clients: FhirClient[] = [
    {
      token: 'ehr-calls-fhir-with-this-0001',
      scope: 'read-write',
      access: parseFhirAccess('read-write'),
      author: { id: 'ehr', role: 'system' },
    },
    { token: 'dashboard-reads-with-this-002', scope: 'read', access: parseFhirAccess('read') },
  ];

  it('names the client of a Bearer token, whatever the scheme case', () => {
    expect(createFhirAuthenticator(clients)('Bearer ehr-calls-fhir-with-this-0001')).toBe(clients[0]);
    expect(createFhirAuthenticator(clients)('bearer dashboard-reads-with-this-002')).toBe(clients[1]);
    expect(createFhirAuthenticator(clients)('Bearer dashboard-reads-with-this-002 ')).toBe(clients[1]);
  });

  it('refuses no header, another scheme, an unknown token, a prefix or an extension of a token', () => {
    for (const header of [
      undefined,
      '',
      'Basic ZWhyOnNlY3JldA==',
      'ehr-calls-fhir-with-this-0001',
      'Bearer ehr-calls-fhir-with-this-000',
      'Bearer ehr-calls-fhir-with-this-00011',
      'Bearer a b',
    ]) {
      expect(createFhirAuthenticator(clients)(header)).toBeUndefined();
    }
    expect(createFhirAuthenticator([])('Bearer ehr-calls-fhir-with-this-0001')).toBeUndefined();
  });
});
