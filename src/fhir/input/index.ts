/**
 * The input half of `chartlog/fhir` import: bytes in, FHIR R4 resources ready to record
 * (and refusals) out. Nothing here touches a store or a chart.
 */
export { readFhirInput, DEFAULT_MAX_BUNDLE_BYTES, DEFAULT_MAX_LINE_BYTES } from './readFhirInput.js';
export type { FhirInputProgress, ReadFhirInputOptions } from './readFhirInput.js';
export { fhirFileSource } from './fhirFileSource.js';
export type { FhirInputSource } from './fhirInputSource.js';
export type { FhirInputItem } from './fhirInputItem.js';
export type { FhirInputLocation, FhirRefusal, FhirRefusalCode } from './fhirRefusal.js';
export type { ImportedFhirResource } from './fhirResource.js';
export { createFhirValidator } from './createFhirValidator.js';
export type { FhirValidationIssue, FhirValidator } from './createFhirValidator.js';
export { deterministicFhirId } from './deterministicFhirId.js';
export { IMPORTED_BUNDLE_TYPES } from './bundleItems.js';
