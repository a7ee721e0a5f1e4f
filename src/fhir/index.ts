/**
 * `chartlog/fhir`: records as FHIR R4 resources (docs/architecture.md, "Records are FHIR R4"). Every R4 resource type can be
 * held, a field per top-level element with a merge rule derived from the R4 definitions
 * (a pack may override them: `clinicalSchema` does, with `clinicalFhirRules`); resources read back as FHIR R4 JSON with
 * `meta.versionId`/`lastUpdated` from the events, and an element in conflict says so in
 * FHIR terms.
 *
 * @example
 * ```ts
 * import { createChart } from 'chartlog';
 * import { createFhirSchema, prepareFhirWrite, readFhirResource, fhirStreamOf } from 'chartlog/fhir';
 *
 * const chart = createChart({ schema: createFhirSchema() }); // or clinicalSchema, from 'chartlog'
 * const draft = prepareFhirWrite(chart, allergy, { author });
 * if (draft) chart.apply([writer.append(draft)]);
 * readFhirResource(chart, fhirStreamOf(allergy), `AllergyIntolerance/${allergy.id}`);
 * ```
 * @packageDocumentation
 */
export {
  checkR4Value,
  choiceKey,
  fhirCompanionCheck,
  fhirFieldCheck,
  type FieldCheck,
} from './fhirFieldCheck.js';
export { fhirFieldsOf, r4ResourceTypes, type FhirField, type FhirFields } from './fhirFields.js';
export { CHARTLOG_TAG_SYSTEM, CONCURRENT_VALUES_EXTENSION, type FhirResource } from './fhirResource.js';
export { fhirRuleOf } from './fhirRuleOf.js';
export {
  createFhirSchema,
  FHIR_EVENTS,
  type FhirSchemaOptions,
  type FhirSchemaDefinition,
  type FhirEventDefinitions,
} from './fhirSchema.js';
export { fhirDirectoryStream, fhirPatientStream, fhirStreamOf } from './fhirStreamOf.js';
export { fhirWritesOf, type FhirWrites } from './fhirWrites.js';
export { prepareFhirWrite, type PrepareFhirWriteOptions } from './prepareFhirWrite.js';
export { R4_PRIMITIVES, R4_RESOURCES, R4_VERSION } from './r4/r4Definitions.generated.js';
export type { R4Element, R4Primitive, R4Resource } from './r4/r4Types.js';
export { readFhirResource } from './readFhirResource.js';
export { fieldMembers, shownFhirValue } from './shownFhirValue.js';
export { instantOfStamp, PROVISIONAL_TAG, toFhirResource, versionIdOf } from './toFhirResource.js';
export * from './input/index.js';
export {
  exportFhir,
  fhirCollectionBundle,
  fhirNdjsonLines,
  type ExportFhirOptions,
  type FhirExportSource,
} from './exportFhir.js';
export { AUTHOR_SYSTEM, fhirProvenanceOf, SITE_SYSTEM } from './fhirProvenance.js';
export {
  importFhir,
  type FhirImportProgress,
  type FhirImportReport,
  type FhirRecordTarget,
  type ImportFhirOptions,
} from './importFhir.js';
export {
  extensionFieldsOf,
  isExtensionValueType,
  type FhirExtensionDefinition,
  type FhirExtensionField,
} from './fhirExtensionFields.js';
export { isFhirId } from './isFhirId.js';
export * from './rest/index.js';
export * from './search/index.js';
