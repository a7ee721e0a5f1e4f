import { ChartlogError, type ValidationIssueInput } from '../../error/chartlogError.js';
import { isFhirId } from '../isFhirId.js';
import { R4_RESOURCES } from '../r4/r4Definitions.generated.js';

/** Whose records a SMART scope reaches: one patient's, or every record the site holds. */
export type FhirScopeContext = 'patient' | 'user' | 'system';

/** One SMART v1 resource scope, parsed: `<context>/<type>.<read|write|*>`. */
export interface FhirScope {
  /**
   * `patient`: only the client's patient's record (the Patient itself and its compartment);
   * `user` and `system`: every record (this server has no user login, so they grant the same).
   */
  readonly context: FhirScopeContext;
  /** An R4 resource type, or `*` for every type. */
  readonly type: string;
  /** The scope allows reads (`.read` or `.*`). */
  readonly read: boolean;
  /** The scope allows writes (`.write` or `.*`); as in SMART v1, `.write` alone does not allow reads. */
  readonly write: boolean;
}

/** What a FHIR client may do: its scopes, and the patient its `patient/` scopes are bound to. */
export interface FhirAccess {
  /** Every scope granted, in the order given. */
  readonly scopes: readonly FhirScope[];
  /** The patient id `patient/` scopes are bound to; present exactly when a `patient/` scope is. */
  readonly patient?: string;
}

const RESOURCE_SCOPE = /^(patient|user|system)\/([A-Za-z]+|\*)\.(read|write|\*)$/;
const SMART_V2_SCOPE = /^(patient|user|system)\/([A-Za-z]+|\*)\.[cruds]+(\?.*)?$/;
const SHORTHANDS: Readonly<Record<string, FhirScope>> = {
  read: { context: 'system', type: '*', read: true, write: false },
  'read-write': { context: 'system', type: '*', read: true, write: true },
};

/** The problems of one scope word, or the scope it grants. */
function parseScopeWord(word: string): FhirScope | string {
  const shorthand = Object.hasOwn(SHORTHANDS, word) ? SHORTHANDS[word] : undefined;
  if (shorthand !== undefined) return shorthand;
  const m = RESOURCE_SCOPE.exec(word);
  if (m === null) {
    if (SMART_V2_SCOPE.test(word))
      return `${word}: SMART v2 permissions (.rs, .cruds …) are not supported here: use .read, .write or .*`;
    return (
      `${word} grants no FHIR resource access: give read, read-write or SMART v1 resource scopes ` +
      '(patient|user|system/<Type|*>.<read|write|*>)'
    );
  }
  const [, context, type, permission] = m as unknown as [string, FhirScopeContext, string, string];
  if (type !== '*' && !Object.hasOwn(R4_RESOURCES, type))
    return `${word}: ${type} is not an R4 resource type`;
  return { context, type, read: permission !== 'write', write: permission !== 'read' };
}

/**
 * Checks a FHIR client's `scope` (a space-separated list of SMART v1 resource scopes, or the
 * shorthands `read` = `system/*.read` and `read-write` = `system/*.*`) together with its
 * `patient` (a FHIR id, required exactly when a `patient/` scope is given). Each problem goes
 * to `problem` with the field it is about; the access is returned only when there is none.
 * Other scopes (`openid`, `launch`, SMART v2's `.rs` …) are refused rather than ignored, so a
 * client never appears to hold a permission it does not.
 *
 * @example
 * ```ts
 * checkFhirAccess('patient/*.read user/Practitioner.read', 'p1', (field, message) => console.log(field, message));
 * // { scopes: [{ context: 'patient', type: '*', read: true, write: false }, …], patient: 'p1' }
 * ```
 */
