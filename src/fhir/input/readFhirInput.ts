import { ChartlogError, isChartlogError } from '../../error/chartlogError.js';
import { bundleItems } from './bundleItems.js';
import { createFhirValidator, type FhirValidator } from './createFhirValidator.js';
import { refusedItem, type FhirInputItem } from './fhirInputItem.js';
import type { FhirInputSource } from './fhirInputSource.js';
import { fhirResourceProblem, type CheckedResource } from './fhirResourceProblem.js';
import type { FhirInputLocation } from './fhirRefusal.js';
import { prepareFhirResource } from './prepareFhirResource.js';
import { throwIfAborted } from './raceAbort.js';
import { readJsonDocuments, type JsonDocument } from './readJsonDocuments.js';
import { readSourceBytes } from './readSourceBytes.js';
import { validatedItem } from './validatedItem.js';

/** How far {@link readFhirInput} has got. */
export interface FhirInputProgress {
  /** The input being read (its {@link FhirInputSource.name}). */
  readonly input: string;
  /** Bytes of that input read so far. */
  readonly bytesRead: number;
  /** That input's size, when its source knows it. */
  readonly totalBytes?: number;
  /** Resources yielded so far, all inputs together. */
  readonly resources: number;
  /** Refusals yielded so far, all inputs together. */
  readonly refused: number;
}

/** Options of {@link readFhirInput}. */
export interface ReadFhirInputOptions {
  /** Told how far reading has got: at most once per `progressEveryMs`, and once at the end of each input with its final counts. */
  readonly onProgress?: (progress: FhirInputProgress) => void;
  /** Least time between two throttled progress calls, in ms. @defaultValue `100` */
  readonly progressEveryMs?: number;
  /** Aborting it stops reading promptly (even mid-chunk wait) with ChartlogError `ABORTED`. */
  readonly signal?: AbortSignal;
  /**
   * Most bytes of a whole-input JSON document (a Bundle is read whole); a larger one is refused without
   * reading the rest.
   * @defaultValue `512 MiB`
   */
  readonly maxBundleBytes?: number;
  /** Most bytes of one NDJSON line; a longer line is refused and skipped unread. @defaultValue `64 MiB` */
  readonly maxLineBytes?: number;
  /** Checks each resource once its references are resolved; `false` checks nothing. @defaultValue the shared {@link createFhirValidator} */
  readonly validator?: FhirValidator | false;
}

/** The default {@link ReadFhirInputOptions.maxBundleBytes}: 512 MiB. */
export const DEFAULT_MAX_BUNDLE_BYTES = 512 * 1024 * 1024;
/** The default {@link ReadFhirInputOptions.maxLineBytes}: 64 MiB. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

/**
 * Reads FHIR R4 input into resources ready to record, refusing with a typed reason
 * anything it cannot take; never drops anything silently. Each input's format is found
 * from its content: a Bundle (transaction, batch, collection or searchset; entries'
 * `urn:uuid:` and other `fullUrl` references resolved to `Type/id`), Bulk Data NDJSON (one
 * resource per line), or a single resource. Every resource gets an id (its own, its
 * entry's, or one derived from its content, so the same input always names the same
 * resources) and is validated against the R4 definitions. Pure of any store: the caller
 * records what it yields.
 *
 * A bad part of an input is refused and reading goes on; an input that fails to read is
 * refused from that point and the next input is read.
 *
 * @throws ChartlogError `ABORTED` when `options.signal` aborts; `INVALID_OPTION` for a bad
 *   limit; `FHIR_VALIDATOR_UNAVAILABLE` when the default validator cannot be loaded.
 * @example
 * ```ts
 * for await (const item of readFhirInput([fhirFileSource('patients.ndjson')], { onProgress: (p) => bar.update(p.bytesRead) })) {
 *   if (item.kind === 'resource') record(item.resource);
 *   else report(item.refusal);
 * }
 * ```
 */
export async function* readFhirInput(
  sources: Iterable<FhirInputSource> | AsyncIterable<FhirInputSource>,
  options: ReadFhirInputOptions = {},
): AsyncGenerator<FhirInputItem, void, undefined> {
  const { signal, onProgress } = options;
  const limits = {
    maxDocumentBytes: limitOption(options, 'maxBundleBytes', DEFAULT_MAX_BUNDLE_BYTES),
    maxLineBytes: limitOption(options, 'maxLineBytes', DEFAULT_MAX_LINE_BYTES),
  };
  const everyMs = options.progressEveryMs ?? 100;
  throwIfAborted(signal);
  const validator =
    options.validator === false ? undefined : (options.validator ?? (await createFhirValidator()));
  const counts = { resources: 0, refused: 0 };
  for await (const source of sources) {
    throwIfAborted(signal);
    let bytesRead = 0;
    let lastReport = -Infinity;
    const report = (force: boolean): void => {
      if (onProgress === undefined) return;
      const now = performance.now();
      if (!force && now - lastReport < everyMs) return;
      lastReport = now;
      onProgress({
        input: source.name,
        bytesRead,
        ...(source.totalBytes === undefined ? {} : { totalBytes: source.totalBytes }),
        ...counts,
      });
    };
    const bytes = readSourceBytes(source, signal, (count) => {
      bytesRead += count;
      report(false);
    });
    try {
      for await (const document of readJsonDocuments(bytes, limits)) {
        for (const item of documentItems(document, source.name)) {
          throwIfAborted(signal);
          const checked = validatedItem(item, validator);
          counts[checked.kind === 'resource' ? 'resources' : 'refused']++;
          yield checked;
          report(false);
        }
      }
    } catch (error) {
      if (!isChartlogError(error) || error.code !== 'FHIR_INPUT_UNREADABLE') throw error;
      counts.refused++;
      yield refusedItem(
        'FHIR_INPUT_UNREADABLE',
        { input: source.name },
        `${error.message} after ${bytesRead} bytes; what came before was taken`,
      );
    }
    throwIfAborted(signal);
    report(true);
  }
}

/** The items of one document: a Bundle's entries, one resource, or the document's refusal. */
function documentItems(document: JsonDocument, input: string): Iterable<FhirInputItem> {
  const source: FhirInputLocation = document.line === undefined ? { input } : { input, line: document.line };
  if (document.kind === 'refused') return [refusedItem(document.code, source, document.text)];
  // A Bundle is not walked whole: each entry's resource is checked on its own, with its own depth.
  const value = document.value as { resourceType?: unknown } | null;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && value.resourceType === 'Bundle')
    return bundleItems(value as CheckedResource, source);
  const problem = fhirResourceProblem(document.value);
  if (problem !== undefined)
    return [refusedItem(problem.code, source, problem.text, { element: problem.element })];
  return [prepareFhirResource(document.value, { source, fullUrls: new Map(), checked: true })];
}

function limitOption(
  options: ReadFhirInputOptions,
  name: 'maxBundleBytes' | 'maxLineBytes',
  fallback: number,
): number {
  const value = options[name] ?? fallback;
  if (!Number.isSafeInteger(value) || value < 1)
    throw new ChartlogError(
      'INVALID_OPTION',
      `${name} must be a positive whole number of bytes, got ${String(value)}`,
    );
  return value;
}
