import type { FhirRefusalCode } from './fhirRefusal.js';
import { createLineSplitter, type SplitLine } from './lineSplitter.js';

/** One JSON document found by {@link readJsonDocuments}, or why a part of the input is not one. */
export type JsonDocument =
  | {
      readonly kind: 'json';
      /** The parsed value (any JSON: the caller checks it is a resource). */
      readonly value: unknown;
      /** Its 1-based line, for NDJSON; undefined for a whole-input (pretty-printed) document. */
      readonly line: number | undefined;
    }
  | {
      readonly kind: 'refused';
      readonly code: Extract<FhirRefusalCode, 'FHIR_MALFORMED_JSON' | 'FHIR_TOO_LARGE'>;
      /** What is wrong, without the input's name. */
      readonly text: string;
      /** The line refused; undefined when the whole input is. */
      readonly line: number | undefined;
    };

/** How the input is being read: not yet known, one document per line, or one document in all. */
type Framing = 'sniff' | 'ndjson' | 'document';

/** Limits of {@link readJsonDocuments}, in bytes. */
export interface JsonDocumentLimits {
  /** Most bytes of a whole-input document (a pretty-printed Bundle) or of the first line. */
  readonly maxDocumentBytes: number;
  /** Most bytes of each NDJSON line after the first. */
  readonly maxLineBytes: number;
}

/**
 * Reads an input as JSON documents, telling the two framings apart by content:
 *
 * - NDJSON (Bulk Data): the first non-blank line is JSON on its own, or the second is a
 *   JSON object (the first is then a broken line). One document per line; blank lines,
 *   CRLF and a UTF-8 BOM are fine; a line that is not JSON or UTF-8, or is over
 *   `maxLineBytes`, is refused by its number and reading goes on. The first line may hold
 *   up to `maxDocumentBytes` (a minified Bundle is one line).
 * - Otherwise one document spanning the input (a pretty-printed Bundle or resource), read
 *   whole up to `maxDocumentBytes`. Over that, the input is refused at once and no more of
 *   it is read; if it is not JSON, it is refused whole.
 *
 * Every chunk is copied once on arrival, so the source may reuse its buffers.
 */
export async function* readJsonDocuments(
  bytes: AsyncIterable<Uint8Array>,
  limits: JsonDocumentLimits,
): AsyncGenerator<JsonDocument, void, undefined> {
  const lines = createLineSplitter(limits.maxDocumentBytes);
  // An object, not a `let`: onLine changes it, and TypeScript's narrowing would not see that.
  const at: { mode: Framing } = { mode: 'sniff' };
  // Every byte so far while sniffing or reading a whole document: the document, if it is one.
  let head: Uint8Array[] = [];
  let headBytes = 0;
  // The first non-blank line, while it is not yet known whether it is broken NDJSON or the start of a document.
  let first: { line: number; error: string } | undefined;

  const tooLargeInput: JsonDocument = {
    kind: 'refused',
    code: 'FHIR_TOO_LARGE',
    text:
      `the input is one JSON document (a Bundle or resource) larger than ${limits.maxDocumentBytes} bytes ` +
      '(maxBundleBytes): reading stopped there and none of it was taken',
    line: undefined,
  };

  // What one complete line means, given the mode; may change the mode.
  function* onLine(cut: SplitLine): Generator<JsonDocument, void, undefined> {
    if (at.mode === 'ndjson') {
      yield* ndjsonLine(cut, limits.maxLineBytes);
      return;
    }
    if (cut.bytes === undefined) {
      // The first line alone is over the whole-document limit: nothing of this size is read.
      at.mode = 'document';
      headBytes = Infinity;
      return;
    }
    const text = decodeLine(cut.bytes);
    if (text !== undefined && text.trim() === '') return;
    const parsed = text === undefined ? { error: 'not UTF-8' } : parseJson(text);
    if (first === undefined) {
      if ('value' in parsed) {
        at.mode = 'ndjson';
        lines.limit = limits.maxLineBytes;
        yield { kind: 'json', value: parsed.value, line: cut.line };
      } else first = { line: cut.line, error: parsed.error };
      return;
    }
    if (
      'value' in parsed &&
      typeof parsed.value === 'object' &&
      parsed.value !== null &&
      !Array.isArray(parsed.value)
    ) {
      at.mode = 'ndjson';
      lines.limit = limits.maxLineBytes;
      yield {
        kind: 'refused',
        code: 'FHIR_MALFORMED_JSON',
        text: `line ${first.line} is not JSON (${first.error})`,
        line: first.line,
      };
      yield { kind: 'json', value: parsed.value, line: cut.line };
      return;
    }
    at.mode = 'document';
  }

  for await (const chunk of bytes) {
    // One copy per chunk, owned here: the splitter and the head keep views of it.
    const own = Uint8Array.prototype.slice.call(chunk);
    if (at.mode !== 'ndjson') {
      head.push(own);
      headBytes += own.length;
    }
    if (at.mode !== 'document') {
      for (const cut of lines.push(own)) {
        yield* onLine(cut);
        if ((at.mode as Framing) === 'document') break;
      }
      if (at.mode === 'ndjson') head = [];
    }
    if (at.mode !== 'ndjson' && headBytes > limits.maxDocumentBytes) {
      yield tooLargeInput;
      return;
    }
  }
  if (at.mode !== 'document') for (const cut of lines.end()) yield* onLine(cut);
  if (at.mode === 'ndjson' || (at.mode === 'sniff' && first === undefined)) return;
  if (headBytes > limits.maxDocumentBytes) {
    yield tooLargeInput;
    return;
  }
  yield wholeDocument(head, headBytes);
}

