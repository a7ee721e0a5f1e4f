import type { IncomingMessage, ServerResponse } from 'node:http';
import { FhirRequestRefusal, operationOutcome } from './fhirRequestRefusal.js';

/** The media type of every FHIR API response. */
export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** Media types a FHIR API request body may have. */
const JSON_TYPES = new Set(['application/fhir+json', 'application/json', 'application/json+fhir']);

/**
 * Sends `body` as FHIR JSON with `status` and `headers` (no body for `undefined`, e.g.
 * `Prefer: return=minimal`). Responses are never cached by intermediaries: they hold
 * health data.
 */
export function sendFhirJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(text !== '' ? { 'content-type': FHIR_JSON } : {}),
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** Answers a refusal as an OperationOutcome; closes the connection when the request body may be unread. */
export function sendRefusal(res: ServerResponse, refusal: FhirRequestRefusal, close: boolean): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendFhirJson(res, refusal.status, operationOutcome(refusal.outcomeIssues), {
    ...refusal.headers,
    ...(close ? { connection: 'close' } : {}),
  });
}

/**
 * Checks the response format a request asks for (`_format`, `Accept`): JSON only.
 * @throws FhirRequestRefusal 406 `not-supported` for XML, Turtle or any other format.
 */
export function checkJsonWanted(req: IncomingMessage, query: URLSearchParams): void {
  const format = query.get('_format');
  if (
    format !== null &&
    !['json', 'application/json', 'application/fhir+json', 'application/json+fhir'].includes(
      format.split(';')[0]?.trim() ?? '',
    )
  ) {
    throw new FhirRequestRefusal(
      406,
      'not-supported',
      `_format=${format} is not supported: this server speaks FHIR JSON only`,
    );
  }
  const accept = req.headers.accept;
  if (accept === undefined || accept.trim() === '') return;
  const types = accept.split(',').map((t) => t.split(';')[0]?.trim().toLowerCase() ?? '');
  if (types.some((t) => t === '*/*' || t === 'application/*' || JSON_TYPES.has(t))) return;
  throw new FhirRequestRefusal(
    406,
    'not-supported',
    `Accept: ${accept} cannot be met: this server speaks FHIR JSON only (application/fhir+json)`,
  );
}

/**
 * Reads a request's JSON body, whole, up to `maxBytes`, within `timeoutMs`.
 * @throws FhirRequestRefusal 415 for a body that is not JSON by its content type, 413 when larger
 *   than `maxBytes`, 408 when it does not arrive in time, 400 `structure` when it does not parse.
 */
export async function readJsonBody(
  req: IncomingMessage,
  limits: { readonly maxBytes: number; readonly timeoutMs: number },
  formOk = false,
): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const isForm = formOk && type === 'application/x-www-form-urlencoded';
  if (!JSON_TYPES.has(type) && !isForm)
    throw new FhirRequestRefusal(
      415,
      'not-supported',
      `Content-Type ${JSON.stringify(type)} is not supported: send application/fhir+json`,
    );
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limits.maxBytes)
    throw new FhirRequestRefusal(
      413,
      'too-costly',
      `a body of ${declared} bytes is larger than this server takes (${limits.maxBytes})`,
    );
  const chunks: Buffer[] = [];
  let size = 0;
  const timer = setTimeout(
    () =>
      req.destroy(
        new FhirRequestRefusal(
          408,
          'transient',
          `the request body did not arrive within ${limits.timeoutMs} ms`,
        ),
      ),
    limits.timeoutMs,
  );
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limits.maxBytes)
        throw new FhirRequestRefusal(
          413,
          'too-costly',
          `the body is larger than this server takes (${limits.maxBytes} bytes)`,
        );
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof FhirRequestRefusal) throw error;
    throw new FhirRequestRefusal(400, 'structure', 'the request body was cut short');
  } finally {
    clearTimeout(timer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (isForm) return new URLSearchParams(text);
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new FhirRequestRefusal(400, 'structure', `the body is not JSON: ${(cause as Error).message}`);
  }
}

/** The `Prefer: return=…` a request asks for. @defaultValue `representation` */
export function preferredReturn(req: IncomingMessage): 'minimal' | 'representation' | 'OperationOutcome' {
  const prefer = [req.headers.prefer ?? ''].flat().join(',');
  const m = /return=(minimal|representation|OperationOutcome)/.exec(prefer);
  return (m?.[1] as 'minimal' | 'representation' | 'OperationOutcome' | undefined) ?? 'representation';
}

/**
 * The version id of an `If-Match` header (`W/"<versionId>"`, or the bare or quoted id some
 * clients send); undefined without the header.
 * @throws FhirRequestRefusal 400 `invalid` for a header naming no single version.
 */
export function ifMatchVersion(req: IncomingMessage): string | undefined {
  const header = req.headers['if-match'];
  if (header === undefined) return undefined;
  const version = versionOfETag(header);
  if (version === undefined)
    throw new FhirRequestRefusal(
      400,
      'invalid',
      `If-Match: ${header} names no version: send W/"<versionId>" with the meta.versionId you read`,
    );
  return version;
}

/** The version id an ETag names (`W/"<versionId>"`, or the bare or quoted id some clients send); undefined when it names none. */
export function versionOfETag(etag: string): string | undefined {
  return /^\s*(?:W\/)?"?([A-Za-z0-9.-]{1,64})"?\s*$/.exec(etag)?.[1];
}

/** The weak ETag of a version: `W/"<versionId>"`. */
export function etagOf(versionId: string): string {
  return `W/"${versionId}"`;
}

/** The HTTP date (`Last-Modified`) of a FHIR instant. */
export function httpDateOf(instant: string): string {
  return new Date(instant).toUTCString();
}
