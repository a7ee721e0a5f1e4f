import type { EventKey } from '../../chart/eventKey.js';
import { heapBytesOfResource, type ProjectedResource } from '../../chart/projectionTables.js';
import { rememberResourceHash } from '../../chart/stateHash.js';
import type { ResourceState } from '../../chart/streamState.js';
import { freezeDeep } from '../../event/freezeDeep.js';

/**
 * A projection row read from SQLite, already checked against its hash, that parses its
 * state when first asked for: a reader that shows a patient's allergies never parses the
 * hundreds of observations beside them. The body is captured, so a state parsed later is
 * still the one this row held; once parsed it is let go, so a cached resource holds one
 * copy of itself, not two. A class, not an object literal with getters: a reader of a whole
 * record makes hundreds of these, and a literal's getters are new closures each time.
 */
export class StoredResource implements ProjectedResource {
  /** Its estimated heap bytes (`heapBytesOfResource` of the body's length), what the cache counts. */
  readonly size: number;
  #body: string | undefined;
  #state: ResourceState | undefined;
  #last: string;
  #lastKeys: Record<string, EventKey> | undefined;

  /** `body` and `last` are the row's JSON texts; `body` must already match `hash`. */
  constructor(
    readonly key: string,
    body: string,
    readonly hash: string,
    last: string,
  ) {
    this.#body = body;
    this.#last = last;
    this.size = heapBytesOfResource(body.length);
  }

  /** The folded resource, parsed and frozen on first read. */
  get state(): ResourceState {
    if (this.#state === undefined) {
      const state = freezeDeep(JSON.parse(this.#body as string)) as ResourceState;
      rememberResourceHash(state, this.hash);
      this.#state = state;
      this.#body = undefined;
    }
    return this.#state;
  }

  /**
   * Per field, the key of the last write folded into it, parsed on first read: only a
   * write to the resource needs it, so a reader never parses it.
   */
  get last(): Record<string, EventKey> {
    this.#lastKeys ??= JSON.parse(this.#last) as Record<string, EventKey>;
    return this.#lastKeys;
  }
}
