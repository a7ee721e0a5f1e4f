import { ChartlogError } from '../../error/chartlogError.js';
import type { SiteId, StreamId } from '../../event/ids.js';

/** Pattern of a stream prefix: a letter, then letters, digits or `_` (no `-`, which separates the parts of a name). */
export const EVENTSTOREDB_PREFIX_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/**
 * The EventStoreDB stream names of one chartlog store, all under `<prefix>-`:
 *
 * | stream | holds |
 * |---|---|
 * | `<prefix>-site-<site>` | the site's events; revision = seq − 1 |
 * | `<prefix>-stream-<stream>` | links (`$>`) to the site events of one record, written before them |
 * | `<prefix>-sites` | one registration per site, written before its first event |
 * | `<prefix>-signatures` | signatures given later to events stored unsigned |
 * | `<prefix>-marker-<name>` | a named record about the store (`putMarker`); the last event wins |
 */
export interface StreamNames {
  readonly prefix: string;
  /** Every site stream starts with this (and no other stream of the store does). */
  readonly sitePrefix: string;
  readonly sites: string;
  readonly signatures: string;
  site(site: SiteId): string;
  index(stream: StreamId): string;
  marker(name: string): string;
}

/**
 * The stream names for `prefix`.
 * @throws ChartlogError `INVALID_OPTION` when `prefix` does not match {@link EVENTSTOREDB_PREFIX_PATTERN}.
 */
export function streamNames(prefix: string): StreamNames {
  if (typeof prefix !== 'string' || !EVENTSTOREDB_PREFIX_PATTERN.test(prefix)) {
    throw new ChartlogError(
      'INVALID_OPTION',
      `prefix must match ${EVENTSTOREDB_PREFIX_PATTERN}, got ${JSON.stringify(prefix)}`,
      { details: { prefix } },
    );
  }
  const sitePrefix = `${prefix}-site-`;
  return {
    prefix,
    sitePrefix,
    sites: `${prefix}-sites`,
    signatures: `${prefix}-signatures`,
    site: (site) => sitePrefix + site,
    index: (stream) => `${prefix}-stream-${stream}`,
    marker: (name) => `${prefix}-marker-${name}`,
  };
}
