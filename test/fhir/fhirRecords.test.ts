import { validateResource } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createChart,
  createEventWriter,
  createHybridClock,
  siteId,
  type Author,
  type Chart,
  type ChartEvent,
} from '../../src/index.js';
import { clinicalFhirRules } from '../../src/clinical/clinicalFhirRules.js';
import { fhirStreamOf } from '../../src/fhir/fhirStreamOf.js';
import { createFhirSchema } from '../../src/fhir/fhirSchema.js';
import { prepareFhirWrite } from '../../src/fhir/prepareFhirWrite.js';
import { readFhirResource } from '../../src/fhir/readFhirResource.js';
import { CONCURRENT_VALUES_EXTENSION, type FhirResource } from '../../src/fhir/fhirResource.js';
import { PROVISIONAL_TAG } from '../../src/fhir/toFhirResource.js';
import { syntheaResources } from './syntheaFixtures.js';
import { indexR4Definitions, validationSample, withoutVersion } from '../support/fhirTesting.js';

const schema = createFhirSchema({ rules: clinicalFhirRules });
const T0 = Date.UTC(2026, 6, 19, 6, 0, 0, 0);

/** A site holding FHIR records in memory: its chart, and what it records with its clinician as author. */
function fhirSite(name: string, startMs = T0) {
  let wall = startMs;
  const writer = createEventWriter({
    site: siteId(name),
    clock: createHybridClock({ wallClock: () => wall }),
  });
  const chart: Chart = createChart({ schema });
  const author: Author = { id: `dr-${name}`, role: 'gp', org: name };
  return {
    chart,
    author,
    tick: (ms: number) => void (wall += ms),
    /** Records the resource as given; the event, or undefined when the record already held it. */
    write(resource: FhirResource): ChartEvent | undefined {
      const draft = prepareFhirWrite(chart, resource, { author });
      if (draft === undefined) return undefined;
      wall += 1;
      const event = writer.append(draft);
      chart.apply([event]);
      return event;
    },
    read: (resource: FhirResource) =>
      readFhirResource(chart, fhirStreamOf(resource), `${resource.resourceType}/${resource.id}`),
  };
}

