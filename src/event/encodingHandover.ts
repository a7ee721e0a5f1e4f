import type { ChartEvent } from './chartEvent.js';
import type { EventHash } from './ids.js';

/** An event's canonical encoding ({@link encodeEvent}) and its SHA-256. */
export interface EncodedEvent {
  /** The canonical encoding: what stores save and re-hash on read. */
  readonly encoded: string;
  /** SHA-256 (hex) of `encoded`: the event hash. */
  readonly hash: EventHash;
}

/**
 * Canonical encodings on their way from whoever made or verified them (an event writer,
 * ingest after its chain and signature checks) to the store append that saves them, so
 * an event is encoded once on its way in rather than once per layer. The owner creates
 * one, gives it to its writer (`EventWriterOptions.encodings`) and to the append that
 * follows (`EventLog.append(events, { encodings })`); nothing is shared between owners.
 *
 * A store saves a handed-over text as it is, so it holds only what chartlog itself
 * encoded or verified: fill one only with the canonical encoding of that very event.
 */
export interface EncodingHandover {
  /**
   * Records that `encoded` is the canonical encoding of `event` and `hash` its SHA-256.
   * Ignored for an event that is not deeply frozen (its owner could still change it).
   */
  remember(event: ChartEvent, encoded: string, hash: EventHash): void;
  /** The encoding recorded for `event` (if still held), handed over once: it is forgotten. */
  take(event: ChartEvent): EncodedEvent | undefined;
}

/** Options for {@link createEncodingHandover}. */
export interface EncodingHandoverOptions {
  /**
   * How many recent encodings are surely held: between `maxHeld` and twice that are kept
   * (two generations), older ones are dropped and their store encodes them again. A
   * writer whose events never reach a store so keeps only the latest few.
   * @defaultValue `4096`
   */
  readonly maxHeld?: number;
}

/**
 * Creates an empty {@link EncodingHandover}, for one owner (a replica, one ingest call).
 *
 * @example
 * ```ts
 * const encodings = createEncodingHandover();
 * const writer = createEventWriter({ site, encodings });
 * await store.append(writer.appendAll(drafts), { encodings });
 * ```
 */
export function createEncodingHandover(options: EncodingHandoverOptions = {}): EncodingHandover {
  const maxHeld = options.maxHeld ?? 4096;
  // Two generations rather than an LRU: an append takes what the writer just left, and
  // dropping a whole old generation at once costs nothing per event.
  let recent = new Map<ChartEvent, EncodedEvent>();
  let older = new Map<ChartEvent, EncodedEvent>();
  return {
    remember(event, encoded, hash) {
      if (!(
        Object.isFrozen(event) &&
        Object.isFrozen(event.data) &&
        Object.isFrozen(event.pred) &&
        Object.isFrozen(event.author)
      ))
        return;
      if (recent.size >= maxHeld) {
        older = recent;
        recent = new Map();
      }
      recent.set(event, { encoded, hash });
    },
    take(event) {
      const held = recent.get(event) ?? older.get(event);
      if (held === undefined) return undefined;
      recent.delete(event);
      older.delete(event);
      return held;
    },
  };
}
