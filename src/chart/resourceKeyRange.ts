import { ChartlogError } from '../error/chartlogError.js';
import type { StreamId } from '../event/ids.js';
import type { ResourceKeysOptions } from './chartView.js';

/** The default `limit` of `ChartView.resourceKeys`. */
export const DEFAULT_RESOURCE_KEYS_LIMIT = 1000;

/** A page of the resource-key index to read: keys strictly between `from` and `to`, at most `limit` entries (whole keys). */
export interface ResourceKeyRange {
  /** Exclusive lower bound: `<Type>/`, or the `after` key when it is later. */
  readonly from: string;
  /** Exclusive upper bound: `<Type>0` (`0` is the character after `/`), so only `<Type>/…` keys fall between. */
  readonly to: string;
  /** Most entries; the streams of the last key are all included even past it. */
  readonly limit: number;
  /** Only keys on this stream. */
  readonly stream?: StreamId;
}

/**
 * The index range a `resourceKeys(type, options)` call reads: every key `<Type>/<id>`
 * of that type sorts between `<Type>/` and `<Type>0`, in code-unit order (SQLite's
 * BINARY collation agrees for the ASCII keys FHIR allows).
 *
 * @throws ChartlogError `INVALID_OPTION` when `type` is empty or holds a `/`, or `limit` is not an integer ≥ 1.
 * @example resourceKeyRange('Observation', { after: 'Observation/o7' }) // { from: 'Observation/o7', to: 'Observation0', limit: 1000 }
 */
export function resourceKeyRange(type: string, options: ResourceKeysOptions = {}): ResourceKeyRange {
  if (typeof type !== 'string' || type.length === 0 || type.includes('/')) {
    throw new ChartlogError(
      'INVALID_OPTION',
      `a resource type must be a non-empty name without '/', got ${JSON.stringify(type)}`,
      { details: { option: 'type' } },
    );
  }
  const limit = options.limit ?? DEFAULT_RESOURCE_KEYS_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new ChartlogError('INVALID_OPTION', `limit must be an integer >= 1, got ${String(limit)}`, {
      details: { option: 'limit' },
    });
  const { after } = options;
  if (after !== undefined && typeof after !== 'string')
    throw new ChartlogError('INVALID_OPTION', `after must be a resource key, got ${JSON.stringify(after)}`, {
      details: { option: 'after' },
    });
  const prefix = `${type}/`;
  return {
    from: after !== undefined && after > prefix ? after : prefix,
    to: `${type}0`,
    limit,
    ...(options.stream !== undefined ? { stream: options.stream } : {}),
  };
}
