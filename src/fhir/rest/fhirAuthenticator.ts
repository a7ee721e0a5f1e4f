import { bearerTokenOf, createTokenMatcher } from '../../sync/http/peerAuth.js';
import type { FhirClient } from './fhirClients.js';

/**
 * Builds the authenticator of a list of FHIR clients: from an `Authorization` header value
 * (`Bearer <token>`) to the client holding that token, or undefined (no header, another
 * scheme, an unknown token). Tokens are compared in constant time, as peers' sync tokens are
 * (`createTokenMatcher`): their digests are computed once here.
 *
 * @example
 * ```ts
 * const authenticate = createFhirAuthenticator(config.fhirClients ?? []);
 * const client = authenticate(req.headers.authorization); // FhirClient | undefined
 * ```
 */
export function createFhirAuthenticator(
  clients: readonly FhirClient[],
): (authorizationHeader: string | undefined) => FhirClient | undefined {
  const match = createTokenMatcher(clients.map((client) => [client.token, client] as const));
  return (header) => {
    const token = bearerTokenOf(header);
    return token === undefined ? undefined : match(token);
  };
}
