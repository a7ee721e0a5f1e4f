import type { ValidationIssueInput } from '../../error/chartlogError.js';
import type { Author } from '../../event/chartEvent.js';
import { checkAuthor } from '../../event/checkAuthor.js';
import { isPlainObject } from '../../event/json.js';
import { MIN_TOKEN_LENGTH } from '../../sync/http/peerAuth.js';
import { checkFhirAccess, type FhirAccess } from './fhirAccess.js';

/** A client of the FHIR API, as configured: its bearer token and what it may do. */
export interface FhirClient {
  /** The bearer token it presents (`Authorization: Bearer <token>`). */
  readonly token: string;
  /** The scope text as configured, e.g. `read-write` or `patient/*.read` (for logs and errors). */
  readonly scope: string;
  /** What its scope allows (see `canRead` / `canWrite`). */
  readonly access: FhirAccess;
  /** Who its writes are recorded under (every write is audited as any event is); present whenever a scope writes. */
  readonly author?: Author;
  /** The patient its `patient/` scopes are bound to (also `access.patient`). */
  readonly patient?: string;
}

const CLIENT_FIELDS = ['token', 'scope', 'author', 'patient'];
const HEADER_TOKEN = /^[\x21-\x7e]+$/;

/**
 * Checks the configured FHIR clients (peers.json's `fhirClients`): an array of
 *
 * ```json
 * { "token": "…16+ chars…", "scope": "read" | "read-write" | "<SMART v1 scopes>",
 *   "author": { "id": "gmc-1234567", "role": "gp" }, "patient": "p1" }
 * ```
 *
 * `token`: at least 16 visible ASCII characters (it travels in a header), no two clients the
 * same. `scope`: see `checkFhirAccess`. `author`: required when any scope writes, checked as an
 * event's author is (`id`, optional `role` and `org`). `patient`: a FHIR id, required exactly
 * with `patient/` scopes. Other fields are refused. Every problem is an issue whose path starts
 * with `path`, then the entry's index and field.
 *
 * @returns The clients, and the issues: `clients` is empty whenever `issues` is not (nothing is half-accepted).
 * @example
 * ```ts
 * const { clients, issues } = checkFhirClients(JSON.parse(text).fhirClients, ['fhirClients']);
 * if (issues.length > 0) throw new ChartlogError('INVALID_OPTION', 'fhirClients is not valid', { issues });
 * ```
 */
export function checkFhirClients(
  raw: unknown,
  path: readonly (string | number)[],
): { clients: FhirClient[]; issues: ValidationIssueInput[] } {
  const issues: ValidationIssueInput[] = [];
  if (!Array.isArray(raw))
    return {
      clients: [],
      issues: [{ path: [...path], message: 'must be an array of { token, scope, author?, patient? }' }],
    };
  const clients: FhirClient[] = [];
  const seen = new Map<string, number>();
  raw.forEach((entry: unknown, i) => {
    const problem = (at: readonly (string | number)[], message: string): void =>
      void issues.push({ path: [...path, i, ...at], message });
    if (!isPlainObject(entry)) return problem([], 'must be an object { token, scope, author?, patient? }');
    for (const extra of Object.keys(entry))
      if (!CLIENT_FIELDS.includes(extra)) problem([extra], 'unknown field');
    const before = issues.length;
    const { token, scope, author, patient } = entry;
    if (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH || !HEADER_TOKEN.test(token)) {
      problem(
        ['token'],
        `must be a string of at least ${MIN_TOKEN_LENGTH} visible ASCII characters, without spaces (it is ` +
          'sent as "Authorization: Bearer <token>")',
      );
    } else if (seen.has(token))
      problem(
        ['token'],
        `the same token is given to ${path.join('.')}[${seen.get(token)}]: give each client its own`,
      );
    else seen.set(token, i);
    const access = checkFhirAccess(scope, patient, (field, message) => problem([field], message));
    if (author !== undefined) checkAuthor(author, (at, message) => problem(at, message));
    else if (access?.scopes.some((s) => s.write) === true)
      problem(
        ['author'],
        'is required for a client that may write: every write is recorded under this author ({ "id": …, "role": … })',
      );
    if (issues.length > before || access === undefined) return;
    const a = author as Author | undefined;
    const recordedAs =
      a === undefined
        ? undefined
        : {
            id: a.id,
            ...(a.role !== undefined ? { role: a.role } : {}),
            ...(a.org !== undefined ? { org: a.org } : {}),
          };
    clients.push({
      token: token as string,
      scope: scope as string,
      access,
      ...(recordedAs !== undefined ? { author: recordedAs } : {}),
      ...(access.patient !== undefined ? { patient: access.patient } : {}),
    });
  });
  return issues.length > 0 ? { clients: [], issues } : { clients, issues };
}
