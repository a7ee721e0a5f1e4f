/**
 * The fhir-rest benchmark's three measurements against any FHIR R4 base URL: reads of
 * random resources, a patient search, and `PUT` with `If-Match`.
 */
import { seededFloats } from '../../src/testing/mulberry32.js';
import { percentile } from '../practice/practiceJob.js';
import { runLoad, type LoadResponse, type LoadResult } from './loadGenerator.js';
import type { FhirRestSample } from './fhirRestSample.js';

/** A server to measure. */
export interface FhirRestTarget {
  /** Its FHIR base, e.g. `http://127.0.0.1:8080/fhir`. */
  readonly baseUrl: string;
  /** Bearer token with read-write scope. */
  readonly token: string;
}

/** How much load each measurement puts. */
export interface FhirRestSizes {
  readonly concurrency: number;
  /** Untimed requests before each measurement. */
  readonly warmup: number;
  readonly reads: number;
  readonly searches: number;
  /** `PUT`s, each on a different Observation (read first, untimed, for its ETag). */
  readonly writes: number;
  /** Each measurement stops starting requests after this long, s. */
  readonly maxS: number;
}

/** One measurement's figures. */
export interface FhirRestFigure {
  readonly metric: 'read' | 'search_patient' | 'put_if_match';
  /** Successful requests per second (null: none succeeded). */
  readonly perSecond: number | null;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly requests: number;
  readonly failed: number;
  readonly seconds: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly firstFailure?: string;
  /** Searches: mean entries per result page. */
  readonly meanEntries?: number;
}

const FHIR_JSON = 'application/fhir+json';
const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;

function figure(
  metric: FhirRestFigure['metric'],
  r: LoadResult,
  extra: Partial<FhirRestFigure> = {},
): FhirRestFigure {
  const any = r.latenciesMs.length > 0;
  return {
    metric,
    perSecond: any ? Math.round(r.perSecond) : null,
    p50Ms: any ? round(percentile(r.latenciesMs, 50)) : null,
    p99Ms: any ? round(percentile(r.latenciesMs, 99)) : null,
    requests: r.ok,
    failed: r.failed,
    seconds: round(r.seconds),
    statuses: r.statuses,
    ...(r.firstFailure !== undefined ? { firstFailure: r.firstFailure } : {}),
    ...extra,
  };
}

/** `GET {base}/{type}/{id}` over the sample's random resources. */
export async function measureReads(
  target: FhirRestTarget,
  sample: FhirRestSample,
  sizes: FhirRestSizes,
  seed = 2,
): Promise<FhirRestFigure> {
  const random = seededFloats(seed);
  const { resources } = sample;
  const result = await runLoad({
    baseUrl: target.baseUrl,
    concurrency: sizes.concurrency,
    warmupRequests: sizes.warmup,
    requests: sizes.reads,
    maxMs: sizes.maxS * 1000,
    headers: { authorization: `Bearer ${target.token}`, accept: FHIR_JSON },
    next: () => ({ method: 'GET', path: `/${resources[Math.floor(random() * resources.length)] as string}` }),
  });
  return figure('read', result);
}

/** `GET {base}/Observation?patient=Patient/<id>&_count=50` for random patients (the typed form: Medplum's in-memory search matches no bare id). */
export async function measurePatientSearch(
  target: FhirRestTarget,
  sample: FhirRestSample,
  sizes: FhirRestSizes,
  seed = 3,
): Promise<FhirRestFigure> {
  const random = seededFloats(seed);
  const { patients } = sample;
  let entries = 0;
  let bundles = 0;
  const result = await runLoad({
    baseUrl: target.baseUrl,
    concurrency: sizes.concurrency,
    warmupRequests: Math.min(sizes.warmup, sizes.searches),
    requests: sizes.searches,
    maxMs: sizes.maxS * 1000,
    headers: { authorization: `Bearer ${target.token}`, accept: FHIR_JSON },
    next: () => ({
      method: 'GET',
      path: `/Observation?patient=Patient/${encodeURIComponent(patients[Math.floor(random() * patients.length)] as string)}&_count=50`,
    }),
    ok: (r) => r.status === 200 && isSearchset(r),
    onResponse: (_i, r) => {
      if (r.status !== 200) return;
      const bundle = JSON.parse(r.body) as { entry?: unknown[] };
      entries += bundle.entry?.length ?? 0;
      bundles++;
    },
  });
  return figure('search_patient', result, bundles > 0 ? { meanEntries: round(entries / bundles, 1) } : {});
}

function isSearchset(r: LoadResponse): boolean {
  const bundle = JSON.parse(r.body) as { resourceType?: unknown; type?: unknown };
  return bundle.resourceType === 'Bundle' && bundle.type === 'searchset';
}

/**
 * `PUT {base}/Observation/{id}` with `If-Match: W/"<versionId>"` of the version just read:
 * each Observation of the sample is read (untimed, for its body and ETag), then written
 * once with a new `note`, workers never sharing a resource (so no write is stale).
 */
export async function measureWrites(
  target: FhirRestTarget,
  sample: FhirRestSample,
  sizes: FhirRestSizes,
  runId: string,
): Promise<FhirRestFigure> {
  const ids = sample.observations.slice(0, sizes.writes + sizes.warmup);
  const read = new Map<number, { body: Record<string, unknown>; etag: string }>();
  const headers = { authorization: `Bearer ${target.token}`, accept: FHIR_JSON };
  const prefetch = await runLoad({
    baseUrl: target.baseUrl,
    concurrency: sizes.concurrency,
    requests: ids.length,
    headers,
    next: (i) => (i < ids.length ? { method: 'GET', path: `/${ids[i] as string}` } : undefined),
    onResponse: (i, r) => {
      const etag = r.headers['etag'];
      if (r.status === 200 && etag !== undefined)
        read.set(i, { body: JSON.parse(r.body) as Record<string, unknown>, etag });
    },
  });
  if (read.size === 0)
    return figure('put_if_match', {
      ...prefetch,
      latenciesMs: [],
      ok: 0,
      perSecond: 0,
      firstFailure: `reading the resources to write gave no ETag: ${prefetch.firstFailure ?? `statuses ${JSON.stringify(prefetch.statuses)}`}`,
    });
  const order = [...read.keys()];
  const result = await runLoad({
    baseUrl: target.baseUrl,
    concurrency: sizes.concurrency,
    warmupRequests: Math.min(sizes.warmup, Math.floor(order.length / 2)),
    requests: sizes.writes,
    maxMs: sizes.maxS * 1000,
    headers,
    next: (i) => {
      const k = order[i];
      if (k === undefined) return undefined;
      const { body, etag } = read.get(k) as { body: Record<string, unknown>; etag: string };
      return {
        method: 'PUT',
        path: `/${ids[k] as string}`,
        headers: { 'content-type': FHIR_JSON, 'if-match': etag },
        body: JSON.stringify({ ...body, note: [{ text: `fhir-rest bench ${runId} write ${i}` }] }),
      };
    },
  });
  return figure('put_if_match', result);
}
