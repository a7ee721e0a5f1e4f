import type { VersionVector } from '../store/eventLog.js';
import type { SyncMessage } from './syncMessage.js';

/**
 * The message with its `vector` and `known` naming only sites `keep` accepts (a
 * receiver's trusted sites, say). What a peer claims about a site the receiver neither
 * trusts nor holds cannot matter to it, and keeping it would let the peer fill the
 * receiver's sync state (and every reply that echoes it back) with as many sites as it
 * likes. Returns `message` itself when every site is kept.
 *
 * @example
 * ```ts
 * const bounded = restrictVectors(message, (site) => replica.keyring.has(site));
 * ```
 */
export function restrictVectors(message: SyncMessage, keep: (site: string) => boolean): SyncMessage {
  const vector = restrict(message.vector, keep);
  const known = message.known === undefined ? undefined : restrict(message.known, keep);
  if (vector === message.vector && known === message.known) return message;
  return known === undefined
    ? { protocol: message.protocol, vector, events: message.events }
    : { protocol: message.protocol, vector, known, events: message.events };
}

function restrict(vector: VersionVector, keep: (site: string) => boolean): VersionVector {
  const sites = Object.keys(vector);
  if (sites.every(keep)) return vector;
  const out: Record<string, number> = {};
  for (const site of sites) if (keep(site)) out[site] = vector[site] as number;
  return out;
}
