import { describe, expect, it } from 'vitest';
import { bundle, observation, patient, readAll, textSource } from './fixtures.js';

const uuid = (n: number): string => `00000000-0000-4000-8000-00000000000${n}`;

/** A Bundle of `type` with a Patient and an Observation referring to it by urn:uuid. */
function pair(
  type: string,
  request: (resourceType: string) => Record<string, unknown> | undefined,
): Record<string, unknown> {
  const withRequest = (resourceType: string): Record<string, unknown> => {
    const r = request(resourceType);
    return r === undefined ? {} : { request: r };
  };
  return bundle(type, [
    { fullUrl: `urn:uuid:${uuid(1)}`, resource: patient(), ...withRequest('Patient') },
    {
      fullUrl: `urn:uuid:${uuid(2)}`,
      resource: observation(`urn:uuid:${uuid(1)}`),
      ...withRequest('Observation'),
    },
  ]);
}

describe('Bundle types', () => {
  it.each([
    ['transaction', (type: string) => ({ method: 'POST', url: type })],
    ['batch', (type: string) => ({ method: 'POST', url: type })],
    ['collection', () => undefined],
    ['searchset', () => undefined],
  ])(
    'a %s Bundle yields its resources with in-Bundle references resolved to Type/id',
    async (type, request) => {
      const { resources, refusals } = await readAll([
        textSource('in.json', JSON.stringify(pair(type, request), null, 2)),
      ]);
      expect(refusals).toEqual([]);
      expect(resources.map((r) => `${r.resourceType}/${r.id}`)).toEqual([
        `Patient/${uuid(1)}`,
        `Observation/${uuid(2)}`,
      ]);
      expect(resources[1]?.['subject']).toEqual({ reference: `Patient/${uuid(1)}` });
    },
  );

  it.each(['history', 'document', 'message', 'transaction-response', 'batch-response'])(
    'a %s Bundle is one refusal naming the input, and the next input is still read',
    async (type) => {
      const { resources, refusals } = await readAll([
        textSource(
          'other.json',
          JSON.stringify(
            pair(type, () => undefined),
            null,
            2,
          ),
        ),
        textSource('next.ndjson', `${JSON.stringify(patient('p9'))}\n`),
      ]);
      expect(refusals).toEqual([
        {
          code: 'FHIR_UNSUPPORTED_BUNDLE',
          message: expect.stringMatching(
            new RegExp(`^other\\.json: a ${type} Bundle is not imported`),
          ) as unknown,
          source: { input: 'other.json' },
          element: 'Bundle.type',
        },
      ]);
      expect(resources.map((r) => r.id)).toEqual(['p9']);
    },
  );

  it("a searchset's outcome entry (the server's message about the search) is refused by name, its matches taken", async () => {
    const input = bundle('searchset', [
      { fullUrl: `urn:uuid:${uuid(1)}`, resource: patient(), search: { mode: 'match' } },
      {
        resource: {
          resourceType: 'OperationOutcome',
          id: 'o1',
          issue: [{ severity: 'warning', code: 'incomplete' }],
        },
        search: { mode: 'outcome' },
      },
    ]);
    const { resources, refusals } = await readAll([textSource('search.json', JSON.stringify(input))]);
    expect(resources.map((r) => r.resourceType)).toEqual(['Patient']);
    expect(refusals).toEqual([
      expect.objectContaining({
        code: 'FHIR_INVALID_ENTRY',
        source: { input: 'search.json', line: 1, entry: 1 },
        element: 'Bundle.entry.search.mode',
      }),
    ]);
  });

  it('a Bundle with no type is refused the same way', async () => {
    const { refusals } = await readAll([
      textSource(
        'untyped.json',
        JSON.stringify({ resourceType: 'Bundle', entry: [{ resource: patient('p1') }] }),
      ),
    ]);
    expect(refusals.map((r) => r.code)).toEqual(['FHIR_UNSUPPORTED_BUNDLE']);
  });

  it('a resource that refers to a later entry resolves too', async () => {
    const input = bundle('collection', [
      { fullUrl: `urn:uuid:${uuid(2)}`, resource: observation(`urn:uuid:${uuid(1)}`) },
      { fullUrl: `urn:uuid:${uuid(1)}`, resource: patient() },
    ]);
    const { resources } = await readAll([textSource('in.json', JSON.stringify(input))]);
    expect(resources[0]?.['subject']).toEqual({ reference: `Patient/${uuid(1)}` });
  });
});

