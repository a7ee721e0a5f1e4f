import { validateResource } from '@medplum/core';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createKeyring,
  createReplica,
  generateSiteKeys,
  prepareRetraction,
  streamId,
  syncReplicas,
  type EventDraft,
  type Json,
  type Replica,
} from '../../src/index.js';
import { canonicalJson } from '../../src/event/canonicalJson.js';
import { prepareFhirWrite } from '../../src/fhir/prepareFhirWrite.js';
import { CONCURRENT_VALUES_EXTENSION } from '../../src/fhir/fhirResource.js';
import { PROVISIONAL_TAG } from '../../src/fhir/toFhirResource.js';
import { clinicalFhirRules } from '../../src/clinical/clinicalFhirRules.js';
import { exportFhir, fhirCollectionBundle, fhirNdjsonLines } from '../../src/fhir/exportFhir.js';
import { createFhirSchema } from '../../src/fhir/fhirSchema.js';
import { fhirStreamOf } from '../../src/fhir/fhirStreamOf.js';
import { importFhir, type FhirImportProgress } from '../../src/fhir/importFhir.js';
import { fhirFileSource } from '../../src/fhir/input/fhirFileSource.js';
import type { FhirResource } from '../../src/fhir/fhirResource.js';
import { openSqliteEventLog } from '../../src/store/sqlite/sqliteEventLog.js';
import { useTempDir } from '../support/tempDir.js';
import { SYNTHEA_DIR, syntheaResources } from './syntheaFixtures.js';
import { indexR4Definitions, validationSample, withoutVersion } from '../support/fhirTesting.js';

const schema = createFhirSchema({ rules: clinicalFhirRules });
const author = { id: 'migration-2026', role: 'system' };
const file = useTempDir('fhir-import');
const bundles = readdirSync(SYNTHEA_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => SYNTHEA_DIR + f);

async function replicaAt(path: string): Promise<Replica> {
  return createReplica({
    site: 'practice-a',
    keys: generateSiteKeys(),
    store: openSqliteEventLog(path),
    schema,
  });
}
async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of items) out.push(x);
  return out;
}

beforeAll(indexR4Definitions);

