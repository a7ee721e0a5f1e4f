import type { ChartView } from '../chart/chartView.js';
import { isChartlogError, type ChartlogError } from '../error/chartlogError.js';
import type { Author, ChartEvent } from '../event/chartEvent.js';
import type { EventDraft } from '../event/eventWriter.js';
import { FHIR_EVENTS } from './fhirSchema.js';
import type { FhirInputSource } from './input/fhirInputSource.js';
import { describeLocation, type FhirRefusal } from './input/fhirRefusal.js';
import { readFhirInput, type FhirInputProgress, type ReadFhirInputOptions } from './input/readFhirInput.js';
import { prepareFhirWrite } from './prepareFhirWrite.js';

/** Where import records: a replica (its chart and `recordAll`), or anything shaped like one. */
export interface FhirRecordTarget {
  /** What the record holds now: each resource is compared with it, so only changes are written. */
  readonly chart: ChartView;
  /** Records events atomically (a replica's `recordAll`). */
  recordAll(drafts: readonly EventDraft[]): Promise<readonly ChartEvent[]>;
}

/** Progress of an import: the input read so far and what became of it. */
export interface FhirImportProgress extends FhirInputProgress {
  /** Resources recorded as new so far. */
  readonly created: number;
  /** Resources changed so far. */
  readonly updated: number;
  /** Resources the record already held as given. */
  readonly unchanged: number;
}

/**
 * Options for {@link importFhir}: reading as {@link readFhirInput} reads (`signal` stops the
 * import with ChartlogError `ABORTED`; what was recorded before stays recorded), and:
 */
export interface ImportFhirOptions extends Omit<ReadFhirInputOptions, 'onProgress'> {
  /** Who the import records as (audited like any event: the person or system running it). */
  readonly author: Author;
  /** Progress, at most every `progressEveryMs` and once at the end. */
  readonly onProgress?: (progress: FhirImportProgress) => void;
  /** Resources recorded per transaction. @defaultValue `500` */
  readonly batchResources?: number;
  /** Refusals the report lists (all are counted). @defaultValue `20` */
  readonly maxRefusalExamples?: number;
}

/** What an import did. Every item of the input is counted once: created, updated, unchanged or refused. */
export interface FhirImportReport {
  /** Items read: resources, and parts of the input refused whole (a malformed line, an unsupported Bundle). */
  readonly items: number;
  readonly created: number;
  readonly updated: number;
  /** Already held as given: an import run twice records nothing the second time. */
  readonly unchanged: number;
  /** Events recorded. */
  readonly events: number;
  /** Refusals, counted by code, with the first `maxRefusalExamples` in full. */
  readonly refused: {
    readonly count: number;
    readonly byCode: Readonly<Record<string, number>>;
    readonly examples: readonly FhirRefusal[];
  };
  readonly seconds: number;
}

/**
 * Imports FHIR R4 (transaction, batch, collection and searchset Bundles; Bulk Data NDJSON;
 * single resources) into a replica: each resource becomes an event on its patient's record
 * (`fhirStreamOf`), writing only what differs from what the record holds, so importing the
 * same input twice adds nothing. Nothing is dropped silently: what cannot be held (a
 * malformed line, an unresolvable reference, an element R4 does not define, a value of the
 * wrong type) is refused with a typed code naming the input, the resource and the element,
 * and the rest goes in. Records `batchResources` resources per transaction; a resource
 * that recurs in the input is recorded against what its first copy wrote.
 *
 * @throws ChartlogError `ABORTED` when `signal` aborts; the store's or replica's error when
 *   recording fails (`REPLICA_RECOVERING`, `STORE_FULL` …): what was recorded before stays,
 *   and running the import again records only the rest.
 * @example
 * ```ts
 * const report = await importFhir(replica, [fhirFileSource('export.ndjson')], { author: { id: 'migration', role: 'system' } });
 * ```
 */
export async function importFhir(
  target: FhirRecordTarget,
  sources: Iterable<FhirInputSource> | AsyncIterable<FhirInputSource>,
  options: ImportFhirOptions,
): Promise<FhirImportReport> {
  const started = performance.now();
  const maxExamples = options.maxRefusalExamples ?? 20;
  const batchResources = options.batchResources ?? 500;
  const examples: FhirRefusal[] = [];
  const byCode: Record<string, number> = {};
  let refusedCount = 0;
  let items = 0;
  let created = 0;
  let updated = 0;
  let unchanged = 0;
  let events = 0;
  let reading: FhirInputProgress = { input: '', bytesRead: 0, resources: 0, refused: 0 };
  const refuse = (refusal: FhirRefusal): void => {
    refusedCount++;
    byCode[refusal.code] = (byCode[refusal.code] ?? 0) + 1;
    if (examples.length < maxExamples) examples.push(refusal);
  };
  const report = (): void =>
    options.onProgress?.({ ...reading, refused: refusedCount, created, updated, unchanged });

  let batch: EventDraft[] = [];
  let inBatch = new Set<string>();
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const drafts = batch;
    batch = [];
    inBatch = new Set();
    events += (await target.recordAll(drafts)).length;
  };

  const {
    author: _author,
    onProgress: _onProgress,
    batchResources: _batch,
    maxRefusalExamples: _max,
    ...reader
  } = options;
  const onProgress = (p: FhirInputProgress): void => {
    reading = p;
    report();
  };
  for await (const item of readFhirInput(sources, { ...reader, onProgress })) {
    items++;
    if (item.kind === 'refused') {
      refuse(item.refusal);
      continue;
    }
    const { resource, source } = item;
    const key = `${resource.resourceType}/${resource.id}`;
    // A resource already in this batch is compared with what its first copy wrote: record that first.
    if (inBatch.has(key)) await flush();
    let draft: EventDraft | undefined;
    try {
      draft = prepareFhirWrite(target.chart, resource, { author: options.author });
    } catch (error) {
      if (!isChartlogError(error)) throw error;
      refuse(refusalOf(error, key, describeLocation(source), source));
      continue;
    }
    if (draft === undefined) {
      unchanged++;
      continue;
    }
    if (draft.type === FHIR_EVENTS.created) created++;
    else updated++;
    batch.push(draft);
    inBatch.add(key);
    if (batch.length >= batchResources) await flush();
  }
  await flush();
  report();
  return {
    items,
    created,
    updated,
    unchanged,
    events,
    refused: { count: refusedCount, byCode, examples },
    seconds: (performance.now() - started) / 1000,
  };
}

/** A refusal for a resource the chart's schema would not take, naming the element of its first issue. */
function refusalOf(
  error: ChartlogError,
  key: string,
  where: string,
  source: FhirRefusal['source'],
): FhirRefusal {
  const type = key.slice(0, key.indexOf('/'));
  const first = error.issues?.[0];
  // Issue paths are [key, member, …] from prepareFhirWrite, or ['writes', key, field, …] from prepareWrite.
  const path = (first?.path ?? []).map(String);
  const rest = path[0] === 'writes' ? path.slice(2) : path[0] === key ? path.slice(1) : path;
  const element = rest.length > 0 ? `${type}.${rest.join('.')}` : undefined;
  const detail = (error.issues ?? [])
    .map(
      (i) =>
        `${
          i.path
            .map(String)
            .filter((p) => p !== 'writes' && p !== key)
            .join('.') || 'resource'
        }: ${i.message}`,
    )
    .join('; ');
  return {
    code: 'FHIR_INVALID_RESOURCE',
    message: `${where}: ${key} cannot be held: ${detail || error.message}`,
    source,
    resource: key,
    ...(element === undefined ? {} : { element }),
  };
}
