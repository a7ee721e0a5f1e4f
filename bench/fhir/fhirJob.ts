/**
 * One measurement of the FHIR benchmark in a fresh process (so its peak RSS is its own):
 * `node --import tsx bench/fhir/fhirJob.ts '<job JSON>'`, printing `FHIR_RESULT <json>`.
 * - `import`: `importFhir` of the inputs into a new SQLite replica (`validate` as given);
 * - `export`: `exportFhir` of that store to an NDJSON file.
 */
import { createWriteStream, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createReplica, generateSiteKeys } from '../../src/index.js';
import { clinicalSchema } from '../../src/clinical/index.js';
import { exportFhir, fhirNdjsonLines } from '../../src/fhir/exportFhir.js';
import { importFhir } from '../../src/fhir/importFhir.js';
import { fhirFileSource } from '../../src/fhir/input/fhirFileSource.js';
import { openSqliteEventLog } from '../../src/store/sqlite/index.js';
import { peakRssMb } from '../emit.js';

/** What a job does (see the file comment). */
export type FhirJob =
  | {
      readonly kind: 'import';
      readonly store: string;
      readonly inputs: readonly string[];
      readonly validate: boolean;
    }
  | { readonly kind: 'export'; readonly store: string; readonly out: string };

/** What a job prints after `FHIR_RESULT `. */
export interface FhirJobResult {
  readonly seconds: number;
  readonly resources: number;
  readonly peakRssMb: number;
  readonly refused?: number;
}

const job = JSON.parse(process.argv[2] as string) as FhirJob;
const started = performance.now();
let result: FhirJobResult;
if (job.kind === 'import') {
  rmSync(job.store, { force: true });
  rmSync(`${job.store}-wal`, { force: true });
  const store = openSqliteEventLog(job.store);
  const replica = await createReplica({
    site: 'practice-a',
    keys: generateSiteKeys(),
    store,
    schema: clinicalSchema,
  });
  const report = await importFhir(replica, job.inputs.map(fhirFileSource), {
    author: { id: 'bench', role: 'system' },
    ...(job.validate ? {} : { validator: false }),
  });
  await store.close();
  result = {
    seconds: (performance.now() - started) / 1000,
    resources: report.items,
    refused: report.refused.count,
    peakRssMb: peakRssMb(),
  };
} else {
  const store = openSqliteEventLog(job.store, { readOnly: true });
  // As chartlog export-fhir opens it: each record is read once, so a small cache.
  const chart = await store.openProjection({ schema: clinicalSchema, cacheBytes: 8 * 1024 * 1024 });
  const out = createWriteStream(job.out);
  let resources = 0;
  for await (const line of fhirNdjsonLines(exportFhir({ chart, store }))) {
    resources++;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  await store.close();
  result = { seconds: (performance.now() - started) / 1000, resources, peakRssMb: peakRssMb() };
}
process.stdout.write(`FHIR_RESULT ${JSON.stringify(result)}\n`);