describe('FHIR import and export', () => {
  it("loads a practice's transaction Bundles into a SQLite replica, each resource on its patient's record, and a second run adds nothing", async () => {
    const replica = await replicaAt(file('import.chartlog'));
    const progress: FhirImportProgress[] = [];
    const report = await importFhir(replica, bundles.map(fhirFileSource), {
      author,
      onProgress: (p) => progress.push(p),
      batchResources: 200,
    });
    const unique = new Map(syntheaResources().map((r) => [`${r.resourceType}/${r.id}`, r]));
    expect(report).toMatchObject({
      items: 3464,
      created: unique.size,
      updated: 0,
      unchanged: 3464 - unique.size,
      events: unique.size,
      refused: { count: 0 },
    });
    expect(progress.at(-1)).toMatchObject({ created: unique.size, refused: 0 });
    for (const r of [...unique.values()].slice(0, 300))
      expect(replica.chart.resource(fhirStreamOf(r), `${r.resourceType}/${r.id}`)).toBeDefined();
    const size = replica.chart.size;

    const again = await importFhir(replica, bundles.map(fhirFileSource), { author, validator: false });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 3464, events: 0 });
    expect(replica.chart.size).toBe(size);
    await replica.store.close();
  });

  it('exports every current resource as NDJSON and as a collection Bundle that read back as what was imported, valid R4', async () => {
    const path = file('export.chartlog');
    const replica = await replicaAt(path);
    await importFhir(replica, bundles.map(fhirFileSource), { author, validator: false });
    const lines = await collect(fhirNdjsonLines(exportFhir(replica)));
    const exported = lines.map((l) => JSON.parse(l) as FhirResource);
    const unique = new Map(syntheaResources().map((r) => [`${r.resourceType}/${r.id}`, r]));
    expect(exported).toHaveLength(unique.size);
    const validated = validationSample(exported);
    for (const r of exported) {
      expect(withoutVersion(r)).toEqual(unique.get(`${r.resourceType}/${r.id}`));
      expect(r.meta?.versionId).toMatch(/^practice-a\.\d+$/);
      if (validated.has(r)) expect(() => validateResource(r as unknown as Resource)).not.toThrow();
    }
    const patient = syntheaResources().find((r) => r.resourceType === 'Patient') as FhirResource;
    const bundleText = (
      await collect(
        fhirCollectionBundle(exportFhir(replica, { patient: patient.id as string }), {
          baseUrl: 'https://practice-a.example/fhir',
        }),
      )
    ).join('');
    const bundle = JSON.parse(bundleText) as Bundle;
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    expect(
      bundle.entry?.every(
        (e) => fhirStreamOf(e.resource as unknown as FhirResource) === `patient/${patient.id}`,
      ),
    ).toBe(true);
    expect(() => validateResource(bundle as Resource)).not.toThrow();

    // The export imports into another site unchanged.
    const exportFile = file('export.ndjson');
    writeFileSync(exportFile, lines.join(''));
    const other = await createReplica({
      site: 'hospital-b',
      keys: generateSiteKeys(),
      store: openSqliteEventLog(file('other.chartlog')),
      schema,
    });
    const report = await importFhir(other, [fhirFileSource(exportFile)], { author, validator: false });
    expect(report).toMatchObject({ created: unique.size, refused: { count: 0 } });
    const fromOther = new Map(
      (await collect(exportFhir(other))).map((r) => [`${r.resourceType}/${r.id}`, withoutVersion(r)]),
    );
    expect(fromOther).toEqual(new Map(exported.map((r) => [`${r.resourceType}/${r.id}`, withoutVersion(r)])));
    await replica.store.close();
    await other.store.close();
  });

  it("concurrent changes at two sites to an imported allergy's verificationStatus export as a conflict with both values, still valid R4", async () => {
    const keys = { 'practice-a': generateSiteKeys(), 'hospital-b': generateSiteKeys() };
    const keyring = createKeyring({
      'practice-a': keys['practice-a'].publicKey,
      'hospital-b': keys['hospital-b'].publicKey,
    });
    const open = (site: 'practice-a' | 'hospital-b') =>
      createReplica({
        site,
        keys: keys[site],
        keyring,
        store: openSqliteEventLog(file(`${site}-conflict.chartlog`)),
        schema,
      });
    const [a, b] = [await open('practice-a'), await open('hospital-b')];
    await importFhir(
      a,
      bundles
        .filter((f) => readFileSync(f, 'utf8').includes('"AllergyIntolerance"'))
        .slice(0, 1)
        .map(fhirFileSource),
      { author, validator: false },
    );
    await syncReplicas([a, b]);
    const allergy = (await collect(exportFhir(a))).find(
      (r) => r.resourceType === 'AllergyIntolerance',
    ) as FhirResource;
    const status = (code: string) => ({
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code }],
    });
    for (const [site, code] of [
      [a, 'refuted'],
      [b, 'unconfirmed'],
    ] as const) {
      const draft = prepareFhirWrite(
        site.chart,
        { ...withoutVersion(allergy), verificationStatus: status(code) },
        { author: { id: `dr-${site.site}` } },
      );
      await site.record(draft as EventDraft);
    }
    await syncReplicas([a, b]);
    const key = `AllergyIntolerance/${allergy.id}`;
    const [fromA, fromB] = await Promise.all(
      [a, b].map(
        async (r) =>
          (await collect(exportFhir(r))).find((x) => `${x.resourceType}/${x.id}` === key) as FhirResource & {
            extension: {
              url: string;
              extension: {
                url: string;
                valueString?: string;
                extension?: { url: string; valueString?: string }[];
              }[];
            }[];
          },
      ),
    );
    expect(fromA).toEqual(fromB);
    expect(fromA?.meta?.tag).toContainEqual(PROVISIONAL_TAG);
    const marker = fromA?.extension.find((x) => x.url === CONCURRENT_VALUES_EXTENSION);
    expect(marker?.extension[0]).toEqual({
      url: 'element',
      valueString: 'AllergyIntolerance.verificationStatus',
    });
    const values = marker?.extension
      .filter((x) => x.url === 'candidate')
      .map((c) => c.extension?.find((p) => p.url === 'value')?.valueString);
    expect(values?.sort()).toEqual(
      [
        JSON.stringify({ verificationStatus: status('refuted') }),
        JSON.stringify({ verificationStatus: status('unconfirmed') }),
      ]
        .map((v) => canonicalJson(JSON.parse(v) as Json))
        .sort(),
    );
    expect(() => validateResource(fromA as unknown as Resource)).not.toThrow();
    await a.store.close();
    await b.store.close();
  });

  it('an import that changes the patient an Observation names leaves it on the one record that holds it, the change shown as a conflict', async () => {
    const replica = await replicaAt(file('moved.chartlog'));
    const observation = (patient: string) => ({
      resourceType: 'Observation',
      id: 'o1',
      status: 'final',
      code: { text: 'BP' },
      subject: { reference: `Patient/${patient}` },
    });
    for (const [name, patient] of [
      ['first.ndjson', 'p1'],
      ['second.ndjson', 'p2'],
    ] as const) {
      writeFileSync(
        file(name),
        `${JSON.stringify({ resourceType: 'Patient', id: patient })}\n${JSON.stringify(observation(patient))}\n`,
      );
      await importFhir(replica, [fhirFileSource(file(name))], { author, validator: false });
    }
    const holding = replica.chart
      .streams()
      .filter((s) => replica.chart.resource(s, 'Observation/o1') !== undefined);
    expect(holding).toEqual(['patient/p1']);
    expect(replica.chart.openConflicts(streamId('patient/p1'))).toEqual(['Observation/o1#subject']);
    await replica.store.close();
  });

  it('with provenance, says who recorded each version, where and when; a retracted record is gone and its Provenance says why', async () => {
    const replica = await replicaAt(file('provenance.chartlog'));
    const patient = { resourceType: 'Patient', id: 'p1', birthDate: '1950-03-02' };
    const wrong = {
      resourceType: 'Observation',
      id: 'o1',
      status: 'final',
      code: { text: 'BP' },
      subject: { reference: 'Patient/p1' },
    };
    const ndjson = file('two.ndjson');
    writeFileSync(ndjson, `${JSON.stringify(patient)}\n${JSON.stringify(wrong)}\n`);
    await importFhir(replica, [fhirFileSource(ndjson)], {
      author: { id: 'dr-a', role: 'gp', org: 'A81001' },
    });
    const [observationEvent] = (await replica.store.readStream(fhirStreamOf(wrong as FhirResource))).filter(
      (e) => 'Observation/o1' in e.data,
    );
    await replica.record(
      prepareRetraction({
        stream: fhirStreamOf(wrong as FhirResource),
        events: [observationEvent!.id],
        reason: 'recorded against the wrong patient',
        author: { id: 'dr-a' },
      }),
    );

    const all = await collect(exportFhir(replica, { patient: 'p1', provenance: true }));
    expect(
      all.filter((r) => r.resourceType !== 'Provenance').map((r) => `${r.resourceType}/${r.id}`),
    ).toEqual(['Patient/p1']);
    const provenance = all.filter((r) => r.resourceType === 'Provenance') as (FhirResource & {
      target: { reference: string }[];
      activity: { coding: { code: string }[] };
      reason?: { text: string }[];
      agent: { who: { identifier: { value: string } }; onBehalfOf: { identifier: { value: string } } }[];
    })[];
    expect(
      provenance.map((p) => [
        p.target.map((t) => t.reference.replace(/\d+$/, 'N')),
        p.activity.coding[0]?.code,
      ]),
    ).toEqual([
      [['Patient/p1/_history/practice-a.N'], 'CREATE'],
      [['Observation/o1/_history/practice-a.N'], 'CREATE'],
      [['Observation/o1/_history/practice-a.N'], 'NULLIFY'],
    ]);
    expect(provenance[2]?.reason).toEqual([{ text: 'recorded against the wrong patient' }]);
    expect(provenance[0]?.agent[0]).toMatchObject({
      who: { identifier: { value: 'dr-a' } },
      onBehalfOf: { identifier: { value: 'practice-a' } },
    });
    for (const p of provenance) expect(() => validateResource(p as unknown as Resource)).not.toThrow();
    await replica.store.close();
  });

  it('refuses what it cannot hold, naming the input, resource and element, and takes the rest', async () => {
    const replica = await replicaAt(file('refusals.chartlog'));
    const ndjson = file('mixed.ndjson');
    writeFileSync(
      ndjson,
      [
        JSON.stringify({ resourceType: 'Patient', id: 'p1', birthDate: '1950-03-02' }),
        '{"resourceType": "Patient", "id": ',
        JSON.stringify({ resourceType: 'Patient', id: 'p2', birthDate: '2 March 1950' }),
        JSON.stringify({
          resourceType: 'Observation',
          id: 'o1',
          status: 'final',
          code: { text: 'x' },
          colour: 'blue',
        }),
        JSON.stringify({ resourceType: 'Patient', id: 'p3' }),
      ].join('\n'),
    );
    for (const validator of [undefined, false] as const) {
      const report = await importFhir(replica, [fhirFileSource(ndjson)], {
        author,
        ...(validator === false ? { validator } : {}),
      });
      expect(report.refused.count).toBe(3);
      expect(report.refused.examples.map((r) => [r.code, r.source.line, r.resource ?? null])).toEqual([
        ['FHIR_MALFORMED_JSON', 2, null],
        ['FHIR_INVALID_RESOURCE', 3, 'Patient/p2'],
        ['FHIR_INVALID_RESOURCE', 4, 'Observation/o1'],
      ]);
      expect(report.refused.examples[1]?.element).toMatch(/^Patient\.birthDate/);
      expect(report.refused.examples[2]?.element).toMatch(/^Observation\.colour/);
    }
    expect(
      replica.chart.resource(fhirStreamOf({ resourceType: 'Patient', id: 'p3' }), 'Patient/p3'),
    ).toBeDefined();
    expect(
      replica.chart.resource(fhirStreamOf({ resourceType: 'Patient', id: 'p2' }), 'Patient/p2'),
    ).toBeUndefined();
    await replica.store.close();
  });
});
