import type { SiteId, StreamId } from '../../event/ids.js';

/** What kind of damage `verifyEventLog` found. */
export type VerifyProblemKind =
  /** The store could not return the event intact (row hash mismatch, unreadable row, a damaged stored signature). */
  | 'corrupt'
  /** The event fails envelope validation. */
  | 'malformed'
  /** A seq below the site's head is missing, or a site's seqs are out of place. */
  | 'missing'
  /** `prev` is not the hash of the site's previous event. */
  | 'chain-broken'
  /** `sig` does not verify with the site's key. */
  | 'bad-signature'
  /** The store's head for a site is not its last event. */
  | 'head-mismatch'
  /** More or fewer events stored than the sites' chains account for. */
  | 'count-mismatch'
  /** The persisted projection of a stream (or its replica hash) is not the fold of the events. */
  | 'projection-mismatch';

/** One problem found. */
export interface VerifyProblem {
  readonly kind: VerifyProblemKind;
  /** The site concerned, when one is. */
  readonly site?: SiteId;
  /** The seq concerned, when one is. */
  readonly seq?: number;
  /** The stream concerned (projection problems). */
  readonly stream?: StreamId;
  /** What is wrong, in words. */
  readonly message: string;
}

/** Progress of a long verification. */
export interface VerifyProgress {
  /** `events`: the sites' chains; `projection`: folding each stream to check the projection. */
  readonly phase: 'events' | 'projection';
  /** Events checked (or folded) so far. */
  readonly checked: number;
  /** Events the store reports holding. */
  readonly total: number;
}
