import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createKeyring,
  createMemoryEventLog,
  createReplica,
  generateSiteKeys,
  type Replica,
} from '../../../src/index.js';
import { clinicalSchema } from '../../../src/clinical/index.js';
import { createFhirHandler } from '../../../src/fhir/rest/createFhirHandler.js';
import { checkFhirClients } from '../../../src/fhir/rest/fhirClients.js';
import { PROVISIONAL_TAG } from '../../../src/fhir/toFhirResource.js';

const WRITER = 'gp-app-token-0123456789';
const READER = 'reader-token-0123456789';
const NURSE_P1 = 'nurse-p1-token-0123456789';
let replica: Replica;
let server: Server;
let base: string;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function call(
  method: string,
  path: string,
  options: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: Json }> {
  const token = options.token === undefined ? WRITER : options.token;
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token !== null ? { authorization: `Bearer ${token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/fhir+json' } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined
      ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }
      : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? {} : (JSON.parse(text) as Json) };
}

const status = (code: string): Json => ({
  coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code }],
});

beforeAll(async () => {
  const keys = generateSiteKeys();
  replica = await createReplica({
    site: 'practice-a',
    keys,
    keyring: createKeyring({ 'practice-a': keys.publicKey }),
    schema: clinicalSchema,
    store: createMemoryEventLog(),
  });
  const handler = createFhirHandler(replica, {
    clients: checkFhirClients(
      [
        { token: WRITER, scope: 'read-write', author: { id: 'gp-app', role: 'clinician' } },
        { token: READER, scope: 'read' },
        { token: NURSE_P1, scope: 'patient/*.read', patient: 'p1' },
      ],
      ['fhirClients'],
    ).clients,
  });
  server = createServer(handler);
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
});

afterAll(async () => {
  await new Promise<void>((closed) => server.close(() => closed()));
  await replica.store.close();
});

describe('the FHIR REST API', () => {
  it('answers metadata without a token, with a CapabilityStatement that offers no delete', async () => {
    const { status: code, body } = await call('GET', '/metadata', { token: null });
    expect(code).toBe(200);
    expect(body['resourceType']).toBe('CapabilityStatement');
    expect(body['fhirVersion']).toBe('4.0.1');
    const patient = (body['rest'][0]['resource'] as Json[]).find((r) => r['type'] === 'Patient') as Json;
    expect(patient['interaction'].map((i: Json) => i['code'])).not.toContain('delete');
    expect(patient['operation']).toContainEqual(expect.objectContaining({ name: 'everything' }));
  });

  it('refuses a request without a valid token with 401 and an OperationOutcome', async () => {
    const {
      status: code,
      headers,
      body,
    } = await call('GET', '/Patient/p1', { token: 'not-a-token-at-all-xx' });
    expect(code).toBe(401);
    expect(headers.get('www-authenticate')).toContain('Bearer');
    expect(body['issue'][0]['code']).toBe('login');
  });

  it('creates with POST (201, Location and ETag naming the version) and reads back the same version', async () => {
    const created = await call('POST', '/Patient', {
      body: {
        resourceType: 'Patient',
        id: 'ignored',
        name: [{ family: 'Okafor', given: ['Ada'] }],
        birthDate: '1961-02-03',
      },
    });
    expect(created.status).toBe(201);
    const id = created.body['id'] as string;
    expect(id).not.toBe('ignored');
    const version = created.body['meta']['versionId'] as string;
    expect(created.headers.get('location')).toBe(`${base}/Patient/${id}/_history/${version}`);
    expect(created.headers.get('etag')).toBe(`W/"${version}"`);
    const read = await call('GET', `/Patient/${id}`);
    expect(read.status).toBe(200);
    expect(read.body['name']).toEqual([{ family: 'Okafor', given: ['Ada'] }]);
    expect(read.headers.get('etag')).toBe(`W/"${version}"`);
  });

  it('a PUT creates a resource under the client id, and an update of a safety-critical resource without If-Match is refused and records nothing', async () => {
    expect(
      (
        await call('PUT', '/Patient/p1', {
          body: { resourceType: 'Patient', id: 'p1', birthDate: '1950-01-01' },
        })
      ).status,
    ).toBe(201);
    const allergy = {
      resourceType: 'AllergyIntolerance',
      id: 'a1',
      patient: { reference: 'Patient/p1' },
      clinicalStatus: status('active'),
      code: { text: 'penicillin' },
      criticality: 'low',
    };
    expect((await call('PUT', '/AllergyIntolerance/a1', { body: allergy })).status).toBe(201);
    const before = await replica.store.count();
    const refused = await call('PUT', '/AllergyIntolerance/a1', {
      body: { ...allergy, criticality: 'high' },
    });
    expect(refused.status).toBe(412);
    expect(refused.body['issue'][0]['code']).toBe('business-rule');
    expect(refused.body['issue'][0]['expression']).toContain('AllergyIntolerance.clinicalStatus');
    expect(await replica.store.count()).toBe(before);
  });

  it('an update with a stale If-Match becomes a concurrent write: both values of a safety-critical element stay, flagged provisional', async () => {
    const v1 = (await call('GET', '/AllergyIntolerance/a1')).body;
    const etag = `W/"${v1['meta']['versionId'] as string}"`;
    const first = await call('PUT', '/AllergyIntolerance/a1', {
      body: { ...v1, criticality: 'high' },
      headers: { 'if-match': etag },
    });
    expect(first.status).toBe(200);
    // A second app read the same version and changes the same element.
    const second = await call('PUT', '/AllergyIntolerance/a1', {
      body: { ...v1, criticality: 'unable-to-assess' },
      headers: { 'if-match': etag },
    });
    expect(second.status).toBe(200);
    expect(second.body['meta']['tag']).toContainEqual(PROVISIONAL_TAG);
    expect(JSON.stringify(second.body['extension'])).toContain('high');
    // Changing the element in conflict is refused until a clinician resolves it.
    const blocked = await call('PUT', '/AllergyIntolerance/a1', {
      body: { ...second.body, criticality: 'low' },
      headers: { 'if-match': second.headers.get('etag') as string },
    });
    expect(blocked.status).toBe(409);
    expect(blocked.body['issue'][0]).toMatchObject({
      code: 'conflict',
      expression: ['AllergyIntolerance.criticality'],
    });
  });

  it('refuses an If-Match naming no version of the resource', async () => {
    const v = (await call('GET', '/AllergyIntolerance/a1')).body;
    const refused = await call('PUT', '/AllergyIntolerance/a1', {
      body: { ...v, note: [{ text: 'x' }] },
      headers: { 'if-match': 'W/"elsewhere.99"' },
    });
    expect(refused.status).toBe(412);
  });

  it('history lists every version newest first, and vread gives an old one', async () => {
    const history = await call('GET', '/AllergyIntolerance/a1/_history');
    expect(history.status).toBe(200);
    expect(history.body['type']).toBe('history');
    const versions = (history.body['entry'] as Json[]).map(
      (e) => e['resource']['meta']['versionId'] as string,
    );
    expect(versions.length).toBe(3);
    expect(history.body['entry'][2]['request']['method']).toBe('POST');
    const oldest = await call('GET', `/AllergyIntolerance/a1/_history/${versions[2] as string}`);
    expect(oldest.body['criticality']).toBe('low');
    expect((await call('GET', '/AllergyIntolerance/a1/_history/practice-a.999')).status).toBe(404);
  });

  it('records a transaction all together, resolving urn:uuid references, and a transaction with one bad entry not at all', async () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:7f1c9d6e-0000-4000-8000-000000000001',
          resource: { resourceType: 'Patient', name: [{ family: 'Ng' }] },
          request: { method: 'POST', url: 'Patient' },
        },
        {
          resource: {
            resourceType: 'Observation',
            status: 'final',
            code: { text: 'heart rate' },
            subject: { reference: 'urn:uuid:7f1c9d6e-0000-4000-8000-000000000001' },
            valueQuantity: { value: 72, unit: '/min' },
          },
          request: { method: 'POST', url: 'Observation' },
        },
      ],
    };
    const done = await call('POST', '', { body: bundle });
    expect(done.status).toBe(200);
    expect(done.body['type']).toBe('transaction-response');
    const [patientEntry, observationEntry] = done.body['entry'] as Json[];
    expect(patientEntry?.['response']['status']).toBe('201 Created');
    const patientId = patientEntry?.['resource']['id'] as string;
    expect(observationEntry?.['resource']['subject']).toEqual({ reference: `Patient/${patientId}` });

    const before = await replica.store.count();
    const bad = structuredClone(bundle);
    (bad.entry[1]!.resource as Json)['valueQuantity'] = 'seventy-two';
    const refused = await call('POST', '', { body: bad });
    expect(refused.status).toBe(400);
    expect(refused.body['issue'][0]['diagnostics']).toContain('entry 1');
    expect(await replica.store.count()).toBe(before);
  });

  it('refuses DELETE, malformed bodies, other formats and a body of another type, each with an OperationOutcome', async () => {
    const del = await call('DELETE', '/Patient/p1');
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, PUT');
    expect((await call('PUT', '/Patient/p1', { body: '{not json' })).body['issue'][0]['code']).toBe(
      'structure',
    );
    expect((await call('GET', '/Patient/p1', { headers: { accept: 'application/fhir+xml' } })).status).toBe(
      406,
    );
    expect(
      (await call('PUT', '/Patient/p1', { body: { resourceType: 'Observation', id: 'p1' } })).status,
    ).toBe(400);
    const etag = (await call('GET', '/Patient/p1')).headers.get('etag') as string;
    const invalid = await call('PUT', '/Patient/p1', {
      body: { resourceType: 'Patient', id: 'p1', birthDate: 1950 },
      headers: { 'if-match': etag },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body['issue'][0]['expression']).toEqual(['Patient.birthDate']);
    expect((await call('GET', '/NotAType/1')).status).toBe(404);
  });

  it('a read-only client cannot write, and a patient-scoped client reads only its patient', async () => {
    const before = await replica.store.count();
    expect(
      (await call('POST', '/Patient', { token: READER, body: { resourceType: 'Patient' } })).status,
    ).toBe(403);
    expect(await replica.store.count()).toBe(before);
    expect((await call('GET', '/Patient/p1', { token: NURSE_P1 })).status).toBe(200);
    expect((await call('GET', '/AllergyIntolerance/a1', { token: NURSE_P1 })).status).toBe(200);
    const other = (await call('POST', '/Patient', { body: { resourceType: 'Patient' } })).body[
      'id'
    ] as string;
    expect((await call('GET', `/Patient/${other}`, { token: NURSE_P1 })).status).toBe(403);
  });

  it("searches a patient's record with paging links that cover every match once, and $everything puts the Patient first", async () => {
    for (let i = 0; i < 5; i++) {
      const created = await call('POST', '/Observation', {
        body: {
          resourceType: 'Observation',
          status: 'final',
          code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
          subject: { reference: 'Patient/p1' },
          effectiveDateTime: `2026-11-2${i}T09:00:00Z`,
          valueQuantity: { value: 60 + i, unit: '/min' },
        },
      });
      expect(created.status).toBe(201);
    }
    const seen: string[] = [];
    let page = await call('GET', '/Observation?patient=p1&code=http://loinc.org|8867-4&_count=2');
    expect(page.body['type']).toBe('searchset');
    for (;;) {
      seen.push(...((page.body['entry'] ?? []) as Json[]).map((e) => e['resource']['id'] as string));
      const next = (page.body['link'] as Json[]).find((l) => l['relation'] === 'next');
      if (next === undefined) break;
      page = await call('GET', (next['url'] as string).slice(base.length));
    }
    expect(seen.length).toBe(5);
    expect(new Set(seen).size).toBe(5);
    const dated = await call('GET', '/Observation?patient=p1&date=ge2026-11-23');
    expect(dated.body['total']).toBe(2);
    const everything = await call('GET', '/Patient/p1/$everything');
    expect(everything.body['entry'][0]['resource']['resourceType']).toBe('Patient');
    expect((everything.body['entry'] as Json[]).map((e) => e['resource']['resourceType'])).toContain(
      'AllergyIntolerance',
    );
    const unsupported = await call('GET', '/Observation?patient=p1&value-quantity=gt50');
    expect(unsupported.status).toBe(400);
    expect(unsupported.body['issue'][0]['code']).toBe('not-supported');
  });

  it('finds a patient by NHS number (identifier system|value) and by name without accents, and lists both in the CapabilityStatement', async () => {
    const nhs = 'https://fhir.nhs.uk/Id/nhs-number';
    const patient = {
      resourceType: 'Patient',
      identifier: [
        { system: nhs, value: '9000000009' },
        { system: 'urn:practice-a:mrn', value: 'A-77' },
      ],
      name: [{ family: 'Brontë', given: ['Zoë'] }],
      gender: 'female',
      birthDate: '1990-06-01',
    };
    const created = await call('POST', '/Patient', { body: patient });
    expect(created.status).toBe(201);
    await call('POST', '/Patient', {
      body: {
        resourceType: 'Patient',
        identifier: [{ system: nhs, value: '9000000017' }],
        name: [{ family: 'Bronte', given: ['Zoe'] }],
      },
    });
    const ids = async (query: string, token?: string): Promise<string[]> => {
      const found = await call('GET', `/Patient?${query}`, token === undefined ? {} : { token });
      expect(found.status).toBe(200);
      return ((found.body['entry'] ?? []) as Json[]).map((e) => e['resource']['id'] as string);
    };
    expect(await ids(`identifier=${nhs}|9000000009`)).toEqual([created.body['id']]);
    expect(await ids('identifier=urn:practice-a:mrn|A-77')).toEqual([created.body['id']]);
    expect(await ids('identifier=9000000009')).toEqual([created.body['id']]);
    expect((await ids(`identifier=${nhs}|`)).length).toBe(2);
    expect((await ids('name=zoe')).length).toBe(2);
    expect(await ids('family:exact=Brontë&gender=female&birthdate=1990')).toEqual([created.body['id']]);
    expect(await ids(`identifier=${nhs}|9000000009`, NURSE_P1)).toEqual([]); // another patient's record
    const refused = await call('GET', '/Patient?identifier:of-type=x|MR|1');
    expect(refused.status).toBe(400);
    expect(refused.body['issue'][0]).toMatchObject({
      code: 'not-supported',
      expression: ['identifier:of-type'],
    });
    const metadata = await call('GET', '/metadata', { token: null });
    const params = (
      (metadata.body['rest'][0]['resource'] as Json[]).find((r) => r['type'] === 'Patient') as Json
    )['searchParam'] as Json[];
    expect(params.map((p) => [p['name'], p['type']])).toEqual(
      expect.arrayContaining([
        ['identifier', 'token'],
        ['name', 'string'],
        ['family', 'string'],
        ['birthdate', 'date'],
        ['general-practitioner', 'reference'],
      ]),
    );
    // R4 shares gender across Patient, Person, Practitioner and RelatedPerson: its definition is individual-gender.
    expect(params.find((p) => p['name'] === 'gender')?.['definition']).toBe(
      'http://hl7.org/fhir/SearchParameter/individual-gender',
    );
    expect(params.find((p) => p['name'] === 'identifier')?.['definition']).toBe(
      'http://hl7.org/fhir/SearchParameter/Patient-identifier',
    );
  });

  it("a patient-scoped client's search sees its own patient's record only", async () => {
    const other = (await call('POST', '/Patient', { body: { resourceType: 'Patient' } })).body[
      'id'
    ] as string;
    await call('POST', '/Observation', {
      body: {
        resourceType: 'Observation',
        status: 'final',
        code: { text: 'x' },
        subject: { reference: `Patient/${other}` },
      },
    });
    const mine = await call('GET', '/Observation', { token: NURSE_P1 });
    expect(mine.status).toBe(200);
    const subjects = new Set(
      ((mine.body['entry'] ?? []) as Json[]).map((e) => e['resource']['subject']['reference']),
    );
    expect([...subjects]).toEqual(['Patient/p1']);
    expect((await call('GET', `/Patient/${other}/$everything`, { token: NURSE_P1 })).status).toBe(403);
  });
});
