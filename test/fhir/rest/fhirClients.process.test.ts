/**
 * The FHIR API of a real `chartlog serve` process on 127.0.0.1, driven by two FHIR clients
 * nobody here wrote, as an app would use them: `fhir-kit-client` and `@medplum/core`'s
 * `MedplumClient` (configured as a plain FHIR client: bearer token, no caching, no Medplum
 * endpoints). One serve process for the file.
 */
import { MedplumClient, OperationOutcomeError, type FetchLike } from '@medplum/core';
import type { AllergyIntolerance, Bundle, MedicationRequest, Observation, Patient } from '@medplum/fhirtypes';
import { Client, type FhirResource } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVISIONAL_TAG } from '../../../src/fhir/toFhirResource.js';
import { TOKENS, useFhirServe, type FhirServe } from './fhirClientsProcess.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const startServe = useFhirServe();
let served: FhirServe;
beforeAll(async () => {
  served = await startServe();
}, 30_000);
afterAll(async () => {
  await served.serve.stop('SIGTERM');
});

const SNOMED = 'http://snomed.info/sct';
const clinical = (code: string): Json => ({
  coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code }],
});
const patientBody = (family: string): Json => ({
  resourceType: 'Patient',
  name: [{ family, given: ['Ada'] }],
  birthDate: '1961-02-03',
});
const allergyBody = (patientId: string): Json => ({
  resourceType: 'AllergyIntolerance',
  patient: { reference: `Patient/${patientId}` },
  clinicalStatus: clinical('active'),
  code: { coding: [{ system: SNOMED, code: '764146007', display: 'Penicillin' }] },
  criticality: 'low',
});
const heartRate = (patientId: string, i: number): Json => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  subject: { reference: `Patient/${patientId}` },
  effectiveDateTime: `2026-11-2${i}T09:00:00Z`,
  valueQuantity: { value: 60 + i, unit: '/min' },
});
const prescriptionBody = (patientId: string): Json => ({
  resourceType: 'MedicationRequest',
  status: 'active',
  intent: 'order',
  subject: { reference: `Patient/${patientId}` },
  medicationCodeableConcept: {
    coding: [{ system: 'https://dmd.nhs.uk', code: '318901009', display: 'Ramipril 2.5mg capsules' }],
  },
  dosageInstruction: [{ text: '2.5 mg once daily' }],
});
const transactionOf = (family: string): Json => ({
  resourceType: 'Bundle',
  type: 'transaction',
  entry: [
    {
      fullUrl: 'urn:uuid:0d6c3f1e-5a47-4c1b-9e8f-000000000001',
      resource: patientBody(family),
      request: { method: 'POST', url: 'Patient' },
    },
    {
      resource: {
        ...heartRate('x', 9),
        subject: { reference: 'urn:uuid:0d6c3f1e-5a47-4c1b-9e8f-000000000001' },
      },
      request: { method: 'POST', url: 'Observation' },
    },
  ],
});
const versionOf = (resource: { meta?: { versionId?: string } }): string => resource.meta?.versionId as string;

