import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ChartlogError } from '../../error/chartlogError.js';

/**
 * Checks a bearer token and names the peer it belongs to; `null` (or `undefined`) refuses.
 * The peer id keys the server's sync state, so give each peer its own token.
 */
export type VerifyPeerToken = (
  token: string,
  req: IncomingMessage,
) => string | null | undefined | Promise<string | null | undefined>;

/** How the handler knows who is calling: a token table, or a function. Exactly one. */
export type PeerAuthOptions =
  | {
      /** Bearer token → peer site id, e.g. `{ [process.env.PRACTICE_A_TOKEN!]: 'practice-a' }`. */
      readonly peers: Readonly<Record<string, string>>;
      readonly verify?: never;
    }
  | {
      readonly peers?: never;
      /** A function from the bearer token to the peer id (or null to refuse). */
      readonly verify: VerifyPeerToken;
    };

/**
 * Shortest bearer token accepted in configuration (peers' sync tokens and FHIR clients'
 * tokens alike): 16 characters.
 */
export const MIN_TOKEN_LENGTH = 16;

/**
 * The token of an `Authorization: Bearer <token>` header value, or undefined (no header,
 * another scheme, or more than one word).
 *
 * @example bearerTokenOf('Bearer s3cret-token-0123456789') // 's3cret-token-0123456789'
 */
export function bearerTokenOf(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(authorization);
  return match?.[1];
}

/** The bearer token of a request's `Authorization` header, or undefined. */
export function bearerToken(req: IncomingMessage): string | undefined {
  return bearerTokenOf(req.headers.authorization);
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Builds a lookup from a presented token to what it was given to, comparing in constant
 * time: the SHA-256 digests of every token are compared, so neither the token's length nor
 * which entry matched (if any) shows in the timing. The first entry with a token wins.
 *
 * @example
 * ```ts
 * const match = createTokenMatcher([['s3cret-token-of-a', 'practice-a']]);
 * match('s3cret-token-of-a'); // 'practice-a'
 * match('guess'); // undefined
 * ```
 */
export function createTokenMatcher<T>(
  entries: Iterable<readonly [token: string, value: T]>,
): (token: string) => T | undefined {
  const table = [...entries].map(([token, value]) => ({ digest: digest(token), value }));
  return (token) => {
    const given = digest(token);
    let found: { value: T } | undefined;
    for (const entry of table) if (timingSafeEqual(entry.digest, given) && found === undefined) found = entry;
    return found?.value;
  };
}

/**
 * Builds the authenticator for {@link PeerAuthOptions}: the peer id for a request, or
 * null. A token table is compared in constant time (digests of every token are compared,
 * so neither the token's length nor which entry matched shows in the timing).
 *
 * @throws ChartlogError `INVALID_OPTION` when neither or both of `peers` / `verify` are given.
 * @example
 * ```ts
 * const authenticate = createPeerAuthenticator({ peers: { 's3cret-a': 'practice-a' } });
 * const peer = await authenticate(req); // 'practice-a' or null
 * ```
 */
export function createPeerAuthenticator(
  options: PeerAuthOptions,
): (req: IncomingMessage) => Promise<string | null> {
  if ((options.peers === undefined) === (options.verify === undefined))
    throw new ChartlogError('INVALID_OPTION', 'give exactly one of `peers` (token → peer id) or `verify`');
  if (options.verify !== undefined) {
    const verify = options.verify;
    return async (req) => {
      const token = bearerToken(req);
      return token === undefined ? null : ((await verify(token, req)) ?? null);
    };
  }
  const entries = Object.entries(options.peers ?? {});
  for (const [token, peer] of entries) {
    if (token.length < MIN_TOKEN_LENGTH)
      throw new ChartlogError(
        'INVALID_OPTION',
        `the token of peer ${JSON.stringify(peer)} is shorter than ${MIN_TOKEN_LENGTH} characters`,
      );
  }
  const match = createTokenMatcher(entries);
  return async (req) => {
    const token = bearerToken(req);
    return token === undefined ? null : (match(token) ?? null);
  };
}
