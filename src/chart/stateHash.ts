import { createHash } from 'node:crypto';
import { canonicalJson } from '../event/canonicalJson.js';
import type { StreamId } from '../event/ids.js';
import type { Json } from '../event/json.js';
import type { StreamState } from './streamState.js';

// States are immutable, so a hash computed once stays right for that object.
const cache = new WeakMap<StreamState, string>();

/** SHA-256 (hex) of a stream state's canonical JSON: equal states, equal hashes, on every replica. */
export function stateHash(state: StreamState): string {
  let hash = cache.get(state);
  if (hash === undefined) {
    hash = createHash('sha256').update(canonicalJson(state as unknown as Json), 'utf8').digest('hex');
    cache.set(state, hash);
  }
  return hash;
}

/**
 * One hash for a whole replica: SHA-256 over `stream<TAB>stateHash<LF>` lines in stream
 * order, so two sites compare every record with a single value.
 */
export function combineStateHashes(states: Iterable<readonly [StreamId, StreamState]>): string {
  const lines = [...states].map(([stream, state]) => `${stream}\t${stateHash(state)}\n`).sort();
  const h = createHash('sha256');
  for (const line of lines) h.update(line);
  return h.digest('hex');
}
