import type { EventLog } from './eventLog.js';

/**
 * Internal (not exported from the package): the key of a store's optional method that
 * leaves it as a killed process would. What the operating system ends with a process
 * (the SQLite store's writer lock) is released; nothing is flushed, checkpointed or
 * closed. Crash simulations call it before reopening the same file in the same process.
 * A registered symbol, so callers need not load the adapter that defines it.
 */
export const ABANDON_STORE: unique symbol = Symbol.for('chartlog.abandonStore');

/** A store that can be abandoned (see {@link ABANDON_STORE}). */
export interface AbandonableStore {
  [ABANDON_STORE](): void;
}

/** Abandons `store` if it supports it; otherwise does nothing (a memory store has no lock to let go). */
export function abandonStore(store: EventLog): void {
  const s = store as Partial<AbandonableStore>;
  s[ABANDON_STORE]?.();
}
