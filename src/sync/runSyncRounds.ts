import type { ChartlogError } from '../error/chartlogError.js';
import type { SyncConnection } from './syncConnection.js';

/** Options for {@link runSyncRounds}. */
export interface SyncRoundsOptions {
  /** Give up after this many rounds. */
  readonly maxRounds: number;
  /** The error to throw then (see `syncNotQuiet`), given the rounds run. */
  readonly notQuiet: (rounds: number) => ChartlogError;
  /** Called before each round, e.g. to advance a simulated clock. @defaultValue none */
  readonly beforeRound?: (round: number) => void;
  /** Called after each round, the quiet one included, e.g. for a progress line. @defaultValue none */
  readonly onRound?: (round: number) => void;
}

/**
 * The sync loop, the one every sync runs on (after Automerge's `sync(a, b)` test helper,
 * which gives up after a bound): rounds in which every connection, in order, takes one
 * round, until a round where none of them had anything to say. Returns the rounds run,
 * the quiet one included. One connection is a two-party sync; several are a network
 * whose events travel on from link to link (relaying) as the rounds go.
 *
 * @throws what `notQuiet` builds (a ChartlogError `SYNC_NOT_QUIET`) when still talking after `maxRounds`.
 * @example
 * ```ts
 * const rounds = await runSyncRounds([connection], { maxRounds: 100, notQuiet: (n) => syncNotQuiet('a and b', n, connection.report) });
 * ```
 */
export async function runSyncRounds(
  connections: readonly SyncConnection[],
  options: SyncRoundsOptions,
): Promise<number> {
  for (let round = 1; round <= options.maxRounds; round++) {
    options.beforeRound?.(round);
    let spoke = false;
    // Every connection takes its round, even after one has spoken: no link waits on another.
    for (const connection of connections) if (await connection.round()) spoke = true;
    options.onRound?.(round);
    if (!spoke) return round;
  }
  throw options.notQuiet(options.maxRounds);
}
