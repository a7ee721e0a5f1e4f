/**
 * The configured FHIR clients are checked whole: every refusal names its entry and field,
 * and a list with any refusal yields no client at all.
 */
import { describe, expect, it } from 'vitest';
import { checkFhirClients } from '../../../src/fhir/rest/fhirClients.js';

const EHR = {
  token: 'ehr-calls-fhir-with-this-0001',
  scope: 'read-write',
  author: { id: 'ehr-service', role: 'system' },
};
const DASHBOARD = { token: 'dashboard-reads-with-this-002', scope: 'read' };
const PATIENT_APP = { token: 'patient-app-of-p1-uses-this-3', scope: 'patient/*.read', patient: 'p1' };

const issuesOf = (...entries: unknown[]): { path: readonly (string | number)[]; message: string }[] => {
  const { clients, issues } = checkFhirClients(entries, ['fhirClients']);
  if (issues.length > 0) expect(clients).toEqual([]);
  for (const issue of issues) expect(issue.message.length).toBeGreaterThan(0);
  return issues;
};

describe('checkFhirClients', () => {
  it('reads read, read-write and patient/ clients with their author and patient', () => {
    const { clients, issues } = checkFhirClients([EHR, DASHBOARD, PATIENT_APP], ['fhirClients']);
    expect(issues).toEqual([]);
    expect(clients).toEqual([
      {
        token: EHR.token,
        scope: 'read-write',
        access: { scopes: [{ context: 'system', type: '*', read: true, write: true }] },
        author: { id: 'ehr-service', role: 'system' },
      },
      {
        token: DASHBOARD.token,
        scope: 'read',
        access: { scopes: [{ context: 'system', type: '*', read: true, write: false }] },
      },
      {
        token: PATIENT_APP.token,
        scope: 'patient/*.read',
        access: { scopes: [{ context: 'patient', type: '*', read: true, write: false }], patient: 'p1' },
        patient: 'p1',
      },
    ]);
  });

  it('an empty list is valid: FHIR is served, to nobody', () => {
    expect(checkFhirClients([], ['fhirClients'])).toEqual({ clients: [], issues: [] });
  });

  it('refuses a list that is not an array, and an entry that is not an object', () => {
    expect(checkFhirClients({ token: EHR.token }, ['fhirClients']).issues).toEqual([
      { path: ['fhirClients'], message: expect.stringContaining('must be an array') },
    ]);
    expect(issuesOf(EHR, 'read')).toEqual([
      { path: ['fhirClients', 1], message: expect.stringContaining('must be an object') },
    ]);
  });

  it('refuses short, non-string, non-header and repeated tokens', () => {
    expect(issuesOf({ ...DASHBOARD, token: 'short' })).toEqual([
      { path: ['fhirClients', 0, 'token'], message: expect.stringContaining('at least 16') },
    ]);
    expect(issuesOf({ ...DASHBOARD, token: 1234567890123456 })).toEqual([
      { path: ['fhirClients', 0, 'token'], message: expect.any(String) },
    ]);
    expect(issuesOf({ ...DASHBOARD, token: 'has a space in the token' })).toEqual([
      { path: ['fhirClients', 0, 'token'], message: expect.stringContaining('without spaces') },
    ]);
    expect(issuesOf({ ...DASHBOARD, token: 'tökén-with-non-ascii-chars' })).toEqual([
      { path: ['fhirClients', 0, 'token'], message: expect.any(String) },
    ]);
    expect(issuesOf({ ...DASHBOARD, token: undefined })).toEqual([
      { path: ['fhirClients', 0, 'token'], message: expect.any(String) },
    ]);
    expect(issuesOf(DASHBOARD, EHR, { ...PATIENT_APP, token: DASHBOARD.token })).toEqual([
      { path: ['fhirClients', 2, 'token'], message: expect.stringContaining('fhirClients[0]') },
    ]);
  });

  it('refuses unknown fields', () => {
    expect(issuesOf({ ...DASHBOARD, site: 'practice-a', scopes: 'read' })).toEqual([
      { path: ['fhirClients', 0, 'site'], message: 'unknown field' },
      { path: ['fhirClients', 0, 'scopes'], message: 'unknown field' },
    ]);
  });

  it('refuses a bad scope at its field, and a patient/ scope without its patient', () => {
    expect(issuesOf({ ...DASHBOARD, scope: 'admin' })).toEqual([
      { path: ['fhirClients', 0, 'scope'], message: expect.stringContaining('admin') },
    ]);
    expect(issuesOf({ ...DASHBOARD, scope: undefined })).toEqual([
      { path: ['fhirClients', 0, 'scope'], message: expect.any(String) },
    ]);
    expect(issuesOf({ ...PATIENT_APP, patient: undefined })).toEqual([
      { path: ['fhirClients', 0, 'patient'], message: expect.stringContaining('required') },
    ]);
    expect(issuesOf({ ...DASHBOARD, patient: 'p1' })).toEqual([
      { path: ['fhirClients', 0, 'patient'], message: expect.stringContaining('only applies') },
    ]);
  });

  it('requires an author for any scope that writes, and checks it as an event author is checked', () => {
    expect(issuesOf({ ...EHR, author: undefined })).toEqual([
      {
        path: ['fhirClients', 0, 'author'],
        message: expect.stringContaining('every write is recorded under this author'),
      },
    ]);
    expect(issuesOf({ token: PATIENT_APP.token, scope: 'patient/Observation.write', patient: 'p1' })).toEqual(
      [{ path: ['fhirClients', 0, 'author'], message: expect.any(String) }],
    );
    expect(issuesOf({ ...EHR, author: 'ehr-service' })).toEqual([
      { path: ['fhirClients', 0, 'author'], message: expect.stringContaining('must be an object') },
    ]);
    expect(issuesOf({ ...EHR, author: { role: 'gp' } })).toEqual([
      { path: ['fhirClients', 0, 'author', 'id'], message: expect.any(String) },
    ]);
    expect(issuesOf({ ...EHR, author: { id: 'ehr', role: '' } })).toEqual([
      { path: ['fhirClients', 0, 'author', 'role'], message: expect.any(String) },
    ]);
    expect(issuesOf({ ...EHR, author: { id: 'e\u0301hr' } })).toEqual([
      { path: ['fhirClients', 0, 'author', 'id'], message: expect.stringContaining('NFC') },
    ]);
    expect(issuesOf({ ...EHR, author: { id: 'ehr', seat: 2 } })).toEqual([
      { path: ['fhirClients', 0, 'author', 'seat'], message: 'unknown field' },
    ]);
  });

  it('keeps a read client’s author, and only the author fields', () => {
    const { clients } = checkFhirClients(
      [{ ...DASHBOARD, author: { id: 'dashboard', org: 'A81001' } }],
      ['fhirClients'],
    );
    expect(clients[0]?.author).toEqual({ id: 'dashboard', org: 'A81001' });
  });

  it('one bad entry refuses the whole list and reports every problem, not just the first', () => {
    const { clients, issues } = checkFhirClients(
      [EHR, { ...DASHBOARD, token: 'short', scope: 'nope' }, PATIENT_APP],
      ['fhirClients'],
    );
    expect(clients).toEqual([]);
    expect(issues.map((i) => i.path)).toEqual([
      ['fhirClients', 1, 'token'],
      ['fhirClients', 1, 'scope'],
    ]);
  });
});
