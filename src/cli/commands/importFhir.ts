import { clinicalSchema } from '../../clinical/clinicalSchema.js';
import { importFhir, type FhirImportReport } from '../../fhir/importFhir.js';
import { fhirFileSource } from '../../fhir/input/fhirFileSource.js';
import { createReplica } from '../../replica/replica.js';
import { EXIT } from '../exitCodes.js';
import { out, outJson, requiredOption, stringOption, wantsJson, type CliCommand } from '../cliCommand.js';
import { openStoreFile } from '../openStoreFile.js';
import { createProgressReporter } from '../progressReporter.js';
import { readSiteKeyFile } from '../../sync/http/siteKeyFile.js';
import { countOf } from '../countOf.js';
import { jsonSeconds } from '../jsonSeconds.js';
import { SITE_OPTION, keyOption, storeOption } from '../siteOptions.js';

/** `chartlog import-fhir`: load FHIR R4 Bundles or Bulk Data NDJSON into a store, as this site's events. */
export const importFhirCommand: CliCommand = {
  name: 'import-fhir',
  summary:
    "load FHIR R4 (Bundles, Bulk Data NDJSON) into a store as this site's events; a second run adds nothing",
  description: [
    'Reads each INPUT (a transaction, batch, collection or searchset Bundle; Bulk Data NDJSON, one',
    "resource per line; or one resource) and records every resource on its patient's record",
    '(Organization, Practitioner and others of no patient on a directory record), signed as this',
    'site, writing only what differs from what the store holds: importing the same files again',
    'records nothing. urn:uuid: references inside a Bundle become Type/id. Each resource is',
    'checked against the R4 definitions; what cannot be held is refused, naming the input, the',
    'resource and the element, and the rest goes in (exit 1 when anything was refused). Creates',
    'the store when it does not exist. Stop chartlog serve on the store first (one writer).',
    'Progress (bytes read of all inputs) goes to stderr.',
  ],
  options: {
    store: storeOption('created if missing'),
    site: SITE_OPTION,
    key: keyOption('the events are signed as this site'),
    author: {
      type: 'string',
      valueName: 'ID',
      description: 'who the import is recorded as (audited like any event)',
      defaultValue: 'fhir-import',
    },
    'no-validate': {
      type: 'boolean',
      description: 'skip the R4 validator (each element is still checked for its R4 type)',
    },
  },
  positionals: {
    name: 'inputs',
    valueName: 'INPUT',
    description: 'Bundle (.json) or NDJSON (.ndjson) files',
    min: 1,
  },
  examples: [
    'chartlog import-fhir --store practice-a.chartlog --site practice-a --key practice-a.key export/*.ndjson',
    'chartlog import-fhir --store practice-a.chartlog --site practice-a --key practice-a.key --author migration-2026 bundle.json --json',
  ],
  async run(values) {
    const inputs = values['inputs'] as readonly string[];
    const keys = readSiteKeyFile(requiredOption(values, 'key'));
    // Every input is opened (and its size read) before the store: a typo fails before anything is written.
    const sources = inputs.map((path) => fhirFileSource(path));
    const total = sources.reduce((sum, source) => sum + (source.totalBytes ?? 0), 0);
    const site = requiredOption(values, 'site');
    const store = await openStoreFile(requiredOption(values, 'store'), 'write');
    let report: FhirImportReport;
    let stateHash: string;
    try {
      const replica = await createReplica({ site, keys, store, schema: clinicalSchema });
      const progress = createProgressReporter('import-fhir', total, process.stderr, { unit: 'bytes' });
      // Bytes of the inputs finished so far, plus the current one's.
      const finished = new Map<string, number>();
      report = await importFhir(replica, sources, {
        author: { id: stringOption(values, 'author') ?? 'fhir-import', role: 'system', org: site },
        ...(values['no-validate'] === true ? { validator: false } : {}),
        onProgress: (p) => {
          finished.set(p.input, p.bytesRead);
          progress.update([...finished.values()].reduce((a, b) => a + b, 0));
        },
      });
      progress.done();
      stateHash = replica.chart.hash();
    } finally {
      await store.close();
    }
    if (wantsJson(values)) outJson({ ...report, seconds: jsonSeconds(report.seconds), stateHash });
    else {
      out(
        `imported    ${countOf(report.items, 'item')} from ${countOf(inputs.length, 'input')} in ${report.seconds.toFixed(1)} s`,
      );
      out(`created     ${report.created}`);
      out(`updated     ${report.updated}`);
      out(`unchanged   ${report.unchanged}`);
      out(
        `refused     ${report.refused.count}${
          report.refused.count > 0
            ? ` (${Object.entries(report.refused.byCode)
                .map(([c, n]) => `${c}: ${n}`)
                .join(', ')})`
            : ''
        }`,
      );
      for (const r of report.refused.examples) out(`  ${r.code}  ${r.message}`);
      const listed = report.refused.examples.length;
      if (report.refused.count > listed)
        out(`  … and ${report.refused.count - listed} more (--json lists the first ${listed})`);
      out(`events      ${report.events}`);
      out(`state hash  ${stateHash}`);
    }
    return report.refused.count > 0 ? EXIT.problems : EXIT.ok;
  },
};
