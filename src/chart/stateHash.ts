import { canonicalJson } from '../event/canonicalJson.js';
import { hashCanonical } from '../event/eventHash.js';
import type { StreamId } from '../event/ids.js';
import type { Json } from '../event/json.js';
import { addTerm, digestTerm, formatDigestSum } from './digestSum.js';
import type { ResourceState, StreamState } from './streamState.js';

// States and resources are immutable, so a hash computed once stays right for that object.
const stateHashes = new WeakMap<StreamState, string>();
const resourceHashes = new WeakMap<ResourceState, string>();

/** SHA-256 (hex) of a resource's canonical JSON: what a projection stores beside it and checks on read. */
export function resourceHash(resource: ResourceState): string {
  let hash = resourceHashes.get(resource);
  if (hash === undefined) {
    hash = hashCanonical(canonicalJson(resource as unknown as Json));
    resourceHashes.set(resource, hash);
  }
  return hash;
}

/**
 * Records a resource's hash computed from its canonical JSON by the caller (a projection
 * that serialized it to store it, or checked it on read), so it is not recomputed.
 */
export function rememberResourceHash(resource: ResourceState, hash: string): void {
  resourceHashes.set(resource, hash);
}

/** Records a state's hash a projection keeps beside it (see {@link rememberResourceHash}). */
export function rememberStateHash(state: StreamState, hash: string): void {
  stateHashes.set(state, hash);
}

/** The item a resource adds to its stream's {@link resourcesDigest}. */
export function resourceDigestItem(key: string, hash: string): string {
  return `${key}\t${hash}`;
}

/** The order-independent sum over a stream's resources (see `addToDigestSum`). */
export function resourcesDigest(resources: StreamState['resources']): string {
  let sum = 0n;
  for (const key of Object.keys(resources))
    sum = addTerm(sum, digestTerm(resourceDigestItem(key, resourceHash(resources[key] as ResourceState))), 1);
  return formatDigestSum(sum);
}

/**
 * A stream's state hash from its parts: SHA-256 of the stream id, the digest sum of its
 * resources ({@link resourcesDigest}), and its conflict and retracted lists. Equal states
 * give equal hashes on every replica; a projection updates it in O(changed resources).
 */
export function streamHashOf(
  stream: StreamId,
  digest: string,
  conflicts: readonly string[],
  retracted: readonly string[],
): string {
  return hashCanonical(
    `chartlog/stream-state/v2\n${stream}\n${digest}\n${canonicalJson(conflicts as Json)}\n${canonicalJson(retracted as Json)}`,
  );
}

/**
 * The hash of a stream state: equal states, equal hashes, on every replica (docs/architecture.md, "The persisted projection").
 * Built from one hash per resource, so a projection that changes one resource updates
 * it without re-serializing the stream (see {@link streamHashOf}).
 */
export function stateHash(state: StreamState): string {
  let hash = stateHashes.get(state);
  if (hash === undefined) {
    hash = streamHashOf(state.stream, resourcesDigest(state.resources), state.conflicts, state.retracted);
    stateHashes.set(state, hash);
  }
  return hash;
}

/** The item a stream adds to the replica's digest sum. */
export function streamDigestItem(stream: StreamId, hash: string): string {
  return `${stream}\t${hash}`;
}

/** The replica hash from the digest sum over its streams (see {@link combineStateHashes}). */
export function replicaHashOf(digest: string): string {
  return hashCanonical(`chartlog/replica/v2\n${digest}`);
}

/**
 * One hash for a whole replica: SHA-256 over the order-independent digest sum of
 * `stream<TAB>stateHash` for every stream, so two sites compare every record with a single
 * value, and a projection keeps it up to date in O(1) per changed stream (docs/architecture.md, "The persisted projection").
 */
export function combineStateHashes(states: Iterable<readonly [StreamId, StreamState]>): string {
  let sum = 0n;
  for (const [stream, state] of states)
    sum = addTerm(sum, digestTerm(streamDigestItem(stream, stateHash(state))), 1);
  return replicaHashOf(formatDigestSum(sum));
}
