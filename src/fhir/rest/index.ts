/** The FHIR R4 REST API over a replica (`createFhirHandler`) and what configures it. */
export {
  createFhirHandler,
  DEFAULT_FHIR_BASE_PATH,
  type FhirHandler,
  type FhirHandlerOptions,
} from './createFhirHandler.js';
export { checkFhirClients, type FhirClient } from './fhirClients.js';
export {
  canRead,
  canWrite,
  parseFhirAccess,
  type FhirAccess,
  type FhirScope,
  type FhirScopeContext,
} from './fhirAccess.js';
export { resourceVersions, type ResourceVersion } from './resourceVersions.js';
export { safetyCriticalElements } from './safetyCriticalElements.js';
export type { FhirReplica } from './fhirRestContext.js';
export { FhirRequestRefusal, type FhirIssueCode, type FhirOutcomeIssue } from './fhirRequestRefusal.js';
