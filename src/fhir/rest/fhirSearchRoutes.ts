import type { StreamId } from '../../event/ids.js';
import { fhirPatientStream } from '../fhirStreamOf.js';
import { R4_SEARCH_PARAMETERS } from '../r4/r4SearchParameters.generated.js';
import { fhirEverything } from '../search/fhirEverything.js';
import type { FhirSearchIssue, FhirSearchOutcome } from '../search/fhirSearch.js';
import type { FhirSearchBundle } from '../search/fhirSearchBundle.js';
import { parseFhirEverything } from '../search/parseFhirEverything.js';
import { parseFhirSearch } from '../search/parseFhirSearch.js';
import { searchFhir } from '../search/searchFhir.js';
import type { CapabilitySearchParam } from './capabilityStatement.js';
import { canRead, type FhirAccess } from './fhirAccess.js';
import { FhirRequestRefusal } from './fhirRequestRefusal.js';
import type { FhirRestContext } from './fhirRestContext.js';
import { projectionSearchSource } from './projectionSearchSource.js';

/** The search parameters the API supports for `type`, for the CapabilityStatement (`_id` and `_lastUpdated` are added there). */
export function searchParamsOf(type: string): CapabilitySearchParam[] {
  const params = R4_SEARCH_PARAMETERS[type] ?? {};
  return Object.entries(params).map(([name, p]) => ({
    name,
    type: p.type,
    ...(p.id === undefined ? {} : { id: p.id }),
  }));
}

/**
 * `GET [base]/<type>?…` (and `POST [base]/<type>/_search`): a `searchset` Bundle of the
 * resources the client may read. A patient-scoped client (SMART `patient/…`) searches its
 * own patient's record only, as if it had asked for `patient=<its patient>`.
 *
 * @throws FhirRequestRefusal 400 for a parameter, modifier or value the API does not support
 *   (every problem listed), 422 `too-costly` for a sort over too many matches, 403 when the
 *   client may read no resource of the type.
 */
export function searchResources(
  ctx: FhirRestContext,
  type: string,
  params: URLSearchParams,
  access: FhirAccess,
  checkRead: (type: string, stream: StreamId | undefined) => void,
): FhirSearchBundle {
  const own = patientLimit(access, type, checkRead);
  const asked = new URLSearchParams(params);
  // A patient-scoped client's search reads its one record rather than scanning the type.
  if (
    own !== undefined &&
    !asked.has('patient') &&
    !asked.has('subject') &&
    R4_SEARCH_PARAMETERS[type]?.['patient'] !== undefined
  )
    asked.append('patient', own);
  const search = answer(parseFhirSearch(type, asked));
  const source = projectionSearchSource(ctx.replica.chart, (t, stream) => canRead(access, t, stream));
  return answer(searchFhir(source, search, { baseUrl: ctx.base }));
}

/**
 * `GET [base]/Patient/<id>/$everything`: the Patient, then everything on its record the
 * client may read, paged.
 * @throws FhirRequestRefusal 404 when the record holds no such Patient, 403 when the client may not read it.
 */
export function everything(
  ctx: FhirRestContext,
  patientId: string,
  params: URLSearchParams,
  access: FhirAccess,
  checkRead: (type: string, stream: StreamId | undefined) => void,
): FhirSearchBundle {
  checkRead('Patient', fhirPatientStream(patientId));
  const query = answer(parseFhirEverything(params));
  const source = projectionSearchSource(ctx.replica.chart, (t, stream) => canRead(access, t, stream));
  return answer(fhirEverything(source, patientId, query, { baseUrl: ctx.base }));
}

/** The patient a client's reads of `type` are limited to, or undefined when it may read the type on any record. */
function patientLimit(
  access: FhirAccess,
  type: string,
  checkRead: (type: string, stream: StreamId | undefined) => void,
): string | undefined {
  if (canRead(access, type, undefined)) return undefined;
  if (access.patient === undefined) {
    checkRead(type, undefined);
    return undefined;
  }
  checkRead(type, fhirPatientStream(access.patient));
  return access.patient;
}

const STATUS_OF: Readonly<Record<FhirSearchIssue['code'], number>> = {
  invalid: 400,
  'not-supported': 400,
  'not-found': 404,
  'too-costly': 422,
};

/** The value of a search outcome, or a refusal listing its issues. */
function answer<T>(outcome: FhirSearchOutcome<T>): T {
  if (outcome.ok) return outcome.value;
  const first = outcome.issues[0];
  throw new FhirRequestRefusal(
    STATUS_OF[first?.code ?? 'invalid'],
    first?.code ?? 'invalid',
    first?.diagnostics ?? 'the search cannot be run',
    { issues: outcome.issues },
  );
}
