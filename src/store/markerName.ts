import { ChartlogError } from '../error/chartlogError.js';

/**
 * Pattern of a store marker's name ({@link EventLog.putMarker}): a lower-case letter, then
 * lower-case letters, digits or `.`, at most 64 characters (it becomes part of a SQLite
 * `meta` key and of an EventStoreDB stream name, so no `-`).
 */
export const MARKER_NAME_PATTERN = /^[a-z][a-z0-9.]{0,63}$/;

/**
 * Checks a marker name against {@link MARKER_NAME_PATTERN}.
 * @throws ChartlogError `INVALID_OPTION` naming the bad name.
 */
export function checkMarkerName(name: string): string {
  if (typeof name !== 'string' || !MARKER_NAME_PATTERN.test(name)) {
    throw new ChartlogError(
      'INVALID_OPTION',
      `not a marker name (${String(MARKER_NAME_PATTERN)}): ${JSON.stringify(name)}`,
      { details: { name } },
    );
  }
  return name;
}
