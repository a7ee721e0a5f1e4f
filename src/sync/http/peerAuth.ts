import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ChartlogError } from '../../error/chartlogError.js';

/**
 * Checks a bearer token and names the peer it belongs to; `null` (or `undefined`) refuses.
 * The peer id keys the server's sync state, so give each peer its own token.
 */
export type VerifyPeerToken = (token: string, req: IncomingMessage) => string | null | undefined | Promise<string | null | undefined>;

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

/** The bearer token of an `Authorization` header, or undefined. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  return match?.[1];
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

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
export function createPeerAuthenticator(options: PeerAuthOptions): (req: IncomingMessage) => Promise<string | null> {
  if ((options.peers === undefined) === (options.verify === undefined)) throw new ChartlogError('INVALID_OPTION', 'give exactly one of `peers` (token → peer id) or `verify`');
  if (options.verify !== undefined) {
    const verify = options.verify;
    return async (req) => {
      const token = bearerToken(req);
      return token === undefined ? null : ((await verify(token, req)) ?? null);
    };
  }
  const table = Object.entries(options.peers ?? {}).map(([token, peer]) => {
    if (token.length < 16) throw new ChartlogError('INVALID_OPTION', `the token of peer ${JSON.stringify(peer)} is shorter than 16 characters`);
    return { digest: digest(token), peer };
  });
  return async (req) => {
    const token = bearerToken(req);
    if (token === undefined) return null;
    const given = digest(token);
    let found: string | null = null;
    for (const entry of table) if (timingSafeEqual(entry.digest, given) && found === null) found = entry.peer;
    return found;
  };
}
