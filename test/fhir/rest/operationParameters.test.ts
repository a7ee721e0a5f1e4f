import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FhirRequestRefusal } from '../../../src/fhir/rest/fhirRequestRefusal.js';
import { readOperationParameters } from '../../../src/fhir/rest/operationParameters.js';

const LIMITS = { maxBytes: 1 << 20, timeoutMs: 5_000 };

/** A request carrying `body` (none when undefined) with `contentType`. */
function request(body: string | undefined, contentType = 'application/fhir+json'): IncomingMessage {
  const req = Readable.from(body === undefined ? [] : [Buffer.from(body)]) as unknown as IncomingMessage;
  req.headers = {
    'content-type': contentType,
    'content-length': String(body === undefined ? 0 : Buffer.byteLength(body)),
  };
  return req;
}
const read = (body: string | undefined, contentType?: string): Promise<string> =>
  readOperationParameters(request(body, contentType), new URLSearchParams('_type=Observation'), LIMITS).then(
    String,
  );

describe('readOperationParameters (a POSTed operation such as $everything)', () => {
  it('takes no body, a Parameters resource of primitive values, or a form, after the query', async () => {
    expect(await read(undefined)).toBe('_type=Observation');
    expect(
      await read(
        JSON.stringify({
          resourceType: 'Parameters',
          parameter: [
            { name: '_count', valueInteger: 2 },
            { name: '_since', valueInstant: '2026-01-01T00:00:00Z' },
          ],
        }),
      ),
    ).toBe('_type=Observation&_count=2&_since=2026-01-01T00%3A00%3A00Z');
    expect(await read('_count=3', 'application/x-www-form-urlencoded')).toBe('_type=Observation&_count=3');
  });

  it('refuses a body that is not Parameters, or a parameter without a primitive value, naming where', async () => {
    await expect(read(JSON.stringify({ resourceType: 'Patient' }))).rejects.toMatchObject({
      status: 400,
      outcomeIssues: [{ expression: ['Parameters'] }],
    });
    const refused = await read(
      JSON.stringify({
        resourceType: 'Parameters',
        parameter: [
          { name: '_count', valueInteger: 1 },
          { name: 'patient', resource: { resourceType: 'Patient' } },
        ],
      }),
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(FhirRequestRefusal);
    expect(refused).toMatchObject({
      status: 400,
      outcomeIssues: [{ code: 'not-supported', expression: ['Parameters.parameter[1]'] }],
    });
  });
});
