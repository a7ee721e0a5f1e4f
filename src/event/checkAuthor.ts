import { isCanonicalString, isPlainObject } from './json.js';

const AUTHOR_FIELDS = new Set(['id', 'role', 'org']);

/**
 * Checks an event's `author` (see `Author` in chartEvent.ts): a plain object with `id`
 * and optionally `role` and `org`, each a non-empty NFC string of at most 256 characters,
 * and nothing else. Each problem goes to `bad`, with a path starting at `['author']`.
 * Shared by event validation and by configuration that names the author writes are
 * recorded under (FHIR clients), so both hold an author to the same rules.
 *
 * @example
 * ```ts
 * const issues: ValidationIssue[] = [];
 * checkAuthor({ id: 'gmc-1234567', role: 'gp', seat: 3 }, (path, message) => issues.push({ path, message }));
 * // issues: [{ path: ['author', 'seat'], message: 'unknown field' }]
 * ```
 */
export function checkAuthor(
  author: unknown,
  bad: (path: (string | number)[], message: string) => void,
): void {
  if (!isPlainObject(author)) return bad(['author'], 'must be an object with at least an id');
  for (const key of Object.keys(author)) if (!AUTHOR_FIELDS.has(key)) bad(['author', key], 'unknown field');
  for (const key of AUTHOR_FIELDS) {
    const v = author[key];
    if (v === undefined && key !== 'id') continue;
    if (typeof v !== 'string' || v.length === 0 || v.length > 256 || !isCanonicalString(v))
      bad(['author', key], 'must be a non-empty NFC string of at most 256 characters');
  }
}
