/**
 * Sorted string arrays used as sets inside field states: they stay plain JSON (so the
 * canonical state hash covers them) and compare equal whatever order ids arrived in.
 */

/** Index of `id` in sorted `ids`, or `-(insertion point) - 1` when absent. */
export function searchSorted(ids: readonly string[], id: string): number {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = ids[mid] as string;
    if (at < id) lo = mid + 1;
    else if (at > id) hi = mid - 1;
    else return mid;
  }
  return -lo - 1;
}

/** True when sorted `ids` holds `id`. */
export function hasSorted(ids: readonly string[], id: string): boolean {
  return searchSorted(ids, id) >= 0;
}

/** Inserts `id` into sorted `ids` in place unless present; true when inserted. */
export function insertSorted(ids: string[], id: string): boolean {
  // Lists built in order (conflict keys, replays of a sorted list) append: try the end first.
  const n = ids.length;
  if (n === 0 || (ids[n - 1] as string) < id) {
    ids.push(id);
    return true;
  }
  const at = searchSorted(ids, id);
  if (at >= 0) return false;
  ids.splice(-at - 1, 0, id);
  return true;
}

/** Removes `id` from sorted `ids` in place; true when it was there. */
export function removeSorted(ids: string[], id: string): boolean {
  const at = searchSorted(ids, id);
  if (at < 0) return false;
  ids.splice(at, 1);
  return true;
}
