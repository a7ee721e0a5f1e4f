/**
 * `npm run bench -- fhir-rest [--quick] [--servers chartlog,medplum] [--concurrency 8] [--store FILE] [--url URL --token T] [--compare-patients N] [--compare-searches N] [--reads N] [--searches N] [--writes N] [--warmup N] [--max-s N] [--no-record]`:
 * the FHIR R4 REST API of `chartlog serve` (issue 12) on a practice-sized replica: the
 * practice benchmark's cached store (bench/practice/practiceStore.ts: 10,000 patients,
 * 5,000,000 events; `--quick`: 1,000 patients, 500,000 events; built first when missing),
 * or `--store FILE` (with `<site>.key` files beside it), COPIED to
 * `.bench-out/scratch/fhir-rest/` (the cached store is only read) and deleted at the end,
 * also on failure.
 *
 * `chartlog serve` runs as a child process on the copy (site practice-a, a peers file with
 * one read-write `fhirClients` entry). A closed-loop client (bench/fhirRest/loadGenerator.ts:
 * Node's fetch, keep-alive, `--concurrency` workers each with one request in flight, in
 * this process: client and server share the machine) measures, each after an untimed
 * warm-up, one JSON line per metric (also appended to bench/results/fhir-rest.jsonl unless
 * `--no-record`), `value` in requests/s, `p50`/`p99` in ms:
 * - `read_per_s`: `GET /fhir/{type}/{id}` of random resources of random patients
 *   (goal: p99 ≤ 10 ms and ≥ 2,000 reads/s);
 * - `search_patient_per_s`: `GET /fhir/Observation?patient=Patient/<id>&_count=50`;
 * - `put_if_match_per_s`: `PUT /fhir/Observation/{id}` with `If-Match: W/"<versionId>"` of
 *   the version just read (the reads untimed), a new `note`, each resource written once.
 *
 * The comparison (`--servers` includes `medplum`, the default): Medplum's FHIR router
 * (`@medplum/fhir-router`, installed into `.bench-out/compare/medplum/`, not the project's
 * dependencies) over its in-memory repository, as a node:http child
 * (bench/fhirRest/medplumRouterServer.ts), loaded with `chartlog export-fhir` of the same
 * copy, before any write: the first `--compare-patients` patients (default: all with
 * `--quick`, 1,000 at full size: it holds everything in memory), its lines with
 * `"server":"medplum-fhir-router-memory"`, the patients and resources it held, and the
 * same requests drawn from those patients. It is not Medplum's server (no Postgres, no
 * auth lookups): a bound on its request layer. Its patient search is not measured unless
 * `--compare-searches N` (then N searches, no warm-up): MemoryRepository evaluates the
 * parameter's FHIRPath on every Observation, minutes per search at this size; its line
 * says so with `"value":null` and `skipped`.
 *
 * `--url URL --token T` measures a server already running at that FHIR base instead
 * (ids drawn from the store, opened read-only; writes go to that server).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { numberArg, stringArg } from './benchArgs.js';
import { gitCommit } from './gitCommit.js';
import { progress, type BenchOptions } from './emit.js';
import { copyStore } from './practice/copyStore.js';
import { practiceStore } from './practice/practiceStore.js';
import { WORKLOAD_SITES } from './workload/primaryCareSaves.js';
import { sampleFhirRest, type FhirRestSample } from './fhirRest/fhirRestSample.js';
import {
  measurePatientSearch,
  measureReads,
  measureWrites,
  type FhirRestFigure,
  type FhirRestSizes,
  type FhirRestTarget,
} from './fhirRest/measureFhirRest.js';
import {
  startChartlogServe,
  startMedplumRouter,
  MEDPLUM_ROUTER_VERSION,
  type FhirServer,
} from './fhirRest/fhirRestServers.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(root, 'bench', 'results', 'fhir-rest.jsonl');
const SIZES = {
  quick: {
    patients: 1_000,
    label: '500k',
    sizes: { warmup: 200, reads: 5_000, searches: 500, writes: 500, maxS: 30 },
    comparePatients: 1_000,
  },
  full: {
    patients: 10_000,
    label: '5m',
    sizes: { warmup: 500, reads: 20_000, searches: 2_000, writes: 2_000, maxS: 60 },
    comparePatients: 1_000,
  },
} as const;
const SERVERS = ['chartlog', 'medplum'] as const;
type ServerName = (typeof SERVERS)[number];
const SERVER_LABEL: Record<ServerName | 'url', string> = {
  chartlog: 'chartlog serve',
  medplum: 'medplum-fhir-router-memory',
  url: 'url',
};
const SEARCH_SKIPPED =
  'not measured (--compare-searches N to measure N): MemoryRepository evaluates the search parameter (subject.where(resolve() is Patient)) on every Observation; 1.7 s per search on 12 Synthea patients here, and 29 searches on the 500k store (8 in flight) had not finished after 13 minutes';
const METRIC: Record<FhirRestFigure['metric'], string> = {
  read: 'read_per_s',
  search_patient: 'search_patient_per_s',
  put_if_match: 'put_if_match_per_s',
};

/** Runs the benchmark; see the file comment. */
export async function run(options: BenchOptions): Promise<void> {
  const a = options.args;
  const size = options.quick ? SIZES.quick : SIZES.full;
  const concurrency = numberArg(a, '--concurrency', 'fhir-rest') ?? 8;
  const sizes: FhirRestSizes = {
    concurrency,
    warmup: numberArg(a, '--warmup', 'fhir-rest') ?? size.sizes.warmup,
    reads: numberArg(a, '--reads', 'fhir-rest') ?? size.sizes.reads,
    searches: numberArg(a, '--searches', 'fhir-rest') ?? size.sizes.searches,
    writes: numberArg(a, '--writes', 'fhir-rest') ?? size.sizes.writes,
    maxS: numberArg(a, '--max-s', 'fhir-rest') ?? size.sizes.maxS,
  };
  const url = stringArg(a, '--url');
  const servers = (stringArg(a, '--servers') ?? SERVERS.join(',')).split(',') as ServerName[];
  for (const s of servers)
    if (!SERVERS.includes(s))
      throw new Error(`fhir-rest: --servers takes ${SERVERS.join(' and/or ')}, not ${s}`);
  const comparePatients = numberArg(a, '--compare-patients', 'fhir-rest') ?? size.comparePatients;
  // Off by default: MemoryRepository answers a search by evaluating the parameter's FHIRPath
  // (`subject.where(resolve() is Patient)`) on every resource of the type.
  const compareSearches = numberArg(a, '--compare-searches', 'fhir-rest') ?? 0;
  const record = !a.includes('--no-record');
  const runId = new Date().toISOString();
  const commit = gitCommit();

  const given = stringArg(a, '--store');
  const source =
    given !== undefined
      ? resolve(given)
      : (
          await practiceStore({
            patients: size.patients,
            eventsPerPatient: 500,
            concurrency: 0.01,
            seed: 1,
            catchupPerSite: 10_000,
          })
        ).storePath;
  const sampleSizes = { resources: 20_000, observations: sizes.writes + sizes.warmup };
  const print = (
    server: ServerName | 'url',
    figure: FhirRestFigure,
    extra: Record<string, unknown>,
  ): void => {
    const isChartlogRead = server !== 'medplum' && figure.metric === 'read';
    const line = {
      bench: 'fhir-rest',
      metric: METRIC[figure.metric],
      value: figure.perSecond,
      unit: 'requests/s',
      p50: figure.p50Ms,
      p99: figure.p99Ms,
      latencyUnit: 'ms',
      concurrency,
      server: SERVER_LABEL[server],
      ...(isChartlogRead
        ? {
            goal: 'p99 <= 10 ms and >= 2000 reads/s',
            goalMet: figure.p99Ms !== null && figure.p99Ms <= 10 && (figure.perSecond ?? 0) >= 2000,
          }
        : {}),
      requests: figure.requests,
      failed: figure.failed,
      seconds: figure.seconds,
      ...(figure.failed > 0 ? { statuses: figure.statuses, firstFailure: figure.firstFailure } : {}),
      ...(figure.meanEntries !== undefined ? { meanEntries: figure.meanEntries } : {}),
      ...extra,
      client: 'node:http keep-alive agent, one socket per worker, closed loop, same machine',
      at: runId,
      commit,
    };
    const text = JSON.stringify(line);
    process.stdout.write(text + '\n');
    if (record) appendFileSync(RESULTS, text + '\n');
  };
  const measure = async (
    server: ServerName | 'url',
    target: FhirRestTarget,
    sample: FhirRestSample,
    extra: () => Record<string, unknown>,
  ): Promise<void> => {
    progress(`fhir-rest ${SERVER_LABEL[server]}: reads…`);
    print(server, await measureReads(target, sample, sizes), extra());
    if (server === 'medplum' && compareSearches === 0) {
      const line = {
        bench: 'fhir-rest',
        metric: METRIC.search_patient,
        value: null,
        unit: 'requests/s',
        concurrency,
        server: SERVER_LABEL[server],
        skipped: SEARCH_SKIPPED,
        ...extra(),
        at: runId,
        commit,
      };
      process.stdout.write(JSON.stringify(line) + '\n');
      if (record) appendFileSync(RESULTS, JSON.stringify(line) + '\n');
    } else {
      progress(`fhir-rest ${SERVER_LABEL[server]}: patient searches…`);
      const searchSizes = server === 'medplum' ? { ...sizes, searches: compareSearches, warmup: 0 } : sizes;
      print(server, await measurePatientSearch(target, sample, searchSizes), extra());
    }
    progress(`fhir-rest ${SERVER_LABEL[server]}: PUT with If-Match…`);
    print(server, await measureWrites(target, sample, sizes, runId), extra());
  };

  if (url !== undefined) {
    const token = stringArg(a, '--token');
    if (token === undefined) throw new Error('fhir-rest: --url needs --token');
    const events = countEvents(source);
    const sample = sampleFhirRest(source, sampleSizes);
    await measure('url', { baseUrl: url.replace(/\/$/, ''), token }, sample, () => ({
      events,
      patients: sample.patients.length,
      size: size.label,
    }));
    return;
  }

  const scratch = join(root, '.bench-out', 'scratch', 'fhir-rest');
  const running = new Set<FhirServer>();
  const cleanUp = (): void => {
    for (const s of running) s.child.kill('SIGKILL');
    rmSync(scratch, { recursive: true, force: true });
  };
  const onSignal = (): void => {
    cleanUp();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  try {
    const copy = join(scratch, 'practice.chartlog');
    progress(`fhir-rest: copying ${source} to ${copy}`);
    copyStore(source, copy);
    const events = countEvents(copy);
    const token = 'fhir-rest-bench-client-token';
    const sample = sampleFhirRest(copy, sampleSizes);
    const base = { events, size: given !== undefined ? `${events}` : size.label };
    let ndjson: string | undefined;
    let compareSample: FhirRestSample | undefined;
    let patientsFile: string | undefined;
    if (servers.includes('medplum')) {
      const held = new Set(sample.patients.slice(0, comparePatients));
      compareSample =
        held.size === sample.patients.length
          ? sample
          : sampleFhirRest(copy, { ...sampleSizes, onlyPatients: held });
      patientsFile = join(scratch, 'patients.json');
      writeFileSync(patientsFile, JSON.stringify([...held]));
      ndjson = join(scratch, 'export.ndjson');
      progress(`fhir-rest: chartlog export-fhir of the copy to ${ndjson} (the comparison's data)…`);
      const t0 = performance.now();
      execFileSync(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', 'export-fhir', '--store', copy, '--out', ndjson],
        { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
      );
      progress(`fhir-rest: exported in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    if (servers.includes('chartlog')) {
      progress('fhir-rest: starting chartlog serve on the copy…');
      const serve = await startChartlogServe({
        store: copy,
        site: 'practice-a',
        sites: WORKLOAD_SITES,
        keyDir: dirname(source),
        dir: scratch,
        token,
      });
      running.add(serve);
      try {
        await measure('chartlog', { baseUrl: serve.fhirBase, token }, sample, () => ({
          ...base,
          patients: sample.patients.length,
          serverPeakRssMb: serve.peakRssMib(),
        }));
      } finally {
        await serve.stop();
        running.delete(serve);
      }
    }
    // The store copy is no longer needed: free its space before the comparison loads.
    for (const f of [copy, `${copy}-wal`, `${copy}-shm`, `${copy}.lock`]) rmSync(f, { force: true });
    if (ndjson !== undefined && compareSample !== undefined) {
      progress(
        `fhir-rest: starting the comparison (@medplum/fhir-router ${MEDPLUM_ROUTER_VERSION}, MemoryRepository) with ${compareSample.patients.length} patients…`,
      );
      const medplum = await startMedplumRouter({
        medplumDir: join(root, '.bench-out', 'compare', 'medplum'),
        ndjson,
        ...(patientsFile !== undefined ? { patientsFile } : {}),
        token,
      });
      running.add(medplum);
      try {
        await measure('medplum', { baseUrl: medplum.fhirBase, token }, compareSample, () => ({
          ...base,
          patients: compareSample.patients.length,
          resourcesLoaded: medplum.resources,
          serverPeakRssMb: medplum.peakRssMib(),
          version: `@medplum/fhir-router ${MEDPLUM_ROUTER_VERSION}`,
        }));
      } finally {
        await medplum.stop();
        running.delete(medplum);
      }
    }
  } finally {
    cleanUp();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function countEvents(path: string): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare<[], [number]>('SELECT count(*) FROM events').raw().get() as [number])[0];
  } finally {
    db.close();
  }
}
