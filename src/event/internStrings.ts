/**
 * A bounded table of short strings, so that the thousands of events a sync decodes
 * share one copy of each repeated value (site and stream ids, event types, code systems,
 * codes, units, statuses) instead of holding one copy per event: `JSON.parse` allocates
 * every string it reads afresh, and repeated values are most of an event's strings.
 */

/** Strings longer than this are kept as they are: long ones are rarely repeated. */
export const INTERN_MAX_LENGTH = 48;

// Cleared when full rather than evicting one by one: unique values (dates, ids) would
// otherwise fill it for good; after a clear, values still in use come back at once.
// Shared module state on purpose: it returns a string equal to its argument, so which
// copy a caller gets never changes a result, only how much memory equal strings take.
const TABLE_LIMIT = 1 << 16;
let table = new Map<string, string>();

/** The table's copy of `s` (adding it), or `s` itself when it is long. Equal in value either way. */
export function internString(s: string): string {
  if (s.length > INTERN_MAX_LENGTH) return s;
  const held = table.get(s);
  if (held !== undefined) return held;
  if (table.size >= TABLE_LIMIT) table = new Map();
  table.set(s, s);
  return s;
}
