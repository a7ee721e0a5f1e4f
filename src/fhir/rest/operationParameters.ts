import type { IncomingMessage } from 'node:http';
import { isPlainObject } from '../../event/json.js';
import { readJsonBody } from './fhirHttp.js';
import { FhirRequestRefusal } from './fhirRequestRefusal.js';

/**
 * The parameters of an operation invoked with `POST` (FHIR R4 §3.1.0.1.6 "Operations":
 * every operation may be POSTed; GET is the option for those without side effects): the
 * URL's query, plus the body's, which is none, a form (`application/x-www-form-urlencoded`)
 * or a `Parameters` resource of primitive values (`{ name: '_count', valueInteger: 10 }`
 * is `_count=10`). Clients such as fhir-kit-client POST an operation by default, with no body.
 *
 * @throws FhirRequestRefusal 400 for a body that is not a `Parameters` resource, or a
 *   parameter without a primitive `value[x]` (a resource or `part`s).
 */
export async function readOperationParameters(
  req: IncomingMessage,
  query: URLSearchParams,
  limits: { readonly maxBytes: number; readonly timeoutMs: number },
): Promise<URLSearchParams> {
  const out = new URLSearchParams(query);
  const length = req.headers['content-length'];
  if (length === '0' || (length === undefined && req.headers['transfer-encoding'] === undefined)) return out;
  const body = await readJsonBody(req, limits, true);
  if (body instanceof URLSearchParams) {
    for (const [k, v] of body) out.append(k, v);
    return out;
  }
  if (!isPlainObject(body) || body['resourceType'] !== 'Parameters')
    throw new FhirRequestRefusal(400, 'invalid', 'an operation POSTs a Parameters resource (or nothing)', {
      expression: ['Parameters'],
    });
  const parameters = body['parameter'] ?? [];
  if (!Array.isArray(parameters))
    throw new FhirRequestRefusal(400, 'structure', 'Parameters.parameter must be an array', {
      expression: ['Parameters.parameter'],
    });
  parameters.forEach((p: unknown, i) => {
    const value = isPlainObject(p) ? Object.entries(p).find(([k]) => k.startsWith('value')) : undefined;
    const name = isPlainObject(p) ? p['name'] : undefined;
    if (
      typeof name !== 'string' ||
      value === undefined ||
      !['string', 'number', 'boolean'].includes(typeof value[1])
    ) {
      throw new FhirRequestRefusal(
        400,
        'not-supported',
        `Parameters.parameter[${i}] must have a name and a primitive value[x] (valueString, valueInteger, valueInstant …)`,
        { expression: [`Parameters.parameter[${i}]`] },
      );
    }
    out.append(name, String(value[1]));
  });
  return out;
}
