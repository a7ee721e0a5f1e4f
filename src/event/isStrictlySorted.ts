/**
 * True when `ids` is sorted ascending with no repeats: the form writers emit `pred` in
 * (an event's canonical encoding keeps the order it was given, so the writer sorts once
 * and the merge rules can trust it).
 *
 * @example
 * ```ts
 * isStrictlySorted(['a', 'b']); // true
 * isStrictlySorted(['b', 'a', 'a']); // false
 * ```
 */
export function isStrictlySorted(ids: readonly string[]): boolean {
  for (let i = 1; i < ids.length; i++) if ((ids[i - 1] as string) >= (ids[i] as string)) return false;
  return true;
}
