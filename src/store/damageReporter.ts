import type { ChartlogError } from '../error/chartlogError.js';

/** Where a store reports damage its reads found and worked around (see `EventLog.onDamage`). */
export interface DamageReporter {
  /**
   * Tells every listener of `damage`; while none listens, emits it once per `key` as a
   * process warning (code `CHARTLOG_STORE_CORRUPT`), so a store read again and again does
   * not flood the log with the same find.
   */
  report(damage: ChartlogError, key: string): void;
  /** Adds a listener; returns the function that removes it. */
  onDamage(listener: (damage: ChartlogError) => void): () => void;
}

/**
 * A {@link DamageReporter}, one per open store (it remembers what it has warned about).
 *
 * @example
 * ```ts
 * const damage = createDamageReporter();
 * const log = { ...others, onDamage: damage.onDamage };
 * damage.report(new ChartlogError('STORE_CORRUPT', '…', { details: { site, seq, part: 'sig' } }), `${site}\u0000${seq}`);
 * ```
 */
export function createDamageReporter(): DamageReporter {
  const listeners = new Set<(damage: ChartlogError) => void>();
  const warned = new Set<string>();
  return {
    report(damage, key) {
      if (listeners.size > 0) for (const listener of listeners) listener(damage);
      else if (!warned.has(key)) {
        warned.add(key);
        process.emitWarning(damage.message, { code: 'CHARTLOG_STORE_CORRUPT' });
      }
    },
    onDamage(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