describe('fhir-kit-client against chartlog serve', () => {
  const client = (token: string = TOKENS.writer): Client =>
    new Client({ baseUrl: served.fhirBase, bearerToken: token });
  /** The HTTP status and OperationOutcome of a request fhir-kit-client rejected. */
  const refusalOf = async (request: Promise<unknown>): Promise<{ status: number; outcome: Json }> => {
    const error = (await request.then(
      () => undefined,
      (e: unknown) => e,
    )) as { response?: { status: number; data: Json } } | undefined;
    expect(error?.response).toBeDefined();
    return { status: error?.response?.status as number, outcome: error?.response?.data as Json };
  };
  let patientId: string;
  let allergy: Json;

  it('creates with POST and reads back the same version, with ETag and Location', async () => {
    const fhir = client();
    const created = (await fhir.create({
      resourceType: 'Patient',
      body: patientBody('Okafor') as FhirResource,
    })) as Json;
    patientId = created['id'] as string;
    const { response } = Client.httpFor(created as FhirResource);
    expect(response?.status).toBe(201);
    expect(response?.headers.get('location')).toBe(
      `${served.fhirBase}/Patient/${patientId}/_history/${versionOf(created)}`,
    );
    expect(response?.headers.get('etag')).toBe(`W/"${versionOf(created)}"`);
    const read = (await fhir.read({ resourceType: 'Patient', id: patientId })) as Json;
    expect(read['name']).toEqual([{ family: 'Okafor', given: ['Ada'] }]);
    expect(versionOf(read)).toBe(versionOf(created));
  });

  it('searches by patient with _count and follows next links to the end, each match once', async () => {
    const fhir = client();
    for (let i = 0; i < 5; i++)
      await fhir.create({ resourceType: 'Observation', body: heartRate(patientId, i) as FhirResource });
    const seen: string[] = [];
    let page: Json | undefined = (await fhir.search({
      resourceType: 'Observation',
      searchParams: { patient: patientId, _count: 2 },
    })) as Json;
    let pages = 0;
    while (page !== undefined) {
      expect(page['type']).toBe('searchset');
      seen.push(...((page['entry'] ?? []) as Json[]).map((e) => e['resource']['id'] as string));
      pages++;
      page = (await fhir.nextPage({
        bundle: page as FhirResource & { link: { relation: string; url: string }[] },
      })) as Json | undefined;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(5);
    expect(seen).toHaveLength(5);
  });

  it('updates with the current If-Match; a stale If-Match becomes a concurrent write, flagged provisional', async () => {
    const fhir = client();
    allergy = (await fhir.create({
      resourceType: 'AllergyIntolerance',
      body: allergyBody(patientId) as FhirResource,
    })) as Json;
    const seen = `W/"${versionOf(allergy)}"`;
    const current = (await fhir.update({
      resourceType: 'AllergyIntolerance',
      id: allergy['id'] as string,
      body: { ...allergy, criticality: 'high' } as unknown as FhirResource,
      options: { headers: { 'If-Match': seen } },
    })) as Json;
    expect(Client.httpFor(current as FhirResource).response?.status).toBe(200);
    expect(current['criticality']).toBe('high');
    expect(current['meta']['tag']).toBeUndefined();
    // A second device still holds the first version and changes the same safety-critical element.
    const stale = (await fhir.update({
      resourceType: 'AllergyIntolerance',
      id: allergy['id'] as string,
      body: { ...allergy, criticality: 'unable-to-assess' } as unknown as FhirResource,
      options: { headers: { 'If-Match': seen } },
    })) as Json;
    expect(stale['meta']['tag']).toContainEqual(PROVISIONAL_TAG);
    expect(JSON.stringify(stale['extension'])).toContain('high');
  });

  it('an update of a safety-critical resource without If-Match is refused with 412 and an OperationOutcome', async () => {
    const fhir = client();
    const now = (await fhir.read({
      resourceType: 'AllergyIntolerance',
      id: allergy['id'] as string,
    })) as Json;
    const { status, outcome } = await refusalOf(
      fhir.update({
        resourceType: 'AllergyIntolerance',
        id: allergy['id'] as string,
        body: { ...now, code: { text: 'amoxicillin' } } as unknown as FhirResource,
      }),
    );
    expect(status).toBe(412);
    expect(outcome['resourceType']).toBe('OperationOutcome');
    expect(outcome['issue'][0]).toMatchObject({ severity: 'error', code: 'business-rule' });
    expect(outcome['issue'][0]['expression']).toContain('AllergyIntolerance.criticality');
  });

  it('lists history newest first and vreads the first version', async () => {
    const fhir = client();
    const history = (await fhir.resourceHistory({
      resourceType: 'AllergyIntolerance',
      id: allergy['id'] as string,
    })) as Json;
    expect(history['type']).toBe('history');
    const versions = (history['entry'] as Json[]).map((e) => versionOf(e['resource']));
    expect(versions).toHaveLength(3);
    expect(versions[2]).toBe(versionOf(allergy));
    const first = (await fhir.vread({
      resourceType: 'AllergyIntolerance',
      id: allergy['id'] as string,
      version: versions[2] as string,
    })) as Json;
    expect(first['criticality']).toBe('low');
  });

  it('runs Patient/{id}/$everything, by GET and by POST as fhir-kit-client does by default', async () => {
    const fhir = client();
    for (const method of ['GET', 'POST'] as const) {
      const everything = (await fhir.operation({
        name: '$everything',
        resourceType: 'Patient',
        id: patientId,
        method,
      })) as Json;
      const types = (everything['entry'] as Json[]).map((e) => e['resource']['resourceType'] as string);
      expect(types[0]).toBe('Patient');
      expect(types.filter((t) => t === 'Observation')).toHaveLength(5);
      expect(types).toContain('AllergyIntolerance');
    }
    const input = {
      resourceType: 'Parameters',
      parameter: [{ name: '_count', valueInteger: 2 }],
    } as FhirResource;
    const firstPage = (await fhir.operation({
      name: '$everything',
      resourceType: 'Patient',
      id: patientId,
      input,
    })) as Json;
    expect(firstPage['entry']).toHaveLength(2);
    expect((firstPage['link'] as Json[]).map((l) => l['relation'])).toContain('next');
  });

  it('records a transaction Bundle, references between its entries resolved', async () => {
    const response = (await client().transaction({ body: transactionOf('Ng') as FhirResource })) as Json;
    expect(response['type']).toBe('transaction-response');
    const [patient, observation] = response['entry'] as Json[];
    expect(patient?.['response']['status']).toBe('201 Created');
    expect(observation?.['resource']['subject']).toEqual({
      reference: `Patient/${patient?.['resource']['id'] as string}`,
    });
  });

  it('refuses a write by a read-only token with 403, and lets it read', async () => {
    const reader = client(TOKENS.reader);
    const { status, outcome } = await refusalOf(
      reader.create({ resourceType: 'Patient', body: patientBody('Nobody') as FhirResource }),
    );
    expect(status).toBe(403);
    expect(outcome['issue'][0]['code']).toBe('forbidden');
    expect(((await reader.read({ resourceType: 'Patient', id: patientId })) as Json)['id']).toBe(patientId);
  });
});

describe('MedplumClient (@medplum/core) against chartlog serve, as a plain FHIR client', () => {
  const requested: string[] = [];
  /** Node's fetch, recording every URL the client asks for. */
  const recordingFetch: FetchLike = (url, options) => {
    requested.push(`${String(options?.method ?? 'GET')} ${String(url)}`);
    return fetch(url, options as RequestInit);
  };
  const medplum = (token: string = TOKENS.writer): MedplumClient => {
    const client = new MedplumClient({
      baseUrl: served.fhirBase.replace(/\/fhir$/, '/'),
      fhirUrlPath: 'fhir',
      fetch: recordingFetch,
      cacheTime: 0,
      extendedMode: false,
      onUnauthenticated: () => expect.fail('MedplumClient saw a 401'),
    });
    client.setAccessToken(token);
    return client;
  };
  const refusalOf = async (request: Promise<unknown>): Promise<Json> => {
    const error = await request.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OperationOutcomeError);
    return (error as OperationOutcomeError).outcome as unknown as Json;
  };
  let patient: Patient;
  let prescription: MedicationRequest;

  afterAll(() => {
    // Only the FHIR API was called: no token refresh, no login, no Medplum-only endpoint.
    expect(requested.length).toBeGreaterThan(0);
    const url = (r: string): string => r.split(' ')[1] as string;
    expect(
      requested.filter((r) => url(r) !== served.fhirBase && !url(r).startsWith(`${served.fhirBase}/`)),
    ).toEqual([]);
  });

  it('creates and reads a Patient', async () => {
    const client = medplum();
    patient = await client.createResource<Patient>(patientBody('Mensah') as Patient);
    expect(patient.meta?.versionId).toMatch(/^practice-a\.\d+$/);
    const read = await client.readResource('Patient', patient.id as string);
    expect(read.name).toEqual([{ family: 'Mensah', given: ['Ada'] }]);
    expect(read.meta?.versionId).toBe(patient.meta?.versionId);
  });

  it('pages through a patient search with _count, following next links to the end', async () => {
    const client = medplum();
    for (let i = 0; i < 5; i++)
      await client.createResource<Observation>(heartRate(patient.id as string, i) as Observation);
    const pages: string[][] = [];
    for await (const page of client.searchResourcePages('Observation', {
      patient: patient.id as string,
      _count: '2',
    }))
      pages.push(page.map((o) => o.id));
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(new Set(pages.flat()).size).toBe(5);
  });

  it('a dose change with the current If-Match succeeds; one with a stale If-Match is kept beside it as a conflict', async () => {
    const client = medplum();
    prescription = await client.createResource<MedicationRequest>(
      prescriptionBody(patient.id as string) as MedicationRequest,
    );
    const seen = `W/"${versionOf(prescription)}"`;
    const changed = await client.updateResource(
      { ...prescription, dosageInstruction: [{ text: '5 mg once daily' }] },
      { headers: { 'If-Match': seen } },
    );
    expect(changed.dosageInstruction).toEqual([{ text: '5 mg once daily' }]);
    expect(changed.meta?.tag).toBeUndefined();
    const stale = await client.updateResource(
      { ...prescription, dosageInstruction: [{ text: '1.25 mg once daily' }] },
      { headers: { 'If-Match': seen } },
    );
    expect(stale.meta?.tag).toContainEqual(PROVISIONAL_TAG);
    // Both doses stay on the record for the prescriber to settle.
    expect(JSON.stringify(stale.extension)).toContain('5 mg once daily');
  });

  it('an update without If-Match of a prescription is refused with 412, surfaced as an OperationOutcomeError', async () => {
    const client = medplum();
    const now = await client.readResource('MedicationRequest', prescription.id as string);
    const outcome = await refusalOf(client.updateResource({ ...now, note: [{ text: 'no If-Match' }] }));
    expect(outcome['issue'][0]).toMatchObject({ code: 'business-rule' });
    expect(outcome['issue'][0]['expression']).toContain('MedicationRequest.dosageInstruction');
  });

  it('reads history and an old version', async () => {
    const client = medplum();
    const history = await client.readHistory('MedicationRequest', prescription.id as string);
    const versions = (history.entry ?? []).map((e) => versionOf(e.resource ?? {}));
    expect(versions).toHaveLength(3);
    const first = await client.readVersion(
      'MedicationRequest',
      prescription.id as string,
      versions[2] as string,
    );
    expect(first.dosageInstruction).toEqual([{ text: '2.5 mg once daily' }]);
  });

  it("reads the patient's $everything", async () => {
    const bundle = await medplum().readPatientEverything(patient.id as string);
    const types = (bundle.entry ?? []).map((e) => e.resource?.resourceType);
    expect(types[0]).toBe('Patient');
    expect(types).toContain('MedicationRequest');
    expect(types.filter((t) => t === 'Observation')).toHaveLength(5);
  });

  it('executes a transaction Bundle', async () => {
    const response = await medplum().executeBatch(transactionOf('Adeyemi') as Bundle);
    expect(response.type).toBe('transaction-response');
    expect(response.entry?.map((e) => e.response?.status)).toEqual(['201 Created', '201 Created']);
  });

  it('a read-only token cannot write: 403 as an OperationOutcomeError', async () => {
    const outcome = await refusalOf(
      medplum(TOKENS.reader).createResource<AllergyIntolerance>(
        allergyBody(patient.id as string) as AllergyIntolerance,
      ),
    );
    expect(outcome['issue'][0]).toMatchObject({ code: 'forbidden' });
  });
});