function* ndjsonLine(cut: SplitLine, maxLineBytes: number): Generator<JsonDocument, void, undefined> {
  const line = cut.line;
  if (cut.bytes === undefined) {
    yield {
      kind: 'refused',
      code: 'FHIR_TOO_LARGE',
      text: `line ${line} is longer than ${maxLineBytes} bytes (maxLineBytes); it was skipped unread`,
      line,
    };
    return;
  }
  const text = decodeLine(cut.bytes);
  if (text === undefined) {
    yield { kind: 'refused', code: 'FHIR_MALFORMED_JSON', text: `line ${line} is not UTF-8`, line };
    return;
  }
  if (text.trim() === '') return;
  const parsed = parseJson(text);
  if ('value' in parsed) yield { kind: 'json', value: parsed.value, line };
  else
    yield {
      kind: 'refused',
      code: 'FHIR_MALFORMED_JSON',
      text: `line ${line} is not JSON (${parsed.error})`,
      line,
    };
}

function wholeDocument(head: readonly Uint8Array[], size: number): JsonDocument {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(
      head.length === 1 ? head[0] : Buffer.concat(head, size),
    );
  } catch (cause) {
    // Past V8's longest string (~512 MiB) decoding fails too: name that rather than UTF-8.
    const tooLong =
      cause instanceof RangeError || (cause as { code?: unknown }).code === 'ERR_STRING_TOO_LONG';
    return tooLong
      ? {
          kind: 'refused',
          code: 'FHIR_TOO_LARGE',
          text: `the input is one JSON document of ${size} bytes, more than this JavaScript engine can hold as text`,
          line: undefined,
        }
      : { kind: 'refused', code: 'FHIR_MALFORMED_JSON', text: 'the input is not UTF-8', line: undefined };
  }
  const parsed = parseJson(text);
  if ('value' in parsed) return { kind: 'json', value: parsed.value, line: undefined };
  return {
    kind: 'refused',
    code: 'FHIR_MALFORMED_JSON',
    text: `the input is neither NDJSON nor one JSON document (${parsed.error}); none of it was read`,
    line: undefined,
  };
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The line as text (a leading BOM dropped), or undefined when it is not UTF-8. */
function decodeLine(bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

function parseJson(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (cause) {
    return { error: (cause as Error).message };
  }
}
