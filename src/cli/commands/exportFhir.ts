import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { clinicalSchema } from '../../clinical/clinicalSchema.js';
import { ChartlogError } from '../../error/chartlogError.js';
import { exportFhir, fhirCollectionBundle, fhirNdjsonLines } from '../../fhir/exportFhir.js';
import { EXIT } from '../exitCodes.js';
import { stringOption, requiredOption, type CliCommand } from '../cliCommand.js';
import { openStoreFile } from '../openStoreFile.js';
import { readStoreProjection } from '../readStoreProjection.js';
import { storeOption } from '../siteOptions.js';

/** The projection cache while exporting, in bytes of canonical JSON. */
const EXPORT_CACHE_BYTES = 8 * 1024 * 1024;

/** `chartlog export-fhir`: a store's current records as a FHIR R4 collection Bundle or Bulk Data NDJSON. */
export const exportFhirCommand: CliCommand = {
  name: 'export-fhir',
  summary:
    "write a store's current records as FHIR R4: a collection Bundle or Bulk Data NDJSON, with Provenance if asked",
  description: [
    "Writes every current resource of the store (or of one patient's record) as FHIR R4, with",
    'meta.versionId and lastUpdated from the events, and a resource with an unresolved conflict',
    'tagged provisional with every competing value listed. --provenance adds a Provenance per',
    'event: who recorded each version, at which site, when; a retraction is a Provenance with',
    'activity NULLIFY and its reason (the retracted resource itself is gone, as FHIR has it).',
    'Reads the store read-only (serve may keep running); writes to stdout unless --out is given.',
  ],
  options: {
    store: storeOption('must exist'),
    patient: { type: 'string', valueName: 'ID', description: "only this patient's record" },
    format: {
      type: 'string',
      valueName: 'bundle|ndjson',
      description: 'a collection Bundle, or one resource per line',
      defaultValue: 'ndjson',
    },
    provenance: { type: 'boolean', description: 'add a Provenance per event (the audit trail)' },
    out: { type: 'string', valueName: 'FILE', description: 'write here instead of stdout' },
    'base-url': {
      type: 'string',
      valueName: 'URL',
      description: "the Bundle entries' fullUrl base, e.g. https://practice-a.example/fhir",
    },
  },
  examples: [
    'chartlog export-fhir --store practice-a.chartlog --patient p1 --format bundle --provenance',
    'chartlog export-fhir --store practice-a.chartlog --out practice-a.ndjson',
  ],
  async run(values) {
    const format = stringOption(values, 'format') ?? 'ndjson';
    if (format !== 'bundle' && format !== 'ndjson')
      throw new ChartlogError(
        'INVALID_OPTION',
        `--format is bundle or ndjson, not ${JSON.stringify(format)}`,
      );
    if (values['json'] === true)
      throw new ChartlogError('INVALID_OPTION', 'export-fhir writes FHIR JSON itself: --json does not apply');
    const store = await openStoreFile(requiredOption(values, 'store'), 'read');
    try {
      // Each record is read once: a small cache keeps memory flat however large the store.
      const chart = await readStoreProjection(store, clinicalSchema, { cacheBytes: EXPORT_CACHE_BYTES });
      const patient = stringOption(values, 'patient');
      const baseUrl = stringOption(values, 'base-url');
      const resources = exportFhir(
        { chart, store },
        { ...(patient !== undefined ? { patient } : {}), provenance: values['provenance'] === true },
      );
      const chunks =
        format === 'bundle'
          ? fhirCollectionBundle(resources, baseUrl === undefined ? {} : { baseUrl })
          : fhirNdjsonLines(resources);
      const path = stringOption(values, 'out');
      const sink = path === undefined ? process.stdout : createWriteStream(path);
      for await (const chunk of chunks) if (!sink.write(chunk)) await once(sink, 'drain');
      if (path !== undefined) {
        sink.end();
        await once(sink, 'finish');
      }
    } finally {
      await store.close();
    }
    return EXIT.ok;
  },
};
