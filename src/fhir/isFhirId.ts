const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * True when `value` is a FHIR R4 `id`: 1 to 64 of `A–Z a–z 0–9 - .`
 * (https://hl7.org/fhir/R4/datatypes.html#id). A UUID is one; a urn or a URL is not.
 *
 * @example isFhirId('7ecc7bc6-8b00-ef6f-1389-6215d2b767b8') // true
 */
export function isFhirId(value: unknown): value is string {
  return typeof value === 'string' && FHIR_ID.test(value);
}