describe('entry requests', () => {
  const entry = (
    request: Record<string, unknown>,
    resource: Record<string, unknown> | undefined = patient('p1'),
  ): Record<string, unknown> => ({
    fullUrl: 'urn:uuid:' + uuid(1),
    ...(resource === undefined ? {} : { resource }),
    request,
  });
  const read = (...entries: Record<string, unknown>[]) =>
    readAll([textSource('tx.json', JSON.stringify(bundle('transaction', entries), null, 2))]);

  it('POST and PUT are taken; a PUT with no id in the resource takes the id of its url', async () => {
    const { resources, refusals } = await read(entry({ method: 'POST', url: 'Patient' }), {
      resource: patient(),
      request: { method: 'PUT', url: 'Patient/p2' },
    });
    expect(refusals).toEqual([]);
    expect(resources.map((r) => r.id)).toEqual(['p1', 'p2']);
  });

  it('DELETE is refused, saying chartlog never deletes and how a resource leaves the record, and the rest of the Bundle is taken', async () => {
    const { resources, refusals } = await read(
      { request: { method: 'DELETE', url: 'Patient/p0' } },
      entry({ method: 'POST', url: 'Patient' }),
    );
    expect(refusals).toEqual([
      {
        code: 'FHIR_UNSUPPORTED_METHOD',
        message: expect.stringMatching(
          /^tx\.json entry 0: DELETE Patient\/p0 is refused: chartlog never deletes; .*status.*retraction/,
        ) as unknown,
        source: { input: 'tx.json', entry: 0 },
        resource: 'Patient/p0',
        element: 'Bundle.entry.request.method',
      },
    ]);
    expect(resources.map((r) => r.id)).toEqual(['p1']);
  });

  it.each([
    ['PATCH', 'FHIR_UNSUPPORTED_METHOD'],
    ['GET', 'FHIR_UNSUPPORTED_METHOD'],
    ['HEAD', 'FHIR_UNSUPPORTED_METHOD'],
    ['FETCH', 'FHIR_INVALID_ENTRY'],
  ])('%s is refused (%s)', async (method, code) => {
    const { resources, refusals } = await read(entry({ method, url: 'Patient/p1' }));
    expect(resources).toEqual([]);
    expect(refusals.map((r) => [r.code, r.source.entry])).toEqual([[code, 0]]);
  });

  it.each([
    [{ method: 'POST', url: 'Patient', ifNoneExist: 'identifier=x|1' }, 'Bundle.entry.request.ifNoneExist'],
    [{ method: 'PUT', url: 'Patient/p1', ifMatch: 'W/"3"' }, 'Bundle.entry.request.ifMatch'],
    [{ method: 'PUT', url: 'Patient?identifier=x|1' }, 'Bundle.entry.request.url'],
  ])('a conditional request is refused with its own code: %j', async (request, element) => {
    const { resources, refusals } = await read(entry(request));
    expect(resources).toEqual([]);
    expect(refusals).toEqual([expect.objectContaining({ code: 'FHIR_CONDITIONAL_REQUEST', element })]);
  });

  it('a PUT whose url names another id than the resource is refused', async () => {
    const { refusals } = await read(entry({ method: 'PUT', url: 'Patient/other' }));
    expect(refusals).toEqual([
      expect.objectContaining({ code: 'FHIR_INVALID_ID', resource: 'Patient/p1', element: 'Patient.id' }),
    ]);
  });

  it('an entry whose request url names another type than its resource is refused', async () => {
    const { refusals } = await read(entry({ method: 'POST', url: 'Observation' }));
    expect(refusals).toEqual([
      expect.objectContaining({ code: 'FHIR_INVALID_ENTRY', element: 'Bundle.entry.request.url' }),
    ]);
  });

  it('an absolute request url is read against the resource type', async () => {
    const { resources, refusals } = await read({
      resource: patient(),
      request: { method: 'PUT', url: 'https://ehr.example/FHIR/R4/Patient/p7' },
    });
    expect(refusals).toEqual([]);
    expect(resources.map((r) => r.id)).toEqual(['p7']);
  });

  it('malformed entries are refused one by one: not an object, no resource, not a resource, a fullUrl used twice', async () => {
    const input = bundle('collection', [
      42,
      { fullUrl: 'urn:uuid:' + uuid(1) },
      { resource: { name: 'no type' } },
      { fullUrl: 'urn:uuid:' + uuid(3), resource: patient('a') },
      { fullUrl: 'urn:uuid:' + uuid(3), resource: patient('b') },
    ]);
    const { resources, refusals } = await readAll([textSource('bad.json', JSON.stringify(input))]);
    expect(refusals.map((r) => [r.code, r.source.entry])).toEqual([
      ['FHIR_INVALID_ENTRY', 0],
      ['FHIR_INVALID_ENTRY', 1],
      ['FHIR_NOT_A_RESOURCE', 2],
      ['FHIR_INVALID_ENTRY', 4],
    ]);
    expect(resources.map((r) => r.id)).toEqual(['a']);
  });
});