/** The error `act` throws; fails the test when it throws none. */
function thrown(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

const resources = syntheaResources();
const allergy = resources.find((r) => r.resourceType === 'AllergyIntolerance') as FhirResource & {
  criticality?: string;
};

beforeAll(indexR4Definitions);

describe('FHIR R4 records', () => {
  it('every Synthea resource reads back as the FHIR R4 it was written as, versioned by the event that wrote it, and valid', () => {
    const a = fhirSite('practice-a');
    const events = new Map<string, ChartEvent>();
    for (const r of resources) {
      // Organizations and Practitioners recur in several patients' bundles: the first write holds them.
      const event = a.write(r);
      if (event !== undefined) events.set(`${r.resourceType}/${r.id}`, event);
    }
    expect(new Set(resources.map((r) => r.resourceType)).size).toBe(16);
    const validated = validationSample(resources);
    for (const r of resources) {
      const read = a.read(r) as FhirResource;
      const event = events.get(`${r.resourceType}/${r.id}`) as ChartEvent;
      expect(read.meta?.versionId).toBe(`practice-a.${event.seq}`);
      expect(read.meta?.lastUpdated).toBe(event.hlc.slice(0, 24));
      expect(withoutVersion(read)).toEqual(r);
      if (validated.has(r)) expect(() => validateResource(read as unknown as Resource)).not.toThrow();
    }
  });

  it('writing the same resources again adds nothing', () => {
    const a = fhirSite('practice-a');
    for (const r of resources) a.write(r);
    const size = a.chart.size;
    for (const r of resources) expect(prepareFhirWrite(a.chart, r, { author: a.author })).toBeUndefined();
    // A resource read back (with its version) is also what the record holds.
    for (const r of resources.slice(0, 200))
      expect(prepareFhirWrite(a.chart, a.read(r) as FhirResource, { author: a.author })).toBeUndefined();
    expect(a.chart.size).toBe(size);
  });

  it('a resource with nothing but its id is held, reads back as just that, and writing it again adds nothing', () => {
    const a = fhirSite('practice-a');
    const bare = { resourceType: 'Practitioner', id: 'locum-1' } as FhirResource;
    expect(a.write(bare)).toBeDefined();
    expect(withoutVersion(a.read(bare) as FhirResource)).toEqual(bare);
    expect(a.write(bare)).toBeUndefined();
  });

  it('a string not in Unicode NFC is recorded in NFC, and writing it again adds nothing', () => {
    const a = fhirSite('practice-a');
    const decomposed = {
      resourceType: 'Practitioner',
      id: 'dr-e',
      name: [{ family: 'Re\u0301my' }],
    } as FhirResource;
    expect(a.write(decomposed)).toBeDefined();
    expect((a.read(decomposed) as unknown as { name: { family: string }[] }).name[0]?.family).toBe(
      'R\u00e9my',
    );
    expect(a.write(decomposed)).toBeUndefined();
  });

  it("puts each resource on its patient's record, and resources of no patient on their type's directory stream", () => {
    const patients = resources.filter((r) => r.resourceType === 'Patient').map((p) => `patient/${p.id}`);
    const streams = new Map<string, number>();
    for (const r of resources) streams.set(fhirStreamOf(r), (streams.get(fhirStreamOf(r)) ?? 0) + 1);
    expect([...streams.keys()].filter((s) => s.startsWith('patient/')).sort()).toEqual(patients.sort());
    expect([...streams.keys()].filter((s) => !s.startsWith('patient/')).sort()).toEqual([
      'directory/Organization',
      'directory/Practitioner',
    ]);
    const obs = resources.find((r) => r.resourceType === 'Observation') as FhirResource & {
      subject: { reference: string };
    };
    expect(fhirStreamOf(obs)).toBe(`patient/${obs.subject.reference.slice('Patient/'.length)}`);
  });

  it('concurrent changes to a safety-critical element read as valid FHIR with the provisional value marked and every competing value listed', () => {
    const a = fhirSite('practice-a');
    const b = fhirSite('hospital-b', T0 + 5);
    const patient = resources.find(
      (r) => r.resourceType === 'Patient' && fhirStreamOf(allergy) === `patient/${r.id}`,
    ) as FhirResource;
    for (const site of [a, b]) for (const r of [patient, allergy]) site.write(r);
    expect(allergy.criticality).not.toBe('high');
    expect(allergy.criticality).not.toBe('unable-to-assess');
    const high = a.write({ ...allergy, criticality: 'high' } as FhirResource) as ChartEvent;
    const low = b.write({ ...allergy, criticality: 'unable-to-assess' } as FhirResource) as ChartEvent;
    a.chart.apply([low]);
    b.chart.apply([high]);

    const read = a.read(allergy) as FhirResource & {
      criticality: string;
      extension: {
        url: string;
        extension: {
          url: string;
          valueString?: string;
          extension?: { url: string; valueString?: string }[];
        }[];
      }[];
    };
    expect(b.read(allergy)).toEqual(read);
    expect(read.meta?.tag).toContainEqual(PROVISIONAL_TAG);
    const marker = read.extension.find((x) => x.url === CONCURRENT_VALUES_EXTENSION);
    expect(marker?.extension[0]).toEqual({ url: 'element', valueString: 'AllergyIntolerance.criticality' });
    const candidates = marker?.extension
      .filter((x) => x.url === 'candidate')
      .map((c) => Object.fromEntries((c.extension ?? []).map((p) => [p.url, p.valueString])));
    expect(candidates?.map((c) => [c['value'], c['site'], c['author'], c['event']]).sort()).toEqual(
      [
        ['{"criticality":"high"}', 'practice-a', 'dr-practice-a', high.id],
        ['{"criticality":"unable-to-assess"}', 'hospital-b', 'dr-hospital-b', low.id],
      ].sort(),
    );
    expect(['high', 'unable-to-assess']).toContain(read.criticality);
    expect(() => validateResource(read as unknown as Resource)).not.toThrow();

    // Writing back what was read changes nothing (it settles nothing either); a new value is refused until the conflict is resolved.
    expect(prepareFhirWrite(a.chart, read, { author: a.author })).toBeUndefined();
    const err = thrown(() =>
      prepareFhirWrite(a.chart, { ...allergy, criticality: 'low' } as FhirResource, { author: a.author }),
    );
    expect(err).toMatchObject({
      code: 'INVALID_COMMAND',
      issues: [{ path: ['writes', `AllergyIntolerance/${allergy.id}`, 'criticality'] }],
    });
  });

  it('takes its merge rules from the R4 definitions, with the clinical pack choosing for safety-critical elements', () => {
    const rule = (type: string, field: string) => schema.field(type, field)?.rule.name;
    expect([
      rule('Observation', 'status'),
      rule('AllergyIntolerance', 'clinicalStatus'),
      rule('AllergyIntolerance', 'verificationStatus'),
      rule('Claim', 'status'),
    ]).toEqual(['mv', 'mv', 'mv', 'mv']);
    expect([
      rule('Observation', 'subject'),
      rule('AllergyIntolerance', 'patient'),
      rule('Claim', 'patient'),
    ]).toEqual(['once', 'once', 'once']);
    expect([
      rule('Observation', 'category'),
      rule('Patient', 'telecom'),
      rule('Observation', 'note'),
      rule('Observation', 'issued'),
    ]).toEqual(['once', 'set', 'log', 'lww']);
    expect([
      rule('Patient', 'birthDate'),
      rule('MedicationRequest', 'dosageInstruction'),
      rule('AllergyIntolerance', 'criticality'),
      rule('Observation', 'value'),
    ]).toEqual(['mv', 'mv', 'mv', 'mv']);
    expect(rule('Observation', '_issued')).toBe('lww');
    expect(Object.keys(schema.definition.resources)).toHaveLength(147);
    expect(() => createFhirSchema({ rules: { ...clinicalFhirRules, Patient: { shoeSize: 'mv' } } })).toThrow(
      expect.objectContaining({ code: 'INVALID_SCHEMA' }),
    );
  });

  it('refuses a resource it cannot hold as R4, naming the element, and records nothing', () => {
    const a = fhirSite('practice-a');
    const patient = resources.find((r) => r.resourceType === 'Patient') as FhirResource;
    const key = `Patient/${patient.id}`;
    const cases: [Record<string, unknown>, string][] = [
      [{ birthDate: '2 March 1950' }, 'birthDate'],
      [{ colour: 'blue' }, 'colour'],
      [{ deceasedBoolean: false, deceasedDateTime: '2020-01-01' }, 'deceasedDateTime'],
      [{ gender: ['female'] }, 'gender'],
      [{ telecom: [] }, 'telecom'],
    ];
    for (const [change, element] of cases) {
      const err = thrown(() =>
        prepareFhirWrite(a.chart, { ...patient, ...change } as FhirResource, { author: a.author }),
      );
      expect(err, element).toMatchObject({ code: 'INVALID_COMMAND' });
      expect(JSON.stringify((err as { issues: unknown }).issues), element).toContain(element);
    }
    expect(
      thrown(() =>
        prepareFhirWrite(a.chart, { ...patient, id: 'no spaces allowed' } as FhirResource, {
          author: a.author,
        }),
      ),
    ).toMatchObject({ code: 'INVALID_COMMAND' });
    expect(a.chart.size).toBe(0);
    expect(a.chart.resource(fhirStreamOf(patient), key)).toBeUndefined();
  });

  it('a new version writes only what changed: an element left out is removed, list additions from two sites are both kept', () => {
    const a = fhirSite('practice-a');
    const b = fhirSite('hospital-b', T0 + 5);
    const patient = resources.find((r) => r.resourceType === 'Patient') as FhirResource & {
      telecom?: unknown[];
      maritalStatus?: unknown;
    };
    const first = a.write(patient) as ChartEvent;
    b.chart.apply([first]);
    const { maritalStatus: _m, ...withoutStatus } = patient;
    const changed = a.write({
      ...withoutStatus,
      telecom: [...(patient.telecom ?? []), { system: 'email', value: 'a@example.org' }],
    } as FhirResource) as ChartEvent;
    expect(
      Object.keys((changed.data as Record<string, object>)[`Patient/${patient.id}`] as object).sort(),
    ).toEqual(['maritalStatus', 'telecom']);
    const other = b.write({
      ...patient,
      telecom: [...(patient.telecom ?? []), { system: 'phone', value: '0113 000 0000' }],
    } as FhirResource) as ChartEvent;
    a.chart.apply([other]);
    b.chart.apply([changed]);
    const read = a.read(patient) as typeof patient;
    expect(b.read(patient)).toEqual(read);
    expect(read.maritalStatus).toBeUndefined();
    expect(read.telecom).toEqual([
      ...(patient.telecom ?? []),
      { system: 'email', value: 'a@example.org' },
      { system: 'phone', value: '0113 000 0000' },
    ]);
  });
});
