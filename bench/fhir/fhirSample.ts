/**
 * The FHIR benchmark's input: the Synthea sample (test/fixtures/fhir/synthea, 12 patients)
 * repeated to N patients as one Bulk Data NDJSON file, each copy after the first given its
 * own ids (`<id>-<copy>`, references rewritten to match) except Organization and
 * Practitioner, which a practice's records share. Cached under `.bench-out/fhir/`.
 */
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
} from 'node:fs';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SYNTHEA = join(ROOT, 'test', 'fixtures', 'fhir', 'synthea');
/** Where the benchmark keeps its inputs and stores. */
export const FHIR_BENCH_DIR = join(ROOT, '.bench-out', 'fhir');

interface Entry {
  readonly fullUrl?: string;
  readonly resource: { readonly resourceType: string; readonly id: string };
}

/** Every distinct sample resource as NDJSON text, its `urn:uuid:` references resolved to `Type/id`. */
export function sampleResources(): {
  readonly text: string;
  readonly resourceType: string;
  readonly id: string;
}[] {
  const seen = new Set<string>();
  const out: { text: string; resourceType: string; id: string }[] = [];
  for (const file of readdirSync(SYNTHEA)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const bundle = JSON.parse(readFileSync(join(SYNTHEA, file), 'utf8')) as { entry: Entry[] };
    const byUrl = new Map(
      bundle.entry.map((e) => [e.fullUrl, `${e.resource.resourceType}/${e.resource.id}`]),
    );
    for (const e of bundle.entry) {
      const key = `${e.resource.resourceType}/${e.resource.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const text = JSON.stringify(e.resource).replace(/"reference":"(urn:uuid:[^"]+)"/g, (m, url: string) =>
        byUrl.has(url) ? `"reference":"${byUrl.get(url)}"` : m,
      );
      out.push({ text, resourceType: e.resource.resourceType, id: e.resource.id });
    }
  }
  return out;
}

const SHARED = new Set(['Organization', 'Practitioner']);

/** The sample repeated to at least `patients` patients as NDJSON; returns its path, resources and bytes. */
export async function repeatedSample(
  patients: number,
): Promise<{ readonly path: string; readonly resources: number; readonly bytes: number }> {
  mkdirSync(FHIR_BENCH_DIR, { recursive: true });
  const sample = sampleResources();
  const perCopy = sample.filter((r) => r.resourceType === 'Patient').length;
  const copies = Math.max(1, Math.ceil(patients / perCopy));
  const path = join(FHIR_BENCH_DIR, `sample-v2-${copies * perCopy}-patients.ndjson`);
  const shared = sample.filter((r) => SHARED.has(r.resourceType));
  const owned = sample.filter((r) => !SHARED.has(r.resourceType));
  const resources = shared.length + owned.length * copies;
  if (existsSync(path)) return { path, resources, bytes: statSync(path).size };
  const ids = new Set(owned.map((r) => r.id));
  const tmp = `${path}.partial`;
  const out = createWriteStream(tmp);
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  for (const r of shared) await write(`${r.text}\n`);
  for (let copy = 0; copy < copies; copy++) {
    // Ids (36 characters) and references to them get the copy's suffix; shared resources keep theirs.
    // The first copy keeps the sample's own ids, so it can be compared with the sample.
    const rename = (text: string): string =>
      copy === 0
        ? text
        : text.replace(/("id":"|"reference":"[A-Za-z]+\/)([0-9a-f-]{36})"/g, (m, head: string, id: string) =>
            ids.has(id) ? `${head}${id}-${copy}"` : m,
          );
    for (const r of owned) await write(`${rename(r.text)}\n`);
  }
  out.end();
  await once(out, 'finish');
  renameSync(tmp, path);
  return { path, resources, bytes: statSync(path).size };
}
