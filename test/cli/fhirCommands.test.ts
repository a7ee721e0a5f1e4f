/**
 * `chartlog import-fhir` and `chartlog export-fhir` as an operator runs them: real child
 * processes, real SQLite files, the Synthea practice as input.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FhirResource } from '../../src/fhir/fhirResource.js';
import { SYNTHEA_DIR, syntheaBundleFiles, syntheaResources } from '../fhir/syntheaFixtures.js';
import { useTempDir } from '../support/tempDir.js';
import { runChartlog } from './runChartlog.js';
import { withoutVersion } from '../support/fhirTesting.js';

const file = useTempDir('fhir-cli');
// Four of the twelve patients: the same paths through the CLI at a third of the time
// (the whole practice goes through importFhir in test/fhir/importExport.test.ts).
const files = syntheaBundleFiles().slice(0, 4);
const bundles = files.map((f) => SYNTHEA_DIR + f);
const items = syntheaResources(files);
const unique = new Map(items.map((r) => [`${r.resourceType}/${r.id}`, r]));

describe('chartlog import-fhir and export-fhir', () => {
  it('imports a practice into a new store (progress on stderr, a JSON report), again adds nothing, and exports it back unchanged', async () => {
    const store = file('practice.chartlog');
    const key = file('practice-a.key');
    expect((await runChartlog(['keygen', '--out', key])).code).toBe(0);
    const base = ['import-fhir', '--store', store, '--site', 'practice-a', '--key', key];
    const first = await runChartlog([...base, ...bundles, '--json'], { timeoutMs: 120_000 });
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      items: items.length,
      created: unique.size,
      unchanged: items.length - unique.size,
      refused: { count: 0 },
    });
    expect(first.stderr).toMatch(/import-fhir: 100% \(\d+\/\d+ bytes/);
    const second = await runChartlog([...base, ...bundles, '--json', '--no-validate'], {
      timeoutMs: 120_000,
    });
    expect(JSON.parse(second.stdout)).toMatchObject({
      created: 0,
      updated: 0,
      events: 0,
      stateHash: JSON.parse(first.stdout).stateHash,
    });

    const all = file('all.ndjson');
    const exported = await runChartlog(['export-fhir', '--store', store, '--out', all], {
      timeoutMs: 60_000,
    });
    expect(exported.code, exported.stderr).toBe(0);
    const lines = readFileSync(all, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as FhirResource);
    expect(lines).toHaveLength(unique.size);
    for (const r of lines) expect(withoutVersion(r)).toEqual(unique.get(`${r.resourceType}/${r.id}`));

    const patient = [...unique.values()].find((r) => r.resourceType === 'Patient') as FhirResource;
    const out = file('one.json');
    const bundle = await runChartlog([
      'export-fhir',
      '--store',
      store,
      '--patient',
      patient.id as string,
      '--format',
      'bundle',
      '--provenance',
      '--out',
      out,
    ]);
    expect(bundle.code, bundle.stderr).toBe(0);
    const parsed = JSON.parse(readFileSync(out, 'utf8')) as {
      type: string;
      entry: { resource: FhirResource }[];
    };
    expect(parsed.type).toBe('collection');
    expect(parsed.entry.some((e) => e.resource.resourceType === 'Provenance')).toBe(true);
    expect(
      parsed.entry.some((e) => e.resource.resourceType === 'Patient' && e.resource.id === patient.id),
    ).toBe(true);
  });

  it('refuses part of an input with exit 1, naming it, and takes the rest; a missing input is a usage error that writes nothing', async () => {
    const store = file('refusals.chartlog');
    const key = file('refusals.key');
    await runChartlog(['keygen', '--out', key]);
    const ndjson = file('mixed.ndjson');
    writeFileSync(
      ndjson,
      `${JSON.stringify({ resourceType: 'Patient', id: 'p1' })}\nnot json\n${JSON.stringify({ resourceType: 'Patient', id: 'p2', birthDate: '2 March 1950' })}\n`,
    );
    const run = await runChartlog([
      'import-fhir',
      '--store',
      store,
      '--site',
      'practice-a',
      '--key',
      key,
      ndjson,
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/created\s+1/);
    expect(run.stdout).toMatch(/refused\s+2 \(FHIR_MALFORMED_JSON: 1, FHIR_INVALID_RESOURCE: 1\)/);
    expect(run.stdout).toContain('mixed.ndjson line 3');

    const missing = await runChartlog([
      'import-fhir',
      '--store',
      file('never.chartlog'),
      '--site',
      'practice-a',
      '--key',
      key,
      file('no-such.ndjson'),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('FHIR_INPUT_UNREADABLE');
    expect(existsSync(file('never.chartlog'))).toBe(false);
    expect(
      (await runChartlog(['import-fhir', '--store', store, '--site', 'practice-a', '--key', key])).code,
    ).toBe(2);
  });
});
