/**
 * One input to {@link readFhirInput}: a named stream of bytes (or text) holding a FHIR R4
 * Bundle, a single resource, or Bulk Data NDJSON. The format is found from the content,
 * never from the name.
 *
 * @example
 * ```ts
 * const source: FhirInputSource = { name: 'upload-1', chunks: request }; // an http.IncomingMessage
 * ```
 */
export interface FhirInputSource {
  /** What refusals and progress call this input (a file path, an upload's name). */
  readonly name: string;
  /** The content, in order: UTF-8 bytes or strings, split anywhere (even inside a character). */
  readonly chunks: AsyncIterable<string | Uint8Array>;
  /** The content's length in bytes, when known: progress reports it as the total. */
  readonly totalBytes?: number;
}
