import type { ChartView } from '../chart/chartView.js';
import { ChartlogError } from '../error/chartlogError.js';
import type { ChartEvent } from '../event/chartEvent.js';
import type { StreamId } from '../event/ids.js';
import { RETRACTION_EVENT } from '../merge/schema.js';
import { fhirProvenanceOf } from './fhirProvenance.js';
import type { FhirResource } from './fhirResource.js';
import { FHIR_EVENTS } from './fhirSchema.js';
import { fhirPatientStream } from './fhirStreamOf.js';
import { isFhirId } from './isFhirId.js';
import { toFhirResource } from './toFhirResource.js';

/** Where export reads: a replica (its chart, and its store for the events behind `provenance`). */
export interface FhirExportSource {
  /** What the record holds now. */
  readonly chart: ChartView;
  /** The store, for `provenance`: each record's events by its stream index. */
  readonly store?: { readStream(stream: StreamId): Promise<readonly ChartEvent[]> };
}

/** Options for {@link exportFhir}. */
export interface ExportFhirOptions {
  /** Only this patient's record (`patient/<id>`). @defaultValue every record, directory streams included */
  readonly patient?: string;
  /** A `Provenance` per event that wrote a resource (who, which site, when): the audit trail. @defaultValue `false` */
  readonly provenance?: boolean;
  /** Stops the export (ChartlogError `ABORTED`). */
  readonly signal?: AbortSignal;
  /** Called after each record: how many of how many. */
  readonly onProgress?: (progress: {
    readonly records: number;
    readonly total: number;
    readonly resources: number;
  }) => void;
}

/**
 * Every current resource of a replica's records as FHIR R4 (`toFhirResource`: versions
 * from the events, conflicts marked), record by record, with `provenance` the `Provenance`
 * of every event behind them. Each record is read once through the chart, so its cache
 * fills as export goes: open the projection with a small `cacheBytes` for an export of a
 * whole store (`chartlog export-fhir` uses 8 MiB).
 *
 * As FHIR has it: a resource every write of which was retracted (recorded against the
 * wrong patient) no longer exists and is not exported; its Provenance (activity `NULLIFY`,
 * with the reason) is. A resource marked `entered-in-error` is exported with that status,
 * as a FHIR server returns it. Serialize with {@link fhirNdjsonLines} or {@link fhirCollectionBundle}.
 *
 * @throws ChartlogError `INVALID_OPTION` for a `patient` that is not a FHIR id, or `provenance` without a
 * store; `NOT_FOUND` for a patient the replica holds no record of; `ABORTED`.
 * @example
 * ```ts
 * for await (const line of fhirNdjsonLines(exportFhir(replica, { patient: 'p1' }))) process.stdout.write(line);
 * ```
 */
export async function* exportFhir(
  source: FhirExportSource,
  options: ExportFhirOptions = {},
): AsyncGenerator<FhirResource> {
  const { chart } = source;
  if (options.patient !== undefined && !isFhirId(options.patient))
    throw new ChartlogError(
      'INVALID_OPTION',
      `patient must be a FHIR id, got ${JSON.stringify(options.patient)}`,
      { details: { option: 'patient' } },
    );
  if (options.provenance === true && source.store === undefined)
    throw new ChartlogError('INVALID_OPTION', 'provenance needs the store the events are read from', {
      details: { option: 'provenance' },
    });
  const streams = options.patient === undefined ? chart.streams() : [fhirPatientStream(options.patient)];
  if (options.patient !== undefined && chart.state(streams[0] as StreamId) === undefined)
    throw new ChartlogError('NOT_FOUND', `no record of patient ${options.patient}`, {
      details: { patient: options.patient },
    });
  let resources = 0;
  for (const [i, stream] of streams.entries()) {
    if (options.signal?.aborted === true)
      throw new ChartlogError('ABORTED', 'export aborted', { cause: options.signal.reason });
    const state = chart.state(stream);
    for (const key of Object.keys(state?.resources ?? {})) {
      const resource = state?.resources[key];
      if (resource === undefined) continue;
      resources++;
      yield toFhirResource(chart.schema, resource, chart.lastWrite(stream, key));
    }
    if (options.provenance === true && source.store !== undefined) {
      const events = await source.store.readStream(stream);
      const byId = new Map<string, ChartEvent>(events.map((e) => [e.id, e]));
      for (const event of events) {
        const retracts =
          event.type === RETRACTION_EVENT && Array.isArray(event.data['retracts'])
            ? (event.data['retracts'] as string[])
            : undefined;
        // Not understood: not folded, so it gives the resource no version.
        if (retracts === undefined && chart.schema.eventType(event.type, event.v) === undefined) continue;
        const created = new Set(event.type === FHIR_EVENTS.created ? Object.keys(event.data) : []);
        const retracted = (retracts ?? [])
          .map((id) => byId.get(id))
          .filter((e): e is ChartEvent => e !== undefined);
        resources++;
        yield fhirProvenanceOf(event, created, retracted);
      }
    }
    options.onProgress?.({ records: i + 1, total: streams.length, resources });
  }
}

/** Bulk Data NDJSON: one resource per line. */
export async function* fhirNdjsonLines(resources: AsyncIterable<FhirResource>): AsyncGenerator<string> {
  for await (const r of resources) yield `${JSON.stringify(r)}\n`;
}

/**
 * A FHIR `collection` Bundle of the resources, as text chunks (the whole Bundle is never
 * held as one string), each entry with `fullUrl` `<baseUrl>/<Type>/<id>` when `baseUrl`
 * is given.
 */
export async function* fhirCollectionBundle(
  resources: AsyncIterable<FhirResource>,
  options: { readonly baseUrl?: string; readonly timestamp?: string } = {},
): AsyncGenerator<string> {
  const timestamp = options.timestamp ?? new Date().toISOString();
  yield `{"resourceType":"Bundle","type":"collection","timestamp":${JSON.stringify(timestamp)},"entry":[`;
  let first = true;
  for await (const r of resources) {
    const fullUrl =
      options.baseUrl === undefined
        ? undefined
        : `${options.baseUrl.replace(/\/$/, '')}/${r.resourceType}/${r.id}`;
    yield `${first ? '' : ','}\n${JSON.stringify(fullUrl === undefined ? { resource: r } : { fullUrl, resource: r })}`;
    first = false;
  }
  yield '\n]}\n';
}
