import { canonicalJson } from '../event/canonicalJson.js';
import { hashCanonical } from '../event/eventHash.js';
import type { StreamId } from '../event/ids.js';
import type { Json } from '../event/json.js';
import { addTerm, digestTerm, formatDigestSum, parseDigestSum } from './digestSum.js';
import type { EventKey } from './eventKey.js';
import {
  heapBytesOfResource,
  type ProjectedResource,
  type ProjectedStream,
  type ResourceChange,
} from './projectionTables.js';
import { rememberResourceHash, resourceDigestItem, streamHashOf } from './stateHash.js';
import type { StreamState } from './streamState.js';

/** One stream's outcome of a fold into a projection: its new row and the resources to write. */
export interface StreamOutcome {
  readonly row: ProjectedStream;
  readonly changes: ResourceChange[];
  /** True when the stream had no row before (its resources are all in `changes`). */
  readonly created: boolean;
}

/**
 * The changed resources of a stream after a fold (`touched` keys of `next`, compared with
 * what was `held`), with their canonical JSON, hashes and the stream's new digest and row.
 * `row` is the stream's row before the fold (an empty one, hash `''`, for a new stream),
 * `added` the events the fold took, `lasts` the per-field last write keys of the resources
 * it wrote.
 */
export function finishStream(
  stream: StreamId,
  row: ProjectedStream,
  added: number,
  next: StreamState,
  touched: readonly string[],
  held: (key: string) => ProjectedResource | undefined,
  lasts: ReadonlyMap<string, Record<string, EventKey>>,
): StreamOutcome {
  let digest = parseDigestSum(row.digest);
  const changes: ResourceChange[] = [];
  for (const key of touched) {
    const before = held(key);
    const state = next.resources[key];
    if (state === undefined) {
      if (before === undefined) continue;
      digest = addTerm(digest, digestTerm(resourceDigestItem(key, before.hash)), -1);
      changes.push({ key, resource: undefined, body: undefined });
      continue;
    }
    const last = lasts.get(key) ?? before?.last ?? {};
    if (before !== undefined && before.state === state && sameKeys(before.last, last)) continue;
    const body = canonicalJson(state as unknown as Json);
    const hash = state === before?.state ? before.hash : hashCanonical(body);
    rememberResourceHash(state, hash);
    if (before !== undefined) digest = addTerm(digest, digestTerm(resourceDigestItem(key, before.hash)), -1);
    digest = addTerm(digest, digestTerm(resourceDigestItem(key, hash)), 1);
    changes.push({ key, resource: { key, state, hash, last, size: heapBytesOfResource(body.length) }, body });
  }
  const digestHex = formatDigestSum(digest);
  const nextRow: ProjectedStream = {
    stream,
    events: row.events + added,
    digest: digestHex,
    hash: streamHashOf(stream, digestHex, next.conflicts, next.retracted),
    conflicts: next.conflicts,
    retracted: next.retracted,
  };
  return { row: nextRow, changes, created: row.hash === '' };
}

function sameKeys(
  a: { readonly [field: string]: EventKey },
  b: { readonly [field: string]: EventKey },
): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (a[k] !== b[k]) return false;
  return true;
}
