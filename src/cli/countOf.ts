/**
 * A count and its noun, singular for exactly one: `countOf(1, 'event')` is `1 event`,
 * `countOf(2, 'event')` is `2 events`, `countOf(3, 'entry', 'entries')` is `3 entries`.
 *
 * @param plural - @defaultValue `${singular}s`
 */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