export function checkFhirAccess(
  scope: unknown,
  patient: unknown,
  problem: (field: 'scope' | 'patient', message: string) => void,
): FhirAccess | undefined {
  let failed = false;
  const fail = (field: 'scope' | 'patient', message: string): void => {
    failed = true;
    problem(field, message);
  };
  const scopes: FhirScope[] = [];
  if (typeof scope !== 'string')
    fail('scope', 'must be a string: read, read-write or SMART v1 scopes such as "patient/*.read"');
  else {
    const words = scope.split(/\s+/).filter((word) => word.length > 0);
    if (words.length === 0)
      fail('scope', 'grants nothing: give read, read-write or SMART v1 scopes such as "patient/*.read"');
    for (const word of words) {
      const parsed = parseScopeWord(word);
      if (typeof parsed === 'string') fail('scope', parsed);
      else scopes.push(parsed);
    }
  }
  const bound = scopes.some((s) => s.context === 'patient');
  if (patient !== undefined && !isFhirId(patient))
    fail('patient', 'must be a FHIR id (1 to 64 of A-Z a-z 0-9 - .)');
  else if (bound && patient === undefined)
    fail(
      'patient',
      'is required with patient/ scopes: the id of the one patient whose record this client may reach',
    );
  else if (!bound && patient !== undefined && scopes.length > 0)
    fail('patient', 'only applies to patient/ scopes, and this client has none');
  if (failed) return undefined;
  return { scopes, ...(bound ? { patient: patient as string } : {}) };
}

/**
 * A FHIR client's access from its scope text and patient, checked as {@link checkFhirAccess}
 * does, for clients configured in code rather than in a peers file.
 *
 * @throws ChartlogError `INVALID_OPTION` with `issues` at `['scope']` or `['patient']`.
 * @example parseFhirAccess('patient/*.*', 'p1') // may read and write p1's record only
 */
export function parseFhirAccess(scope: string, patient?: string): FhirAccess {
  const issues: ValidationIssueInput[] = [];
  const access = checkFhirAccess(scope, patient, (field, message) => issues.push({ path: [field], message }));
  if (access === undefined)
    throw new ChartlogError(
      'INVALID_OPTION',
      `FHIR scope ${JSON.stringify(scope)} is not valid: ${issues.map((i) => i.message).join('; ')}`,
      { issues },
    );
  return access;
}

/** The patient whose record a stream is (`patient/<id>`), or undefined (a directory stream, or none). */
function patientOfStream(stream: string | undefined): string | undefined {
  return stream?.startsWith('patient/') === true ? stream.slice('patient/'.length) : undefined;
}

function allows(
  access: FhirAccess,
  type: string,
  stream: string | undefined,
  want: 'read' | 'write',
): boolean {
  const onPatient = patientOfStream(stream);
  return access.scopes.some(
    (s) =>
      s[want] &&
      (s.type === '*' || s.type === type) &&
      (s.context !== 'patient' || (onPatient !== undefined && onPatient === access.patient)),
  );
}

/**
 * True when `access` may read resources of `type` on `stream`: the stream the resource is
 * recorded on (`fhirStreamOf`: `patient/<id>` for a Patient and its compartment,
 * `directory/<Type>` otherwise), or undefined for a request not bound to one record (a
 * search or history across every patient).
 *
 * A `user/` or `system/` scope reaches every record. A `patient/` scope reaches only its
 * client's patient's record: the Patient itself and the resources in its compartment. Not
 * directory resources (Practitioner, Organization, Medication …), which are in no
 * patient's compartment, even with `patient/*.read`: an app that shows them needs a
 * `user/` or `system/` scope for those types as well, e.g. `patient/*.read user/Practitioner.read`
 * (SMART App Launch v1: patient-level scopes are for the patient's compartment).
 *
 * @example
 * ```ts
 * const access = parseFhirAccess('patient/*.read', 'p1');
 * canRead(access, 'Observation', fhirPatientStream('p1')); // true
 * canRead(access, 'Observation', fhirPatientStream('p2')); // false
 * canRead(access, 'Practitioner', fhirDirectoryStream('Practitioner')); // false
 * canRead(access, 'Observation', undefined); // false: not bound to p1's record
 * ```
 */
export function canRead(access: FhirAccess, type: string, stream: string | undefined): boolean {
  return allows(access, type, stream, 'read');
}

/**
 * True when `access` may write resources of `type` on `stream`, by the same rules as
 * {@link canRead} with write scopes (`.write` or `.*`; `read` never allows a write). For an
 * update, check the stream the resource is on and the stream the new version would be on.
 *
 * @example canWrite(parseFhirAccess('read'), 'Patient', fhirPatientStream('p1')) // false
 */
export function canWrite(access: FhirAccess, type: string, stream: string | undefined): boolean {
  return allows(access, type, stream, 'write');
}
