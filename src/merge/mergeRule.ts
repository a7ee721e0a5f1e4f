import type { Draft } from 'immer';
import type { Hlc } from '../event/hlc.js';
import type { EventId, SiteId } from '../event/ids.js';
import type { Json } from '../event/json.js';

/**
 * One write of one field, as rules store it: which event wrote what, where and when.
 * `author` is the author's id; the full author is on the event.
 */
export interface WriteRef {
  /** Id of the event that made this write. */
  readonly id: EventId;
  /** Site that recorded it. */
  readonly site: SiteId;
  /** Its seq at that site. */
  readonly seq: number;
  /** Its clock stamp. */
  readonly hlc: Hlc;
  /** Id of its author. */
  readonly author: string;
  /** The value (or op) written. */
  readonly value: Json;
}

/** An algebraic law a rule can claim; `chartlog/testing` checks each claim. */
export type RuleLaw = 'commutative' | 'associative' | 'idempotent';

/** Every field state shows its current (or provisional) value as `value`. */
export interface FieldState {
  readonly value: unknown;
}

/**
 * A field merge rule (docs/architecture.md, "Merge rules"): a join-semilattice over field states.
 *
 * The fold applies writes in the total order of events, so any deterministic rule
 * converges. A rule that also claims `commutative`, `associative` and `idempotent`
 * promises more: `merge` of two states is a join, and applying writes in any order,
 * any number of times, gives the same state. Claims are checked by `checkRuleLaws` in
 * `chartlog/testing`. Rules mutate immer drafts; they must be deterministic and total
 * (never throw on a value that passed `check`).
 *
 * @typeParam S - the rule's field state.
 */
export interface MergeRule<S extends FieldState = FieldState> {
  /** Name used in schemas, e.g. `'mv'`. */
  readonly name: string;
  /** Laws this rule claims. */
  readonly laws: readonly RuleLaw[];
  /** Why a written value is unacceptable for this rule, or undefined when it is fine. */
  check(value: Json): string | undefined;
  /**
   * State holding exactly one write. `pred` lists the writes its author saw as current.
   * Any key order encodes to the same bytes; keys built in code-unit order (as the
   * built-in rules build them) let `canonicalJson` use the native encoder.
   */
  create(write: WriteRef, pred: readonly EventId[]): S;
  /** Adds one write to a state, in place (an immer draft). */
  apply(state: Draft<S>, write: WriteRef, pred: readonly EventId[]): void;
  /** Joins `other` into `state`, in place (an immer draft). */
  merge(state: Draft<S>, other: S): void;
  /** The competing writes when the field is in conflict, else undefined. */
  conflict(state: S): readonly WriteRef[] | undefined;
  /** Ids of the writes the state currently shows (for history and audit). */
  current(state: S): readonly EventId[];
  /** The `pred` a new write of `value` must carry to supersede what the author sees in `state`. */
  pred(state: S | undefined, value: Json): EventId[];
}

/** The order of writes: the event total order `(hlc, site, seq, id)`. */
export function compareWrites(a: WriteRef, b: WriteRef): number {
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? -1 : 1;
  if (a.site !== b.site) return a.site < b.site ? -1 : 1;
  if (a.seq !== b.seq) return a.seq - b.seq;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** A no-`pred` empty list, shared so writes without pred allocate nothing. */
export const NO_PRED: readonly EventId[] = Object.freeze([]);
